"""Both blob stores keep the same promises: atomic durable puts, random reads, safe keys, sweepable leftovers.

S3 runs against a real HTTP server (moto in server mode), so boto3's multipart and ranged-GET paths are the
ones production uses.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from callwarden.store.blobs import (
    BlobNotFound,
    BlobStore,
    BlobStoreError,
    InvalidBlobKey,
    LocalBlobStore,
    S3BlobStore,
    open_blob_store,
)
from callwarden.store.crypto import DecryptingReader, StreamEncryptor
from tests.conftest import S3_BUCKET

MiB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3BlobStore(S3_BUCKET, f"test-{uuid.uuid4().hex}", endpoint_url=endpoint)


def pending_partials(store: BlobStore) -> list[str]:
    """What an interrupted put left behind: .part files, or multipart uploads not yet completed."""
    if isinstance(store, LocalBlobStore):
        return sorted(p.name for p in (store.root / "tmp").glob("*.part"))
    assert isinstance(store, S3BlobStore)
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix + "/")
    return sorted(u["Key"] for u in uploads.get("Uploads", []))


def read_all(store: BlobStore, key: str) -> bytes:
    source = store.open(key)
    try:
        return source.read_at(0, source.size)
    finally:
        source.close()


def test_put_open_read_at(store: BlobStore) -> None:
    data = os.urandom(100_000)
    assert store.put("recordings/2024/call-1", [data[:10], data[10:50_000], data[50_000:]]) == len(data)
    assert store.exists("recordings/2024/call-1")
    source = store.open("recordings/2024/call-1")
    try:
        assert source.size == len(data)
        assert source.read_at(0, 10) == data[:10]
        assert source.read_at(49_990, 20) == data[49_990:50_010]
        assert source.read_at(len(data) - 2, 10) == data[-2:]
        assert source.read_at(len(data) + 5, 10) == b""
        assert source.read_at(5, 0) == b""
    finally:
        source.close()


def test_empty_blob_and_replacement(store: BlobStore) -> None:
    assert store.put("k", []) == 0
    assert read_all(store, "k") == b""
    store.put("k", [b"second version"])
    assert read_all(store, "k") == b"second version"


def test_large_stream_goes_up_in_parts(store: BlobStore) -> None:
    data = os.urandom(20 * MiB + 123)
    chunks = (data[i : i + MiB] for i in range(0, len(data), MiB))
    assert store.put("big", chunks) == len(data)
    assert read_all(store, "big") == data
    source = store.open("big")
    try:
        assert source.read_at(8 * MiB - 5, 10) == data[8 * MiB - 5 : 8 * MiB + 5]
    finally:
        source.close()
    if isinstance(store, S3BlobStore):
        head = store.client.head_object(Bucket=store.bucket, Key=f"{store.prefix}/big")
        assert head["ETag"].strip('"').endswith("-3")  # 8 + 8 + 4 MiB
    assert pending_partials(store) == []


@pytest.mark.parametrize("fail_after_mib", [0, 1, 9])
def test_failing_source_leaves_nothing(store: BlobStore, fail_after_mib: int) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(fail_after_mib):
            yield os.urandom(MiB)
        raise RuntimeError("dialer connection dropped")

    with pytest.raises(RuntimeError, match="dialer connection dropped"):
        store.put("recordings/interrupted", chunks())
    assert not store.exists("recordings/interrupted")
    assert list(store.keys()) == []
    assert pending_partials(store) == []


def test_encrypted_blob_reads_back_through_the_decrypting_reader(store: BlobStore) -> None:
    key, plaintext = os.urandom(32), os.urandom(3 * MiB + 17)
    store.put("enc", StreamEncryptor(key, b"enc").encrypt([plaintext[i : i + MiB] for i in range(0, 4 * MiB, MiB)]))
    with DecryptingReader(store.open("enc"), key, b"enc") as reader:
        reader.seek(2 * MiB + 3)
        assert reader.read(100_000) == plaintext[2 * MiB + 3 : 2 * MiB + 100_003]
        reader.seek(0)
        assert reader.read() == plaintext


def test_open_reader_never_mixes_versions(store: BlobStore) -> None:
    store.put("k", [b"A" * 1000])
    source = store.open("k")
    try:
        store.put("k", [b"B" * 1000])
        if isinstance(store, LocalBlobStore):
            assert source.read_at(500, 500) == b"A" * 500  # the open descriptor is a snapshot
        else:
            with pytest.raises(BlobStoreError, match="replaced while being read"):
                source.read_at(500, 500)
    finally:
        source.close()


def test_missing_and_delete(store: BlobStore) -> None:
    with pytest.raises(BlobNotFound, match="recordings/missing"):
        store.open("recordings/missing")
    assert not store.exists("recordings/missing")
    store.put("recordings/x", [b"x"])
    store.delete("recordings/x")
    store.delete("recordings/x")
    store.delete("recordings/never-existed")
    assert not store.exists("recordings/x")


def test_keys_with_prefix(store: BlobStore) -> None:
    for key in ["a/1", "a/2", "ab/3", "b/sub/4"]:
        store.put(key, [key.encode()])
    assert sorted(store.keys()) == ["a/1", "a/2", "ab/3", "b/sub/4"]
    assert sorted(store.keys("a/")) == ["a/1", "a/2"]
    assert sorted(store.keys("a")) == ["a/1", "a/2", "ab/3"]
    assert sorted(store.keys("b/sub/")) == ["b/sub/4"]
    assert sorted(store.keys("zzz/")) == []


@pytest.mark.parametrize("key", ["", "../escape", "/etc/passwd", "a//b", "a/../b", "a/./b", "a/", "a\\b", "a\x00b"])
def test_unsafe_keys_are_rejected(store: BlobStore, key: str) -> None:
    with pytest.raises(InvalidBlobKey, match="invalid blob key"):
        store.put(key, [b"x"])
    for operation in (store.open, store.delete, store.exists):
        with pytest.raises(ValueError, match="invalid blob key"):
            operation(key)
    assert list(store.keys()) == []


def test_local_sweep_removes_stale_and_orphaned_parts(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("warm-up", [b"x"])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    dead_pid = int(dead.stdout)
    tmp = tmp_path / "tmp"
    old, fresh, orphan = (
        tmp / f"{os.getpid()}-old.part",
        tmp / f"{os.getpid()}-new.part",
        tmp / f"{dead_pid}-x.part",
    )
    for part in (old, fresh, orphan):
        part.write_bytes(b"partial ciphertext")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert store.sweep_partial(older_than_s=600) == 2
    assert sorted(p.name for p in tmp.iterdir()) == [fresh.name]
    assert store.exists("warm-up")


def test_s3_sweep_aborts_stale_multipart_uploads(s3_endpoint: str) -> None:
    store = S3BlobStore(S3_BUCKET, f"sweep-{uuid.uuid4().hex}", endpoint_url=s3_endpoint)
    neighbour = S3BlobStore(S3_BUCKET, f"other-{uuid.uuid4().hex}", endpoint_url=s3_endpoint)
    for s in (store, neighbour):
        s.client.create_multipart_upload(Bucket=S3_BUCKET, Key=f"{s.prefix}/crashed-put")
    # moto reports every upload as initiated in 2010, so "fresh" here means younger than a century
    assert store.sweep_partial(older_than_s=100 * 365 * 86400) == 0
    assert pending_partials(store) == [f"{store.prefix}/crashed-put"]
    assert store.sweep_partial(older_than_s=3600) == 1
    assert pending_partials(store) == []
    assert pending_partials(neighbour) == [f"{neighbour.prefix}/crashed-put"]


def test_local_disk_full_is_a_clear_error_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalBlobStore(tmp_path)
    real_write = os.write
    calls = 0

    def write_until_full(fd: int, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write_until_full)
    with pytest.raises(BlobStoreError, match="disk full while writing blob 'recordings/full'"):
        store.put("recordings/full", [b"a" * 1000] * 5)
    monkeypatch.undo()
    assert not store.exists("recordings/full")
    assert pending_partials(store) == []


def test_local_other_io_errors_name_the_blob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalBlobStore(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(BlobStoreError, match="could not write blob 'k'"):
        store.put("k", [b"data"])
    monkeypatch.undo()
    assert not store.exists("k")
    assert pending_partials(store) == []


def test_local_files_are_private(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("a/b", [b"x"])
    assert (tmp_path / "objects" / "a" / "b").stat().st_mode & 0o077 == 0


def test_open_blob_store_urls(tmp_path: Path, s3_endpoint: str) -> None:
    local = open_blob_store(f"file://{tmp_path}/blobs")
    assert isinstance(local, LocalBlobStore)
    assert local.root == tmp_path / "blobs"
    remote = open_blob_store(f"s3://{S3_BUCKET}/some/prefix/", s3_endpoint_url=s3_endpoint)
    assert isinstance(remote, S3BlobStore)
    assert (remote.bucket, remote.prefix) == (S3_BUCKET, "some/prefix")
    assert remote.describe().startswith(f"s3://{S3_BUCKET}/some/prefix")
    for bad in [
        "file://relative/dir",
        "file:relative",
        "s3:///no-bucket",
        "http://example.com/x",
        "/plain/path",
    ]:
        with pytest.raises(ValueError, match="blob store URL"):
            open_blob_store(bad)


def test_stores_import_without_boto3() -> None:
    code = (
        "import sys; sys.modules['boto3'] = None\n"
        "from callwarden.store import blobs, crypto\n"
        "try:\n"
        "    blobs.S3BlobStore('bucket')\n"
        "except blobs.BlobStoreError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "needs boto3" in result.stdout
