"""Blob stores: where ciphertext lives, in a local directory (embedded) or an S3-compatible bucket.

Stores hold only what `callwarden.store.crypto` produced, so they never see cleartext and need no key. Both
stores give the same guarantees, because ingest tells the dialer "stored" only after `put` returns:

- `put` is atomic and durable: a reader sees the whole blob or nothing, and after an exception (disk full, a
  failing source iterator, a crash) nothing is left under the key, only a partial leftover that
  `sweep_partial` removes later.
- `open` gives random access (`RandomAccessSource.read_at`) so the player can serve HTTP Range requests.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

S3_MIN_PART_SIZE = 5 * 1024 * 1024  # S3 rejects smaller parts (except the last)
S3_PART_SIZE = 8 * 1024 * 1024


class BlobStoreError(Exception):
    """A blob store operation failed for a reason an operator can act on (disk full, bucket unreachable)."""


class BlobNotFound(BlobStoreError):
    """No blob exists under the requested key."""


class InvalidBlobKey(BlobStoreError, ValueError):
    """The key could escape the store or alias another key ("..", absolute, empty segments)."""


class RandomAccessSource(Protocol):
    """Read-only random access to one stored blob, the input of `crypto.DecryptingReader`."""

    @property
    def size(self) -> int: ...

    def read_at(self, offset: int, n: int) -> bytes:
        """Return up to `n` bytes from `offset`; fewer only at the end of the blob."""
        ...

    def close(self) -> None: ...


class BlobStore(Protocol):
    """What the vault needs from a place that keeps ciphertext."""

    def put(self, key: str, chunks: Iterable[bytes]) -> int: ...

    def open(self, key: str) -> RandomAccessSource: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def last_modified(self, key: str) -> float:
        """When the blob under `key` was last written, in POSIX seconds; `BlobNotFound` when there is none."""
        ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def sweep_partial(self, older_than_s: float) -> int: ...

    def describe(self) -> str: ...


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative "a/b/c" name; one rule for both stores keeps keys portable."""
    parts = key.split("/")
    if not key or "\\" in key or "\x00" in key or any(p in ("", ".", "..") for p in parts):
        raise InvalidBlobKey(f"invalid blob key {key!r}: use non-empty '/'-separated names without '.' or '..'")
    return key


class BytesSource:
    """A `RandomAccessSource` over bytes already in memory (small payloads, tests)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.size = len(data)

    def read_at(self, offset: int, n: int) -> bytes:
        _check_range(offset, n)
        return self._data[offset : offset + n]

    def close(self) -> None:
        """Nothing to release; present to satisfy the protocol."""


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _makedirs_durable(directory: Path) -> None:
    """Create missing directories and fsync each new one's parent, so a crash cannot lose a finished blob."""
    missing: list[Path] = []
    while not directory.is_dir():
        missing.append(directory)
        directory = directory.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
        _fsync_dir(new.parent)


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data).cast("B")
    total = len(view)
    while view:
        view = view[os.write(fd, view) :]
    return total


def _check_range(offset: int, n: int) -> None:
    if offset < 0 or n < 0:
        raise ValueError(f"read_at({offset}, {n}): offset and length must be >= 0")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


