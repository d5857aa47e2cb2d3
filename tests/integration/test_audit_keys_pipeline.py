"""Tamper detection, key rotation, crypto-shredding and the pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from callwarden.domain.metadata import parse_metadata
from callwarden.services import calls as calls_service
from callwarden.services import keys as keys_service
from callwarden.services.audit import export_audit, verify_audit
from callwarden.services.errors import InvalidInput, Unavailable
from callwarden.services.ingest import ingest_file
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime, open_runtime
from callwarden.services.users import local_operator
from callwarden.store.crypto import IntegrityError
from tests.audio_fixtures import tone, write_wav

ADMIN = local_operator()
META = parse_metadata({"agent_id": "a-1", "from": "+14155552671", "to": "+12125550123"}, default_region="US")


def ingest_n(rt: Runtime, tmp_path: Path, n: int) -> list[str]:
    ids = []
    for i in range(n):
        wav = write_wav(tmp_path / f"c{i}.wav", tone(1.0 + i / 10, channels=1 + i % 2))
        ids.append(ingest_file(rt, ADMIN, wav, META).call_id)
    return ids


def test_tampered_audit_row_is_detected_and_named(rt: Runtime, tmp_path: Path) -> None:
    ids = ingest_n(rt, tmp_path, 3)
    calls_service.show_call(rt, ADMIN, ids[0])
    assert verify_audit(rt, ADMIN).ok
    with rt.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    verdict = verify_audit(rt, ADMIN)
    assert not verdict.ok and verdict.broken_seq == 2 and verdict.checked == 1


def test_deleted_audit_row_is_detected(rt: Runtime, tmp_path: Path) -> None:
    ingest_n(rt, tmp_path, 3)
    with rt.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    verdict = verify_audit(rt, ADMIN)
    assert not verdict.ok and "entries" in (verdict.reason or "")


def test_export_is_json_lines_that_verify_alone(rt: Runtime, tmp_path: Path) -> None:
    import json

    from callwarden.domain.audit import AuditEntry, verify_chain

    ingest_n(rt, tmp_path, 2)
    lines = list(export_audit(rt, ADMIN))
    entries = [AuditEntry(**json.loads(line)) for line in lines]
    assert entries[-1].action == "audit.exported"
    assert verify_chain(entries).ok


def test_key_rotation_keeps_every_recording_readable(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rt = open_runtime(settings)
    try:
        ids = ingest_n(rt, tmp_path, 3)
        originals = [(tmp_path / f"c{i}.wav").read_bytes() for i in range(3)]
        result = keys_service.rotate_keys(rt, ADMIN, retire_old=True)
        assert result.rewrapped == 3 and len(result.retired) == 1
        assert rt.keyset.key_ids() == [result.new_kek_id]
    finally:
        rt.close()
    rt = open_runtime(settings)  # a fresh process sees only the new keyset file
    try:
        for call_id, original in zip(ids, originals, strict=True):
            reader, _, _ = calls_service.open_original_audio(rt, ADMIN, call_id, "rotation check")
            with reader:
                assert reader.read() == original
    finally:
        rt.close()


def test_crypto_shredding_makes_one_recording_unreadable(rt: Runtime, tmp_path: Path) -> None:
    keep, shred = ingest_n(rt, tmp_path, 2)
    with pytest.raises(InvalidInput, match="purpose"):
        keys_service.shred_call_audio(rt, ADMIN, shred, "")
    assert keys_service.shred_call_audio(rt, ADMIN, shred, "erasure request 17") == 1
    with pytest.raises(Unavailable, match="shredded"):
        calls_service.open_original_audio(rt, ADMIN, shred, "check")
    reader, _, _ = calls_service.open_original_audio(rt, ADMIN, keep, "check")
    with reader:
        assert reader.read() == (tmp_path / "c0.wav").read_bytes()
    assert verify_audit(rt, ADMIN).ok


def test_tampered_blob_gives_an_integrity_error_never_wrong_audio(rt: Runtime, tmp_path: Path) -> None:
    (call_id,) = ingest_n(rt, tmp_path, 1)
    root = Path(rt.settings.resolved_blob_url.removeprefix("file://"))
    (blob,) = [p for p in root.rglob("*") if p.is_file()]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))

    def play() -> bytes:
        reader, _, _ = calls_service.open_original_audio(rt, ADMIN, call_id, "check")
        with reader:
            return reader.read()

    with pytest.raises((IntegrityError, Unavailable)):
        play()


def test_pipeline_decodes_every_call_and_marks_it_done(rt: Runtime, tmp_path: Path) -> None:
    ids = ingest_n(rt, tmp_path, 2)
    assert run_pending(rt, ADMIN) == 2 * len(rt.runner.stages)
    assert run_pending(rt, ADMIN) == 0
    for call_id in ids:
        call = calls_service.show_call(rt, ADMIN, call_id)
        assert call["status"] == "done"
        levels = call["report"]["levels"]
        assert len(levels["channels"]) == call["channels"]
        assert levels["channels"][0]["rms_dbfs"] == pytest.approx(-13.5, abs=1.0)
        stage = call["report"]["stages"][0]
        assert stage["stage"] == "decode" and stage["engine"] == "pyav" and len(stage["input_hash"]) == 64
        assert [s["stage"] for s in call["report"]["stages"]] == [s.name for s in rt.runner.stages]


def test_rerunning_a_stage_with_same_inputs_changes_nothing(rt: Runtime, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from callwarden.store import job_queue
    from callwarden.store.models import StageResult

    (call_id,) = ingest_n(rt, tmp_path, 1)
    run_pending(rt, ADMIN)
    with rt.db.transaction() as s:
        before = s.execute(select(func.count()).select_from(StageResult)).scalar_one()
        job_queue.enqueue(s, call_id, "decode")
    run_pending(rt, ADMIN)
    with rt.db.transaction() as s:
        assert s.execute(select(func.count()).select_from(StageResult)).scalar_one() == before


def test_a_killed_workers_job_is_taken_over_after_its_lease(rt: Runtime, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from callwarden.store import job_queue

    (call_id,) = ingest_n(rt, tmp_path, 1)
    with rt.db.transaction() as s:
        claimed = job_queue.claim(s, "dead-worker", lease_s=60)
    assert claimed is not None
    with rt.db.transaction() as s:
        assert job_queue.claim(s, "other", lease_s=60) is None
    later = datetime.now(UTC) + timedelta(seconds=120)
    with rt.db.transaction() as s:
        again = job_queue.claim(s, "other", lease_s=60, now=later)
    assert again is not None and again.call_id == call_id and again.attempt == 2


def test_a_failing_stage_is_retried_then_marks_the_call_failed(rt: Runtime, tmp_path: Path) -> None:
    from sqlalchemy import select, update

    from callwarden.store.models import Job

    (call_id,) = ingest_n(rt, tmp_path, 1)
    with rt.db.transaction() as s:
        s.execute(update(Job).values(stage="no-such-stage"))
    for _ in range(3):
        with rt.db.transaction() as s:
            s.execute(update(Job).values(available_at=Job.created_at))
        rt.runner.run_one("w")
    with rt.db.transaction() as s:
        job = s.execute(select(Job)).scalar_one()
        assert job.status == "failed" and job.attempts == 3 and "no-such-stage" in (job.last_error or "")
    assert calls_service.show_call(rt, ADMIN, call_id)["status"] == "failed"
