"""Compliance figures per agent, campaign and day, from stored disclosure verdicts, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import update

from callwarden.domain.access import Actor, Role
from callwarden.domain.metadata import parse_metadata
from callwarden.services.compliance import compliance_figures, figures_csv
from callwarden.services.ingest import ingest_file
from callwarden.services.runtime import Runtime
from callwarden.services.users import local_operator
from callwarden.store.models import Call
from tests.audio_fixtures import tone, write_wav

ADMIN = local_operator()
CALLS = [  # agent, campaign, day, verdict
    ("a-1", "solar", "2026-11-02", "given"),
    ("a-1", "solar", "2026-11-02", "late"),
    ("a-1", "solar", "2026-11-03", "given"),
    ("a-2", "solar", "2026-11-03", "missing"),
    ("a-2", "warranty", "2026-11-03", "objected"),
    ("a-2", "warranty", "2026-11-03", None),
]


def seed(rt: Runtime, tmp_path: Path) -> None:
    for i, (agent, campaign, day, verdict) in enumerate(CALLS):
        meta = parse_metadata(
            {"agent_id": agent, "campaign": campaign, "started_at": f"{day}T15:00:0{i}Z"}, default_region="US"
        )
        outcome = ingest_file(rt, ADMIN, write_wav(tmp_path / f"{i}.wav", tone(0.5 + i / 10)), meta)
        with rt.db.transaction() as s:
            s.execute(update(Call).where(Call.id == outcome.call_id).values(disclosure_status=verdict))


def test_figures_per_agent_campaign_and_day(rt: Runtime, tmp_path: Path) -> None:
    seed(rt, tmp_path)
    by_agent = {row.key: row for row in compliance_figures(rt, ADMIN, "agent")}
    assert by_agent["a-1"].counts == {"given": 2, "late": 1, "missing": 0, "objected": 0}
    assert by_agent["a-1"].rates()["given"] == 2 / 3
    assert by_agent["a-2"].pending == 1 and by_agent["a-2"].calls == 3
    by_campaign = {row.key: row.counts for row in compliance_figures(rt, ADMIN, "campaign")}
    assert by_campaign["warranty"]["objected"] == 1
    by_day = {row.key: row.counts for row in compliance_figures(rt, ADMIN, "day")}
    assert by_day["2026-11-02"] == {"given": 1, "late": 1, "missing": 0, "objected": 0}
    assert by_day["2026-11-03"]["missing"] == 1


def test_agents_see_only_their_own_figures_and_csv_has_rates(rt: Runtime, tmp_path: Path) -> None:
    seed(rt, tmp_path)
    rows = compliance_figures(rt, Actor("ag", Role.AGENT, agent_id="a-2"), "agent")
    assert [row.key for row in rows] == ["a-2"]
    table = list(csv.DictReader(io.StringIO(figures_csv(compliance_figures(rt, ADMIN, "agent"), "agent"))))
    assert table[0]["agent"] == "a-1" and table[0]["given_rate"] == "0.6667"


def test_cli_prints_csv(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from callwarden.services.runtime import open_runtime
    from tests.integration.cli_helpers import run_cli

    rt = open_runtime(settings)
    try:
        seed(rt, tmp_path)
    finally:
        rt.close()
    done = run_cli(settings, "compliance", "--by", "campaign", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["campaign"] for r in rows] == ["solar", "warranty"] and rows[1]["objected"] == "1"
    bad = run_cli(settings, "compliance", "--by", "weather")
    assert bad.returncode == 1 and "agent, campaign or day" in bad.stderr