class _FileSource:
    """Reads through a descriptor opened once, so a concurrent replace of the key cannot mix two versions."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.size = os.fstat(fd).st_size

    def read_at(self, offset: int, n: int) -> bytes:
        _check_range(offset, n)
        return os.pread(self._fd, max(0, min(n, self.size - offset)), offset)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class LocalBlobStore:
    """Blobs as files under `root/objects/<key>`; puts are staged in `root/tmp/<pid>-<uuid>.part`.

    The pid in the staging name lets `sweep_partial` remove leftovers of dead processes at once. It assumes
    the directory is used from one host (the embedded deployment); a shared directory should use S3 instead.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._objects = self.root / "objects"
        self._tmp = self.root / "tmp"

    def _path(self, key: str) -> Path:
        return self._objects.joinpath(*check_key(key).split("/"))

    @contextlib.contextmanager
    def _os_errors(self, key: str, action: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise BlobStoreError(f"disk full while writing blob {key!r} in {self.root}") from exc
            raise BlobStoreError(f"could not {action} blob {key!r} in {self.root}: {exc}") from exc

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        target = self._path(key)
        part = self._tmp / f"{os.getpid()}-{uuid.uuid4().hex}.part"
        placed = False
        try:
            with self._os_errors(key, "write"):
                self._tmp.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            written = 0
            try:
                for chunk in chunks:  # errors of the caller's iterator propagate unchanged
                    with self._os_errors(key, "write"):
                        written += _write_all(fd, chunk)
                with self._os_errors(key, "write"):
                    os.fsync(fd)
            finally:
                os.close(fd)
            with self._os_errors(key, "store"):
                _makedirs_durable(target.parent)
                os.replace(part, target)
                placed = True
                _fsync_dir(target.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                (target if placed else part).unlink()
            raise
        return written

    def open(self, key: str) -> RandomAccessSource:
        path = self._path(key)
        if path.is_file():  # os.open would happily open a directory
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile
                return _FileSource(os.open(path, os.O_RDONLY | os.O_CLOEXEC))
        raise BlobNotFound(f"blob {key!r} not found in {self.describe()}")

    def delete(self, key: str) -> None:
        path = self._path(key)
        with self._os_errors(key, "delete"):
            try:
                path.unlink()
            except FileNotFoundError:
                return
            _fsync_dir(path.parent)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def last_modified(self, key: str) -> float:
        """The file's mtime: `put` stages and fsyncs the data first, so it is when the writing finished."""
        path = self._path(key)
        with self._os_errors(key, "stat"):
            try:
                info = path.stat()
            except FileNotFoundError:
                info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            raise BlobNotFound(f"blob {key!r} not found in {self.describe()}")
        return info.st_mtime

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with `prefix`, sorted within each directory (not globally)."""
        folder = prefix.rpartition("/")[0]
        start = self._path(folder) if folder else self._objects
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames.sort()
            relative = Path(dirpath).relative_to(self._objects).as_posix()
            for filename in sorted(filenames):
                key = filename if relative == "." else f"{relative}/{filename}"
                if key.startswith(prefix):
                    yield key

    def sweep_partial(self, older_than_s: float) -> int:
        cutoff = time.time() - older_than_s
        try:
            entries = list(os.scandir(self._tmp))
        except FileNotFoundError:
            return 0
        removed = 0
        for entry in entries:
            if not entry.name.endswith(".part"):
                continue
            pid_text = entry.name.partition("-")[0]
            try:
                stale = entry.stat().st_mtime < cutoff
                if stale or (pid_text.isdigit() and not _pid_alive(int(pid_text))):
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue  # finished or swept by someone else meanwhile
        return removed

    def describe(self) -> str:
        return f"local directory {self.root}"


class _S3Source:
    """Ranged GETs pinned to the ETag seen at open, so a replaced object fails loudly instead of mixing."""

    def __init__(self, store: S3BlobStore, key: str, full_key: str, size: int, etag: str) -> None:
        self._store, self._key, self._full_key = store, key, full_key
        self.size, self._etag = size, etag

    def read_at(self, offset: int, n: int) -> bytes:
        _check_range(offset, n)
        end = min(offset + n, self.size)
        if end <= offset:
            return b""
        with self._store._errors(self._key, "read"):
            response = self._store.client.get_object(
                Bucket=self._store.bucket,
                Key=self._full_key,
                Range=f"bytes={offset}-{end - 1}",
                IfMatch=self._etag,
            )
            with contextlib.closing(response["Body"]) as body:
                return body.read()

    def close(self) -> None:
        """The client is shared with the store; nothing to release per blob."""


class S3BlobStore:
    """Blobs as objects `<prefix>/<key>` in an S3-compatible bucket (AWS, MinIO, Ceph, ...).

    Large puts go up as multipart uploads in `part_size` pieces so memory stays bounded; a blob smaller than
    one part is a single PUT. Objects appear only when the upload completes, which gives atomicity for free.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        *,
        part_size: int = S3_PART_SIZE,
    ) -> None:
        try:
            import boto3  # optional extra "scale": the embedded deployment must import without it
            import botocore.exceptions
        except ImportError as exc:
            raise BlobStoreError("the S3 blob store needs boto3: pip install 'callwarden[scale]'") from exc
        if part_size < S3_MIN_PART_SIZE:
            raise ValueError(f"S3 part size must be >= {S3_MIN_PART_SIZE} bytes, got {part_size}")
        self.bucket, self.prefix, self._part_size = bucket, prefix.strip("/"), part_size
        self._endpoint_url = endpoint_url
        self.client: S3Client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self._client_error = botocore.exceptions.ClientError
        self._boto_errors = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextlib.contextmanager
    def _errors(self, key: str, action: str) -> Iterator[None]:
        """Translate botocore errors into BlobNotFound / BlobStoreError naming the key and the bucket."""
        try:
            yield
        except self._boto_errors as exc:
            response = exc.response if isinstance(exc, self._client_error) else {}
            code = str(response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                raise BlobNotFound(f"blob {key!r} not found in {self.describe()}") from exc
            if code in ("412", "PreconditionFailed"):
                raise BlobStoreError(f"blob {key!r} was replaced while being read") from exc
            raise BlobStoreError(f"could not {action} blob {key!r} in {self.describe()}: {exc}") from exc

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        full = self._full(check_key(key))
        buffer, written, upload_id = bytearray(), 0, ""
        parts: list[CompletedPartTypeDef] = []
        try:
            for chunk in chunks:
                buffer += chunk
                written += len(chunk)
                if len(buffer) >= self._part_size:
                    with self._errors(key, "write"):
                        if not upload_id:
                            response = self.client.create_multipart_upload(Bucket=self.bucket, Key=full)
                            upload_id = response["UploadId"]
                        parts.append(self._upload_part(full, upload_id, len(parts) + 1, bytes(buffer)))
                    buffer.clear()
            with self._errors(key, "write"):
                if not upload_id:
                    self.client.put_object(Bucket=self.bucket, Key=full, Body=bytes(buffer))
                    return written
                if buffer:
                    parts.append(self._upload_part(full, upload_id, len(parts) + 1, bytes(buffer)))
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=full, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
        except BaseException:
            if upload_id:
                with contextlib.suppress(*self._boto_errors):
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=upload_id)
            raise
        return written

    def _upload_part(self, full: str, upload_id: str, number: int, body: bytes) -> CompletedPartTypeDef:
        response = self.client.upload_part(
            Bucket=self.bucket, Key=full, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"ETag": response["ETag"], "PartNumber": number}

    def open(self, key: str) -> RandomAccessSource:
        full = self._full(check_key(key))
        with self._errors(key, "open"):
            head = self.client.head_object(Bucket=self.bucket, Key=full)
        return _S3Source(self, key, full, head["ContentLength"], head["ETag"])

    def delete(self, key: str) -> None:
        with self._errors(key, "delete"):
            self.client.delete_object(Bucket=self.bucket, Key=self._full(check_key(key)))

    def exists(self, key: str) -> bool:
        try:
            self.open(key)
        except BlobNotFound:
            return False
        return True

    def last_modified(self, key: str) -> float:
        """The object's LastModified (when its upload completed), from a HEAD request."""
        full = self._full(check_key(key))
        with self._errors(key, "stat"):
            head = self.client.head_object(Bucket=self.bucket, Key=full)
        return head["LastModified"].timestamp()

    def keys(self, prefix: str = "") -> Iterator[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        with self._errors(prefix, "list"):
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._full(prefix))
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"][strip:]

    def sweep_partial(self, older_than_s: float) -> int:
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_s)
        removed = 0
        with self._errors("", "sweep"):
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=self._full("")
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"] < cutoff:
                        self.client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        removed += 1
        return removed

    def describe(self) -> str:
        where = f" at {self._endpoint_url}" if self._endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def open_blob_store(url: str, *, s3_endpoint_url: str | None = None, s3_region: str = "us-east-1") -> BlobStore:
    """Build the store named by `CALLWARDEN_BLOB_URL`: `file:///absolute/dir` or `s3://bucket/prefix`."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ValueError(f"blob store URL {url!r}: a file URL needs an absolute path, e.g. file:///srv/blobs")
        return LocalBlobStore(Path(path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"blob store URL {url!r}: an S3 URL needs a bucket, e.g. s3://bucket/prefix")
        return S3BlobStore(parts.netloc, unquote(parts.path), endpoint_url=s3_endpoint_url, region=s3_region)
    raise ValueError(f"unsupported blob store URL {url!r}: expected file:///absolute/dir or s3://bucket/prefix")
