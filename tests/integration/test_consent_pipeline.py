"""Consent in the pipeline and in ``analyze``: verdicts, policy actions, records bound to the recording."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.domain.access import Actor, Role
from callwarden.domain.audit import compute_hash
from callwarden.services import calls as calls_service
from callwarden.services.ingest import ingest_file
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime, open_runtime
from callwarden.services.users import local_operator
from callwarden.store.models import StageResult
from tests.integration.cli_helpers import run_cli
from tests.synth import TWO_PARTY_SALES, make_call, tools_missing

ADMIN = local_operator()
QA = Actor("qa", Role.QA_MANAGER)
SAMPLES = resources.files("callwarden") / "samples"


def ingest_sample(rt: Runtime, name: str) -> str:
    from callwarden.domain.metadata import parse_metadata

    with resources.as_file(SAMPLES / f"{name}.flac") as path, resources.as_file(SAMPLES / f"{name}.json") as meta:
        parsed = parse_metadata(json.loads(meta.read_text()), default_region="US")
        return ingest_file(rt, ADMIN, Path(path), parsed).call_id


def consent_results(rt: Runtime, call_id: str) -> list[dict[str, Any]]:
    with rt.db.transaction() as s:
        rows = s.execute(
            select(StageResult)
            .where(StageResult.call_id == call_id, StageResult.stage == "consent")
            .order_by(StageResult.id)
        ).scalars()
        return [row.output for row in rows]


def test_verdicts_policy_actions_and_records(rt: Runtime) -> None:
    objected = ingest_sample(rt, "call-04-tx-prospect-objects")
    missing_one_party = ingest_sample(rt, "call-03-ny-disclosure-missing")
    late_all_party = ingest_sample(rt, "call-02-fl-disclosure-late")
    run_pending(rt, ADMIN)

    shown = calls_service.show_call(rt, ADMIN, objected)
    assert shown["disclosure_status"] == "objected" and "disclosure_objected" in shown["flags"]
    report = shown["report"]
    assert report["objection"]["at_s"] == pytest.approx(8.0, abs=2.0)
    assert report["jurisdiction"]["consent_model"] == "all-party"  # the agent sits in Florida
    visible_to_qa = {item["id"] for item in calls_service.list_calls(rt, QA)["items"]}
    assert objected not in visible_to_qa, "an objected call is restricted to compliance"

    missing = calls_service.show_call(rt, ADMIN, missing_one_party)
    assert missing["disclosure_status"] == "missing" and "quarantined" not in missing["flags"]
    assert missing_one_party in visible_to_qa, "one-party law: flagged, not quarantined"

    late = calls_service.show_call(rt, ADMIN, late_all_party)
    assert late["disclosure_status"] == "late" and late["report"]["disclosure"]["at_s"] == pytest.approx(18, abs=2)

    (record,) = consent_results(rt, objected)
    entry = next(h for h in shown["history"] if h["action"] == "consent.recorded")
    assert entry["details"]["record_hash"] == compute_hash(record["record"])
    assert record["record"]["recording_sha256"] == shown["sha256"]
    assert record["record"]["rules_version"] == report["jurisdiction"]["rules_version"]


def test_new_rules_make_a_new_record_and_keep_the_old(settings: Settings, tmp_path: Path) -> None:
    rt = open_runtime(settings)
    try:
        call_id = ingest_sample(rt, "call-03-ny-disclosure-missing")
        run_pending(rt, ADMIN)
    finally:
        rt.close()
    overrides = tmp_path / "counsel.json"
    overrides.write_text(json.dumps({"US-NY": {"consent_model": "all-party", "reason": "test memo"}}))
    rt = open_runtime(settings.model_copy(update={"rules_override_file": overrides}))
    try:
        from callwarden.store import job_queue

        with rt.db.transaction() as s:
            job_queue.enqueue(s, call_id, "consent")
        run_pending(rt, ADMIN)
        first, second = consent_results(rt, call_id)
        assert first["jurisdiction"]["consent_model"] == "one-party"
        assert second["jurisdiction"]["consent_model"] == "all-party"
        assert "+override:" in second["jurisdiction"]["rules_version"]
        shown = calls_service.show_call(rt, ADMIN, call_id)
        assert "quarantined" in shown["flags"], "missing under all-party law: quarantine"
        records = [h for h in shown["history"] if h["action"] == "consent.recorded"]
        assert len(records) == 2 and records[0]["details"]["record_hash"] != records[1]["details"]["record_hash"]
    finally:
        rt.close()


@pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")
def test_analyze_with_a_prompt_finds_the_ivr_disclosure(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.wav"
    text = "This call may be monitored or recorded for quality assurance."
    subprocess.run(["flite", "-voice", "kal", "-t", text, "-o", str(prompt)], check=True)
    spec = TWO_PARTY_SALES.with_options(name="ivr-cli", ivr=prompt, codec="pcm_mulaw", noise_dbfs=-45.0)
    call = make_call(spec, tmp_path, seed=21)
    assert call.ivr_span is not None
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"direction": "outbound", "to": "+14155552671", "agent_region": "US-TX"}))
    settings = Settings(home=tmp_path / "no-home", policy_file=None)
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"default": {"methods": "ivr"}}))
    done = run_cli(settings, "analyze", str(call.path), "--meta", str(meta), "--prompt", str(prompt), timeout=300,
                   CALLWARDEN_POLICY_FILE=str(policy))  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["disclosure"]["status"] == "given" and report["disclosure"]["method"] == "ivr"
    assert report["disclosure"]["at_s"] == pytest.approx(call.ivr_span[0], abs=2.0)
    assert report["jurisdiction"]["consent_model"] == "all-party"
    missing = run_cli(settings, "analyze", str(call.path), "--prompt", str(tmp_path / "nope.wav"))
    assert missing.returncode == 1 and "nope.wav" in missing.stderr
    clipped = tmp_path / "clipped.wav"  # a third of a second of the notice: it would "match" calls that lack it
    subprocess.run(["sox", str(prompt), str(clipped), "trim", "0.1", "0.35"], check=True)
    short = run_cli(settings, "analyze", str(call.path), "--prompt", str(clipped))
    assert short.returncode == 1 and "prompt 'clipped' has" in short.stderr and "of voice" in short.stderr
