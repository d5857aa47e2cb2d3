"""Executing scheduled deletions: due or not, legal holds, crypto-shredding, cutting an original, concurrency.

The calls here are tones (ASR is not the point); deletions are scheduled through ``store.deletions.schedule``,
the function the pipeline's policy stage goes through. ``test_retention_objection.py`` covers the pipeline end.
"""

from __future__ import annotations

import io
import json
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.audio.probe import iter_frames, probe
from callwarden.config import Settings
from callwarden.domain.access import Actor, Role
from callwarden.domain.retention import DeletionRequest, DeletionScope
from callwarden.pipeline.runner import ORIGINAL
from callwarden.services import calls as calls_service
from callwarden.services import retention
from callwarden.services.audit import call_history, verify_audit
from callwarden.services.deletions import AFTER_SEAL
from callwarden.services.errors import InvalidInput, PermissionDenied
from callwarden.services.ingest import ingest_file, sweep_orphans
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime, open_runtime
from callwarden.services.users import local_operator
from callwarden.store import audit_log, deletions
from callwarden.store.models import Blob, Call, ScheduledDeletion
from callwarden.store.vault import ShreddedError
from tests.audio_fixtures import tone, write_wav
from tests.integration.cli_helpers import run_cli

ADMIN = local_operator()
COMPLIANCE = Actor("carol", Role.COMPLIANCE)
QA = Actor("quinn", Role.QA_MANAGER)
LATER = timedelta(days=30)


def tone_call(rt: Runtime, tmp_path: Path, seconds: float = 6.0, name: str = "call.wav") -> tuple[str, np.ndarray]:
    samples = tone(seconds, sample_rate=8000, channels=2)
    return ingest_file(rt, ADMIN, write_wav(tmp_path / name, samples), None).call_id, samples


def schedule(rt: Runtime, call_id: str, scope: DeletionScope, cut: float | None = None, days: float = 7) -> int:
    with rt.db.transaction() as s:
        call = s.get(Call, call_id)
        assert call is not None
        request = DeletionRequest(scope, cut, days, "test objection", "policy-test")
        row = deletions.schedule(s, call, request, now=datetime.now(UTC))
        assert row is not None
        return row.id


def blobs_of(rt: Runtime, call_id: str) -> list[Blob]:
    with rt.db.transaction() as s:
        return list(s.execute(select(Blob).where(Blob.call_id == call_id).order_by(Blob.created_at)).scalars())


def read_blob(rt: Runtime, blob: Blob) -> bytes:
    with rt.db.transaction() as s:
        reader = rt.vault.open(s, blob)
    with reader:
        return reader.read()


def pcm(data: bytes) -> np.ndarray:
    frames = list(iter_frames(io.BytesIO(data)))
    channels = len(frames[0].layout.channels)
    if frames[0].format.is_planar:
        return np.concatenate([f.to_ndarray() for f in frames], axis=1).T
    return np.concatenate([f.to_ndarray().reshape(-1, channels) for f in frames])


