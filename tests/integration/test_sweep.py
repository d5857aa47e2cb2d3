"""Sweeping what crashed ingests leave behind: keyless ciphertext and half-written files, never a catalogued blob.

Ingest makes its ciphertext durable before its transaction commits, so a crash in between leaves an object no
row refers to. ``sweep_orphans`` removes such objects once they are old enough that no ingest can still be
about to commit them; ages are set with ``os.utime`` rather than by waiting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.services import calls as calls_service
from callwarden.services.ingest import RECORDING_PREFIX, ingest_file, sweep_orphans
from callwarden.services.runtime import Runtime
from callwarden.services.users import local_operator
from callwarden.store.blobs import BlobNotFound, LocalBlobStore
from callwarden.store.models import Blob
from tests.audio_fixtures import tone, write_wav

ADMIN = local_operator()
HOUR = 3600.0


def local_store(rt: Runtime) -> LocalBlobStore:
    store = rt.vault.blobs
    assert isinstance(store, LocalBlobStore), "these tests age objects through the local file system"
    return store


def backdate(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def object_path(rt: Runtime, key: str) -> Path:
    return local_store(rt).root / "objects" / key


def orphan(rt: Runtime, *, age_s: float = 0.0) -> str:
    """Ciphertext sealed without its rows, as a crash between seal and commit leaves it."""
    key = rt.vault.seal([os.urandom(1000)], prefix=RECORDING_PREFIX).store_key
    if age_s:
        backdate(object_path(rt, key), age_s)
    return key


def part_file(rt: Runtime, *, age_s: float = 0.0) -> Path:
    """A staging file of a put still in progress (this process is alive, so only its age can condemn it)."""
    tmp = local_store(rt).root / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    part = tmp / f"{os.getpid()}-{uuid.uuid4().hex}.part"
    part.write_bytes(b"partial ciphertext")
    if age_s:
        backdate(part, age_s)
    return part


def catalogued(rt: Runtime, wav: Path, *, age_s: float = 0.0) -> tuple[str, str]:
    """Ingest ``wav``; return the call's id and the store key of its original."""
    call_id = ingest_file(rt, ADMIN, wav, None).call_id
    with rt.db.transaction() as session:
        key = session.execute(select(Blob.store_key).where(Blob.call_id == call_id)).scalar_one()
    if age_s:
        backdate(object_path(rt, key), age_s)
    return call_id, key


def test_last_modified_is_the_write_time(rt: Runtime) -> None:
    store = local_store(rt)
    before = time.time()
    store.put("recordings/x", [b"ciphertext"])
    assert store.last_modified("recordings/x") >= before - 2  # file systems may round mtimes down
    backdate(object_path(rt, "recordings/x"), 2 * HOUR)
    assert store.last_modified("recordings/x") == pytest.approx(time.time() - 2 * HOUR, abs=60)
    with pytest.raises(BlobNotFound, match="recordings/missing"):
        store.last_modified("recordings/missing")


def test_sweep_removes_old_orphans_and_stale_parts_only(rt: Runtime, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "kept.wav", tone(1.0))
    call_id, kept_call = catalogued(rt, wav, age_s=2 * HOUR)
    old_orphan = orphan(rt, age_s=2 * HOUR)
    fresh_orphan = orphan(rt)
    stale_part, fresh_part = part_file(rt, age_s=2 * HOUR), part_file(rt)

    assert sweep_orphans(rt, older_than_s=HOUR) == 2

    store = local_store(rt)
    assert sorted(store.keys()) == sorted([kept_call, fresh_orphan])
    assert not store.exists(old_orphan)
    assert not stale_part.exists()
    assert fresh_part.exists()
    reader, _, _ = calls_service.open_original_audio(rt, ADMIN, call_id, "sweep check")
    with reader:
        assert reader.read() == wav.read_bytes()


def test_zero_age_sweeps_every_orphan_but_never_a_catalogued_blob(rt: Runtime, tmp_path: Path) -> None:
    _, first = catalogued(rt, write_wav(tmp_path / "a.wav", tone(1.0)))
    _, second = catalogued(rt, write_wav(tmp_path / "b.wav", tone(1.5)), age_s=10)
    orphans = [orphan(rt, age_s=10) for _ in range(3)]

    assert sweep_orphans(rt, older_than_s=0) == 3

    assert sorted(local_store(rt).keys()) == sorted([first, second])
    assert all(not local_store(rt).exists(key) for key in orphans)
    assert sweep_orphans(rt, older_than_s=0) == 0


def test_orphans_stay_inside_the_prefix(rt: Runtime) -> None:
    store = local_store(rt)
    for key in ("recordings-archive/a", "derived/b", "recordings/c"):
        store.put(key, [b"ciphertext"])
        backdate(object_path(rt, key), 2 * HOUR)
    found = list(rt.vault.orphans({"recordings/c"}, prefix="recordings", older_than_s=HOUR))
    assert found == []
    assert list(rt.vault.orphans(set(), prefix="recordings/", older_than_s=HOUR)) == ["recordings/c"]


def test_crash_before_commit_leaves_an_orphan_that_the_sweep_removes(
    rt: Runtime, settings: Settings, tmp_path: Path
) -> None:
    wav = write_wav(tmp_path / "crash.wav", tone(1.0))
    code = (
        "from pathlib import Path\n"
        "from callwarden.config import Settings\n"
        "from callwarden.services.ingest import ingest_file\n"
        "from callwarden.services.runtime import open_runtime\n"
        "from callwarden.services.users import local_operator\n"
        "rt = open_runtime(Settings())\n"
        f"ingest_file(rt, local_operator(), Path({str(wav)!r}), None)\n"
    )
    env = {
        **os.environ,
        "CALLWARDEN_HOME": str(settings.home),
        "CALLWARDEN_DATABASE_URL": settings.resolved_database_url,
        "CALLWARDEN_FAULT_AT": "ingest.before_commit",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr

    (left,) = local_store(rt).keys()
    with rt.db.transaction() as session:
        assert rt.vault.referenced_keys(session) == set()
    assert sweep_orphans(rt, older_than_s=HOUR) == 0  # too young: it might be an ingest about to commit
    backdate(object_path(rt, left), 2 * HOUR)
    assert sweep_orphans(rt, older_than_s=HOUR) == 1
    assert list(local_store(rt).keys()) == []
    assert ingest_file(rt, ADMIN, wav, None).created  # the crashed ingest left no row behind
