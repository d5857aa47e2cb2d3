"""Ingest through the service layer on SQLite and PostgreSQL: what is accepted, refused, deduplicated, stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callwarden.domain.access import Actor, Role
from callwarden.domain.metadata import parse_metadata
from callwarden.services import calls as calls_service
from callwarden.services.errors import InvalidInput, PermissionDenied, TooLarge
from callwarden.services.ingest import ingest_file, ingest_stream
from callwarden.services.runtime import Runtime
from callwarden.services.users import local_operator
from callwarden.store.models import AuditRow, Blob, Call, DataKey, Job
from tests.audio_fixtures import tone, write_wav

ADMIN = local_operator()


def meta(**over: object):  # type: ignore[no-untyped-def]
    raw = {
        "call_id": "V-1",
        "agent_id": "a-1",
        "campaign": "solar",
        "direction": "outbound",
        "from": "+14155552671",
        "to": "2125550123",
        "started_at": "2026-11-02T15:04:05Z",
        "agent_region": "US-TX",
    }
    raw.update(over)
    return parse_metadata(raw, default_region="US")


def counts(rt: Runtime) -> dict[str, int]:
    with rt.db.transaction() as s:
        return {
            name: s.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in (("calls", Call), ("blobs", Blob), ("keys", DataKey), ("jobs", Job))
        }


def stored_objects(rt: Runtime) -> list[str]:
    return list(rt.vault.blobs.keys())


def test_ingest_catalogues_exactly_what_was_accepted(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(2.5, channels=2))
    outcome = ingest_file(rt, ADMIN, wav, meta())
    assert outcome.created
    page = calls_service.list_calls(rt, ADMIN)
    assert page["total"] == 1
    item = page["items"][0]
    assert item["id"] == outcome.call_id
    assert item["call_id"] == "V-1" and item["agent_id"] == "a-1" and item["campaign"] == "solar"
    assert item["from"] == "+14155552671" and item["to"] == "+12125550123"
    assert item["started_at"] == "2026-11-02T15:04:05Z"
    assert item["duration_s"] == pytest.approx(2.5, abs=0.01)
    assert item["channels"] == 2 and item["sample_rate"] == 8000
    assert item["status"] == "queued" and item["disclosure_status"] is None
    import hashlib

    assert item["sha256"] == hashlib.sha256(wav.read_bytes()).hexdigest()
    assert counts(rt) == {"calls": 1, "blobs": 1, "keys": 1, "jobs": 1}


def test_same_bytes_twice_are_one_call(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(1.0))
    first = ingest_file(rt, ADMIN, wav, meta())
    copy = tmp_path / "renamed.wav"
    copy.write_bytes(wav.read_bytes())
    second = ingest_file(rt, ADMIN, copy, meta(agent_id="someone-else"))
    assert not second.created and second.call_id == first.call_id
    assert counts(rt)["calls"] == 1
    assert len(stored_objects(rt)) == 1, "the duplicate's ciphertext must not stay behind"


def test_stored_blob_is_ciphertext_and_decrypts_to_the_original(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(1.0))
    original = wav.read_bytes()
    outcome = ingest_file(rt, ADMIN, wav, meta())
    root = Path(rt.settings.resolved_blob_url.removeprefix("file://"))
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert b"RIFF" not in data and original[100:164] not in data
    reader, media_type, size = calls_service.open_original_audio(rt, ADMIN, outcome.call_id, "test")
    with reader:
        assert reader.read() == original
    assert size == len(original) and media_type == "audio/wav"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"hello, this is not audio at all" * 40, "not"),
        (bytes(range(256)) * 64, "not"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(rt: Runtime, tmp_path: Path, content: bytes, problem: str) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(content)
    with pytest.raises(InvalidInput, match=problem):
        ingest_file(rt, ADMIN, bad, meta())
    assert counts(rt) == {"calls": 0, "blobs": 0, "keys": 0, "jobs": 0}
    assert stored_objects(rt) == []


def test_truncated_wav_is_refused(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "full.wav", tone(4.0))
    cut = tmp_path / "cut.wav"
    cut.write_bytes(wav.read_bytes()[: len(wav.read_bytes()) // 3])
    with pytest.raises(InvalidInput, match="truncated"):
        ingest_file(rt, ADMIN, cut, meta())
    assert counts(rt)["calls"] == 0


def test_absurd_channel_count_and_duration_are_refused(rt: Runtime, tmp_path: Path) -> None:
    wide = write_wav(tmp_path / "wide.wav", tone(0.5, channels=6))
    with pytest.raises(InvalidInput, match="channel"):
        ingest_file(rt, ADMIN, wide, meta())
    rt.settings.max_duration_s = 2.0
    long = write_wav(tmp_path / "long.wav", tone(3.0))
    with pytest.raises(InvalidInput, match="long"):
        ingest_file(rt, ADMIN, long, meta())
    assert counts(rt)["calls"] == 0


def test_short_recording_for_a_long_call_is_flagged(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "short.wav", tone(2.0))
    outcome = ingest_file(rt, ADMIN, wav, meta(duration_s=23 * 60))
    assert "short_recording" in outcome.flags
    assert "short_recording" in calls_service.list_calls(rt, ADMIN)["items"][0]["flags"]


def test_header_only_wav_for_a_23_minute_call_is_kept_and_flagged(rt: Runtime, tmp_path: Path) -> None:
    import numpy as np

    wav = write_wav(tmp_path / "lost.wav", np.zeros((0, 1), dtype="<i2"))
    assert wav.stat().st_size == 44
    outcome = ingest_file(rt, ADMIN, wav, meta(billsec=23 * 60))
    assert outcome.created and {"no_audio", "short_recording"} <= set(outcome.flags)
    assert calls_service.list_calls(rt, ADMIN)["items"][0]["duration_s"] == 0
    from callwarden.services.pipeline import run_pending

    run_pending(rt, ADMIN)
    shown = calls_service.show_call(rt, ADMIN, outcome.call_id)
    assert shown["status"] == "done" and shown["report"]["levels"] == {"skipped": True}


def test_stream_upload_is_validated_from_ciphertext(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "up.wav", tone(1.5, channels=2)).read_bytes()
    pieces = [wav[i : i + 1000] for i in range(0, len(wav), 1000)]
    outcome = ingest_stream(rt, ADMIN, iter(pieces), "up.wav", meta(), source="upload")
    assert outcome.created
    with pytest.raises(InvalidInput, match=r"up2\.wav"):
        ingest_stream(rt, ADMIN, iter([b"garbage" * 100]), "up2.wav", meta(), source="upload")
    assert counts(rt)["calls"] == 1 and len(stored_objects(rt)) == 1


def test_upload_over_the_limit_is_refused_midstream(rt: Runtime) -> None:
    rt.settings.max_upload_bytes = 10_000

    def endless():  # type: ignore[no-untyped-def]
        while True:
            yield os.urandom(4096)

    with pytest.raises(TooLarge):
        ingest_stream(rt, ADMIN, endless(), "big.wav", None, source="upload")
    assert stored_objects(rt) == [] and counts(rt)["calls"] == 0


def test_roles_without_ingest_right_are_refused(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(1.0))
    with pytest.raises(PermissionDenied):
        ingest_file(rt, Actor(name="ag", role=Role.AGENT, agent_id="a-1"), wav, meta())


def test_every_ingest_and_view_is_in_the_audit_chain(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(1.0))
    outcome = ingest_file(rt, ADMIN, wav, meta())
    ingest_file(rt, ADMIN, wav, meta())
    calls_service.show_call(rt, ADMIN, outcome.call_id)
    with rt.db.transaction() as s:
        actions = [row.action for row in s.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()]
    assert actions == ["call.ingested", "call.ingest_duplicate", "call.viewed"]


def test_agents_list_only_their_calls(rt: Runtime, tmp_path: Path) -> None:
    ingest_file(rt, ADMIN, write_wav(tmp_path / "a.wav", tone(1.0)), meta(agent_id="a-1"))
    ingest_file(rt, ADMIN, write_wav(tmp_path / "b.wav", tone(1.2)), meta(agent_id="a-2"))
    agent = Actor(name="ag", role=Role.AGENT, agent_id="a-2")
    page = calls_service.list_calls(rt, agent)
    assert [i["agent_id"] for i in page["items"]] == ["a-2"] and page["total"] == 1