def test_hold_blocks_a_due_deletion_until_released_then_every_blob_is_shredded(rt: Runtime, tmp_path: Path) -> None:
    call_id, _ = tone_call(rt, tmp_path)
    run_pending(rt, ADMIN)
    deletion = schedule(rt, call_id, DeletionScope.CALL)
    before = [b for b in blobs_of(rt, call_id) if b.shredded_at is None]
    assert {b.kind for b in before} >= {ORIGINAL, "transcript"}

    assert retention.run_due(rt, COMPLIANCE).to_dict() == {"executed": [], "failed": [], "held": []}, "not due yet"
    (item,) = retention.list_deletions(rt, COMPLIANCE)
    assert item["state"] == "pending" and item["id"] == deletion

    with pytest.raises(PermissionDenied):
        retention.place_hold(rt, QA, call_id, "litigation")
    with pytest.raises(InvalidInput, match="needs a reason"):
        retention.place_hold(rt, COMPLIANCE, call_id, "  ")
    hold = retention.place_hold(rt, COMPLIANCE, call_id, "litigation 2024-17")
    assert hold["legal_hold"] and hold["deletions_held"] == [deletion]
    shown = calls_service.show_call(rt, COMPLIANCE, call_id)
    assert shown["legal_hold"] is True
    assert shown["report"]["retention"]["legal_hold"]["reason"] == "litigation 2024-17"
    assert [(d["id"], d["state"]) for d in shown["report"]["retention"]["deletions"]] == [(deletion, "held")]
    held_run = retention.run_due(rt, COMPLIANCE, now=datetime.now(UTC) + LATER).to_dict()
    assert held_run["executed"] == [] and [h["id"] for h in held_run["held"]] == [deletion]
    assert retention.list_deletions(rt, COMPLIANCE, now=datetime.now(UTC) + LATER)[0]["state"] == "held"
    for blob in before:
        assert read_blob(rt, blob), "a held call keeps its audio"

    retention.release_hold(rt, COMPLIANCE, call_id, "case closed")
    done = retention.run_due(rt, COMPLIANCE, now=datetime.now(UTC) + LATER).to_dict()
    (executed,) = done["executed"]
    assert executed["deletion_id"] == deletion
    assert {b["blob_id"] for b in executed["shredded"]} == {b.id for b in before}
    for blob in blobs_of(rt, call_id):
        assert blob.shredded_at is not None and blob.data_key_id is None
        with pytest.raises(ShreddedError):
            read_blob(rt, blob)
    with rt.db.transaction() as s:
        call = s.get(Call, call_id)
        assert call is not None and "audio_deleted" in call.flags, "the catalogue row stays, marked"
    assert verify_audit(rt, ADMIN).ok
    actions = [e["action"] for e in retention_history(rt, call_id)]
    for action in ("deletion.scheduled", "call.legal_hold_placed", "call.legal_hold_released", "deletion.executed"):
        assert action in actions
    assert retention.list_deletions(rt, COMPLIANCE)[0]["state"] == "executed"
    report = calls_service.show_call(rt, COMPLIANCE, call_id)["report"]
    assert report["segments"] is None and report["segments_withheld"].startswith("deleted")
    assert report["retention"]["deletions"][0]["state"] == "executed"
    assert report["retention"]["legal_hold"]["legal_hold"] is False


def retention_history(rt: Runtime, call_id: str) -> list[dict[str, object]]:
    return call_history(rt, ADMIN, call_id)


def test_scheduling_is_once_per_call_and_scope_and_cancelling_is_final(rt: Runtime, tmp_path: Path) -> None:
    call_id, _ = tone_call(rt, tmp_path)
    first = schedule(rt, call_id, DeletionScope.CALL)
    with rt.db.transaction() as s:
        call = s.get(Call, call_id)
        assert call is not None
        again = DeletionRequest(DeletionScope.CALL, None, 0, "rerun", "policy-2")
        assert deletions.schedule(s, call, again, now=datetime.now(UTC)) is None
    cancelled = retention.cancel_deletion(rt, COMPLIANCE, first, "reviewed: the prospect agreed afterwards")
    assert cancelled["state"] == "cancelled"
    with pytest.raises(InvalidInput, match="already cancelled"):
        retention.cancel_deletion(rt, COMPLIANCE, first, "again")
    assert retention.run_due(rt, ADMIN, now=datetime.now(UTC) + LATER).to_dict()["executed"] == []
    assert read_blob(rt, blobs_of(rt, call_id)[0])
    with rt.db.transaction() as s:
        assert len(s.execute(select(ScheduledDeletion)).all()) == 1


def test_cutting_after_the_objection_keeps_the_samples_before_it_and_reprocesses(rt: Runtime, tmp_path: Path) -> None:
    call_id, samples = tone_call(rt, tmp_path, seconds=6.0)
    run_pending(rt, ADMIN)
    old = blobs_of(rt, call_id)
    schedule(rt, call_id, DeletionScope.AFTER_OBJECTION, cut=2.5, days=0)
    (executed,) = retention.run_due(rt, ADMIN).to_dict()["executed"]
    assert executed["kept_duration_s"] == pytest.approx(2.5, abs=1e-3)
    for blob in old:
        with pytest.raises(ShreddedError):
            read_blob(rt, blob)
    live = [b for b in blobs_of(rt, call_id) if b.shredded_at is None]
    assert [b.kind for b in live] == [ORIGINAL]
    kept = read_blob(rt, live[0])
    info = probe(io.BytesIO(kept), max_duration_s=60, max_channels=2)
    assert info.duration_s == pytest.approx(2.5, abs=1e-3)
    assert np.array_equal(pcm(kept), samples[:20000]), "kept samples are the original's, bit for bit"
    with rt.db.transaction() as s:
        call = s.get(Call, call_id)
        assert call is not None and call.status == "queued" and call.duration_s == pytest.approx(2.5, abs=1e-3)
    run_pending(rt, ADMIN)
    rebuilt = [b for b in blobs_of(rt, call_id) if b.shredded_at is None and b.kind == "transcript"]
    assert len(rebuilt) == 1 and rebuilt[0].created_at > live[0].created_at
    with rt.db.transaction() as s:
        call = s.get(Call, call_id)
        assert call is not None and call.status == "done"
    assert verify_audit(rt, ADMIN).ok


