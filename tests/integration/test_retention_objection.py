"""From a prospect's objection to the deletion of what was recorded after it, through the real pipeline and CLI."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import select

from callwarden.audio.probe import probe
from callwarden.config import Settings
from callwarden.domain.metadata import parse_metadata
from callwarden.pipeline.runner import ORIGINAL
from callwarden.services import calls as calls_service
from callwarden.services import retention
from callwarden.services.audit import verify_audit
from callwarden.services.ingest import ingest_file
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime, open_runtime
from callwarden.services.users import local_operator
from callwarden.store import job_queue
from callwarden.store.models import Blob, ScheduledDeletion
from tests.integration.cli_helpers import run_cli

ADMIN = local_operator()
SAMPLE = "call-04-tx-prospect-objects"


def policy_runtime(settings: Settings, tmp_path: Path, **policy: object) -> Runtime:
    path = tmp_path / f"policy-{len(list(tmp_path.glob('policy-*')))}.json"
    path.write_text(json.dumps({"default": policy}))
    return open_runtime(settings.model_copy(update={"policy_file": path}))


def ingest_sample(rt: Runtime) -> str:
    folder = resources.files("callwarden") / "samples"
    with resources.as_file(folder / f"{SAMPLE}.flac") as audio, resources.as_file(folder / f"{SAMPLE}.json") as meta:
        parsed = parse_metadata(json.loads(meta.read_text()), default_region="US")
        return ingest_file(rt, ADMIN, Path(audio), parsed).call_id


def deletion_rows(rt: Runtime) -> list[ScheduledDeletion]:
    with rt.db.transaction() as s:
        return list(s.execute(select(ScheduledDeletion)).scalars())


def test_objection_schedules_once_then_the_audio_after_it_is_cut(settings: Settings, tmp_path: Path) -> None:
    rt = policy_runtime(settings, tmp_path, on_objection="delete_after_objection", objection_grace_days=0)
    try:
        call_id = ingest_sample(rt)
        run_pending(rt, ADMIN)
        shown = calls_service.show_call(rt, ADMIN, call_id)
        assert shown["disclosure_status"] == "objected"
        objection_at = shown["report"]["objection"]["at_s"]
        (row,) = deletion_rows(rt)
        assert row.scope == "after_objection" and row.cut_at_s is not None
        assert objection_at < row.cut_at_s < shown["duration_s"]
        cut = row.cut_at_s
        original_duration = shown["duration_s"]
    finally:
        rt.close()

    rt = policy_runtime(settings, tmp_path, on_objection="delete_after_objection", objection_grace_days=3)
    try:
        with rt.db.transaction() as s:  # a new policy version: the stage runs again, and schedules nothing new
            job_queue.enqueue(s, call_id, "policy_actions")
        run_pending(rt, ADMIN)
        assert [r.id for r in deletion_rows(rt)] == [row.id]
    finally:
        rt.close()

    listed = run_cli(settings, "retention", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [i["state"] for i in json.loads(listed.stdout)["items"]] == ["due"]
    held = run_cli(settings, "calls", "hold", call_id, "--reason", "complaint under review")
    assert held.returncode == 0 and json.loads(held.stdout)["deletions_held"] == [row.id]
    blocked = run_cli(settings, "retention", "run")
    assert blocked.returncode == 0 and [h["id"] for h in json.loads(blocked.stdout)["held"]] == [row.id]
    assert run_cli(settings, "calls", "release", call_id, "--reason", "review done").returncode == 0
    ran = run_cli(settings, "retention", "run")
    assert ran.returncode == 0, ran.stderr
    (executed,) = json.loads(ran.stdout)["executed"]
    assert executed["removed_duration_s"] == pytest.approx(original_duration - cut, abs=0.05)

    rt = open_runtime(settings)
    try:
        run_pending(rt, ADMIN)
        with rt.db.transaction() as s:
            (original,) = s.execute(
                select(Blob).where(Blob.call_id == call_id, Blob.kind == ORIGINAL, Blob.shredded_at.is_(None))
            ).scalars()
            reader = rt.vault.open(s, original)
        with reader:
            kept = probe(io.BytesIO(reader.read()), max_duration_s=60, max_channels=2)
        assert kept.duration_s == pytest.approx(cut, abs=0.01)
        shown = calls_service.show_call(rt, ADMIN, call_id)
        assert shown["status"] == "done" and shown["duration_s"] == pytest.approx(cut, abs=0.01)
        segments = shown["report"]["segments"]
        assert segments and max(seg["end_s"] for seg in segments) <= cut + 0.05, "the new transcript ends at the cut"
        assert shown["disclosure_status"] == "objected", "the objection is kept as evidence"
        assert len(deletion_rows(rt)) == 1, "re-processing the kept audio schedules nothing new"
        with rt.db.transaction() as s:
            items = retention.scheduled_deletions_for(s, call_id, now=datetime.now(UTC))
        assert [i["state"] for i in items] == ["executed"]
        assert verify_audit(rt, ADMIN).ok
    finally:
        rt.close()