def test_two_workers_ticking_at_once_execute_a_deletion_once(rt: Runtime, tmp_path: Path) -> None:
    ids = []
    for index in range(3):
        call_id, _ = tone_call(rt, tmp_path, seconds=2.0 + index, name=f"call-{index}.wav")
        ids.append(call_id)
        schedule(rt, call_id, DeletionScope.CALL, days=0)
    start = threading.Barrier(2)
    runs: list[retention.RetentionRun] = []

    def tick(owner: str) -> None:
        start.wait()
        runs.append(retention.execute_due(rt, owner))

    threads = [threading.Thread(target=tick, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    executed = [o["call_id"] for run in runs for o in run.to_dict()["executed"]]
    assert sorted(executed) == sorted(ids), "each deletion exactly once across both workers"
    with rt.db.transaction() as s:
        entries = [e for call_id in ids for e in _audit(s, call_id) if e == "deletion.executed"]
    assert len(entries) == 3
    assert verify_audit(rt, ADMIN).ok


def _audit(session: Session, call_id: str) -> list[str]:
    return [e.action for e in audit_log.entries_for(session, call_id)]


def test_a_crash_between_sealing_and_recording_leaves_the_old_state(settings: Settings, tmp_path: Path) -> None:
    rt = open_runtime(settings)
    try:
        call_id, samples = tone_call(rt, tmp_path, seconds=4.0)
        schedule(rt, call_id, DeletionScope.AFTER_OBJECTION, cut=1.5, days=0)
    finally:
        rt.close()
    # The killed run holds its claim until the lease runs out, as a dead worker's job does.
    killed = run_cli(settings, "retention", "run", CALLWARDEN_FAULT_AT=AFTER_SEAL, CALLWARDEN_JOB_LEASE_S="1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rt = open_runtime(settings)
    try:
        (original,) = blobs_of(rt, call_id)
        assert np.array_equal(pcm(read_blob(rt, original)), samples), "the old original is untouched"
        (item,) = retention.list_deletions(rt, ADMIN, now=datetime.now(UTC) + LATER)
        assert item["state"] == "due" and item["executed_at"] is None
        assert sweep_orphans(rt, older_than_s=0) == 1, "the sealed, unrecorded blob is swept"
    finally:
        rt.close()
    time.sleep(1.1)  # past the killed run's lease
    again = run_cli(settings, "retention", "run")
    assert again.returncode == 0, again.stderr
    assert [o["call_id"] for o in json.loads(again.stdout)["executed"]] == [call_id]
    rt = open_runtime(settings)
    try:
        (live,) = [b for b in blobs_of(rt, call_id) if b.shredded_at is None]
        assert np.array_equal(pcm(read_blob(rt, live)), samples[:12000])
        assert verify_audit(rt, ADMIN).ok
    finally:
        rt.close()


def test_the_periodic_tick_runs_in_worker_loops(settings: Settings, tmp_path: Path) -> None:
    rt = open_runtime(settings.model_copy(update={"retention_tick_s": 0.2}))
    try:
        call_id, _ = tone_call(rt, tmp_path, seconds=2.0)
        schedule(rt, call_id, DeletionScope.CALL, days=0)
        rt.worker.start()
        done = threading.Event()
        for _ in range(300):
            with rt.db.transaction() as s:
                row = s.execute(select(ScheduledDeletion)).scalar_one()
                if row.executed_at is not None:
                    done.set()
                    break
            done.wait(0.1)
        assert done.is_set(), "the worker loop's tick executed the due deletion"
    finally:
        rt.close()
    off = open_runtime(settings.model_copy(update={"retention_tick_s": 0}))
    try:
        assert off.periodic_tasks() == []
    finally:
        off.close()
