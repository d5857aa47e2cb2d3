"""Segmented streaming authenticated encryption for recordings and derived files.

Why a segmented format: a two-hour call must never have to fit in memory, and the web player needs HTTP Range
(random access), so the ciphertext is a sequence of independently authenticated AES-256-GCM segments. This is
the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár), laid out like Tink's AES-GCM-HKDF streaming
AEAD but built on `cryptography` only (measured ~2x faster than tink's Python streams here, and seekable).

Layout::

    header  = b"CWE1" | version (1) | salt (16) | nonce prefix (7) | segment size (4, big-endian)
    segment = AES-GCM(subkey, nonce = prefix | index (4, BE) | last flag (1), data, associated data = header)

The per-blob subkey is HKDF-SHA256(data_key, salt, info=b"callwarden-blob|" + aad), so segments cannot be
moved between blobs even under the same data key. Binding the index and the last flag into the nonce makes
reordering, truncation (also at a segment boundary) and appending detectable; binding the header as associated
data makes header edits detectable. Every plaintext segment but the last is full; the last holds 1..segment
size bytes, or nothing for an empty plaintext, so sizes map one-to-one (`ciphertext_size`/`plaintext_size`).
"""

from __future__ import annotations

import hashlib
import io
import os
import queue
import struct
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from callwarden.store.blobs import BytesSource, RandomAccessSource

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAGIC = b"CWE1"
VERSION = 1
SEGMENT_SIZE = 64 * 1024
MIN_SEGMENT_SIZE = 64  # small sizes exist for tests that need many segments from little data
MAX_SEGMENT_SIZE = 4 * 1024 * 1024  # bounds what a forged header can make a reader allocate
TAG_SIZE = 16
KEY_SIZE = 32
_HEADER = struct.Struct(">4sB16s7sI")
HEADER_SIZE = _HEADER.size
_MAX_SEGMENTS = 2**32
_READAHEAD_SEGMENTS = 16  # one ranged read per ~1 MiB keeps S3 round trips down for sequential playback


class IntegrityError(Exception):
    """The ciphertext is not what was written under this key: tampered, truncated, corrupt, or wrong key."""


def new_data_key() -> bytes:
    """Return a fresh random 256-bit data key (one per blob; deleting it crypto-shreds the blob)."""
    return os.urandom(KEY_SIZE)


def _segment_count(plaintext_size: int, segment_size: int) -> int:
    return max(1, -(-plaintext_size // segment_size))


def ciphertext_size(plaintext_size: int, segment_size: int = SEGMENT_SIZE) -> int:
    """Exact size of the ciphertext for `plaintext_size` bytes (header plus one tag per segment)."""
    if plaintext_size < 0:
        raise ValueError(f"plaintext size must be >= 0, got {plaintext_size}")
    return HEADER_SIZE + plaintext_size + TAG_SIZE * _segment_count(plaintext_size, segment_size)


def plaintext_size(ciphertext_size: int, segment_size: int = SEGMENT_SIZE) -> int:
    """Inverse of `ciphertext_size`; raises IntegrityError when no plaintext encrypts to that size."""
    body = ciphertext_size - HEADER_SIZE
    if body < TAG_SIZE:
        raise IntegrityError(f"ciphertext of {ciphertext_size} bytes is truncated (shorter than header + tag)")
    full = segment_size + TAG_SIZE
    count = -(-body // full)
    last = body - (count - 1) * full
    if last < TAG_SIZE or (last == TAG_SIZE and count > 1):
        raise IntegrityError(f"ciphertext of {ciphertext_size} bytes is truncated or has bytes appended")
    return body - count * TAG_SIZE


def _subkey(data_key: bytes, salt: bytes, aad: bytes) -> AESGCM:
    if len(data_key) != KEY_SIZE:
        raise ValueError(f"data key must be {KEY_SIZE} bytes, got {len(data_key)}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt, info=b"callwarden-blob|" + aad)
    return AESGCM(hkdf.derive(data_key))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= _MAX_SEGMENTS:
        raise ValueError("blob too large: more than 2**32 segments")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class _Sha256:
    """SHA-256 of a stream, moved to a helper thread once the stream proves large.

    hashlib releases the GIL on large buffers, so hashing then overlaps encryption and the disk write instead of
    following them; on this machine that is ~1.5x the ingest throughput (bench/ingest.py). Small payloads
    (transcripts, reports) are hashed inline and never start a thread. Chunks are hashed in arrival order: the
    inline updates all precede the first queued one.
    """

    THREAD_FROM = 256 * 1024
    _DONE = b""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._queue: queue.Queue[bytes] | None = None
        self._thread: threading.Thread | None = None

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._queue is None and len(chunk) >= self.THREAD_FROM:
            self._queue = queue.Queue(maxsize=8)  # bounds memory to a few input chunks
            self._thread = threading.Thread(target=self._drain, name="cw-sha256", daemon=True)
            self._thread.start()
        if self._queue is None:
            self._sha.update(chunk)
        else:
            self._queue.put(chunk if isinstance(chunk, bytes) else bytes(chunk))

    def _drain(self) -> None:
        assert self._queue is not None
        while item := self._queue.get():
            self._sha.update(item)

    def finish(self) -> str:
        """Wait for queued chunks (also called when encryption stops early, so no thread is left behind)."""
        if self._queue is not None and self._thread is not None:
            self._queue.put(self._DONE)
            self._thread.join()
            self._queue = self._thread = None
        return self._sha.hexdigest()


class StreamEncryptor:
    """Encrypts a chunk stream in one pass, hashing the plaintext on the way.

    Memory stays at about one segment plus the current input chunk whatever the input size. After the
    iterator from `encrypt` is exhausted, `plaintext_sha256`, `plaintext_size` and `ciphertext_size` hold the
    figures the vault records next to the wrapped key.
    """

    def __init__(self, data_key: bytes, aad: bytes, *, segment_size: int = SEGMENT_SIZE) -> None:
        if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
            raise ValueError(f"segment size must be in [{MIN_SEGMENT_SIZE}, {MAX_SEGMENT_SIZE}]")
        salt, self._prefix = os.urandom(16), os.urandom(7)
        self._segment_size = segment_size
        self._header = _HEADER.pack(MAGIC, VERSION, salt, self._prefix, segment_size)
        self._aead = _subkey(data_key, salt, aad)
        self._sha = _Sha256()
        self._digest = ""
        self._plaintext_size = 0
        self._ciphertext_size = 0
        self._done = False
        self._started = False

    def encrypt(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Yield the ciphertext (header, then one piece per segment) for the concatenation of `chunks`."""
        if self._started:
            raise RuntimeError("a StreamEncryptor encrypts exactly one stream")
        self._started = True
        size, index, pending = self._segment_size, 0, bytearray()
        try:
            yield self._emit(self._header)
            for chunk in chunks:
                view = memoryview(chunk).cast("B")
                self._sha.update(chunk if isinstance(chunk, bytes) else view)
                self._plaintext_size += len(view)
                pos = 0
                if pending:
                    pos = min(size - len(pending), len(view))
                    pending += view[:pos]
                    if pos == len(view):
                        continue  # the pending segment may turn out to be the last one
                    yield self._seal(pending, index, last=False)
                    index += 1
                    pending.clear()
                while len(view) - pos > size:
                    yield self._seal(view[pos : pos + size], index, last=False)
                    index += 1
                    pos += size
                pending += view[pos:]
            yield self._seal(pending, index, last=True)
        finally:
            self._digest = self._sha.finish()
        self._done = True

    def _seal(self, data: bytes | bytearray | memoryview, index: int, *, last: bool) -> bytes:
        return self._emit(self._aead.encrypt(_nonce(self._prefix, index, last), data, self._header))

    def _emit(self, piece: bytes) -> bytes:
        self._ciphertext_size += len(piece)
        return piece

    def _result(self) -> None:
        if not self._done:
            raise RuntimeError("encryption results are known only after the ciphertext stream is exhausted")

    @property
    def plaintext_sha256(self) -> str:
        """Hex SHA-256 of the plaintext, computed in the encryption pass (no second read)."""
        self._result()
        return self._digest

    @property
    def plaintext_size(self) -> int:
        """Number of plaintext bytes encrypted."""
        self._result()
        return self._plaintext_size

    @property
    def ciphertext_size(self) -> int:
        """Number of ciphertext bytes yielded, header included."""
        self._result()
        return self._ciphertext_size


class DecryptingReader(io.RawIOBase):
    """Seekable, read-only plaintext view of an encrypted blob, decrypting only the segments it touches.

    Usable wherever a binary file is expected (`av.open(reader)`, `io.BufferedReader(reader)`, HTTP Range
    responses). Every byte returned comes from a segment that passed authentication; reading at or past the
    end checks the final segment too, so truncation at a segment boundary cannot pass as a shorter file.
    """

    def __init__(self, source: RandomAccessSource, data_key: bytes, aad: bytes, *, name: str | None = None) -> None:
        super().__init__()
        self._source = source
        self._name = name if name is not None else aad.decode("utf-8", "replace")
        self._pos = 0
        self._window_start, self._window = 0, b""
        self._cached_index, self._cached = -1, b""
        try:
            self._open(data_key, aad)
        except BaseException:
            self.close()  # the reader owns the source from here on
            raise

    def _open(self, data_key: bytes, aad: bytes) -> None:
        """Parse the header and authenticate segment 0, so a wrong key fails here rather than mid-playback."""
        source = self._source
        self._header = source.read_at(0, HEADER_SIZE)
        if len(self._header) < HEADER_SIZE:
            raise self._error("truncated (no complete header)")
        magic, version, salt, self._prefix, self._segment_size = _HEADER.unpack(self._header)
        if magic != MAGIC:
            raise self._error("not a callwarden encrypted blob (bad magic)")
        if version != VERSION:
            raise self._error(f"unsupported format version {version}")
        if not MIN_SEGMENT_SIZE <= self._segment_size <= MAX_SEGMENT_SIZE:
            raise self._error(f"corrupt header (segment size {self._segment_size})")
        try:
            self.size = plaintext_size(source.size, self._segment_size)
        except IntegrityError as exc:
            raise self._error(str(exc)) from None
        self._count = _segment_count(self.size, self._segment_size)
        self._aead = _subkey(data_key, salt, aad)
        try:
            self._segment(0)
        except IntegrityError:
            raise self._error("wrong key or corrupt header (segment 0 failed authentication)") from None

    def _error(self, problem: str) -> IntegrityError:
        return IntegrityError(f"blob {self._name}: {problem}")

    def _segment(self, index: int) -> bytes:
        """Authenticated plaintext of segment `index`, reading ciphertext ahead in ~1 MiB windows."""
        if index == self._cached_index:
            return self._cached
        full = self._segment_size + TAG_SIZE
        start, end = HEADER_SIZE + index * full, min(HEADER_SIZE + (index + 1) * full, self._source.size)
        if not (self._window_start <= start and end <= self._window_start + len(self._window)):
            self._window_start = start
            self._window = self._source.read_at(start, min(_READAHEAD_SEGMENTS * full, self._source.size - start))
        offset = start - self._window_start
        data = memoryview(self._window)[offset : offset + end - start]
        if len(data) != end - start:
            raise self._error(f"truncated (segment {index} is incomplete; the blob changed while reading?)")
        last = index == self._count - 1
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, last), data, self._header)
        except InvalidTag:
            what = "final segment" if last else "segment"
            raise self._error(f"{what} {index} failed authentication (tampered or corrupt)") from None
        self._cached_index, self._cached = index, plain
        return plain

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed DecryptingReader")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence}")
        target = bases[whence] + offset
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def readinto(self, buffer: WriteableBuffer) -> int:
        self._check_open()
        out = memoryview(buffer).cast("B")
        if self._pos >= self.size:
            self._segment(self._count - 1)  # proves the blob ends here
            return 0
        filled = 0
        while filled < len(out) and self._pos < self.size:
            index, offset = divmod(self._pos, self._segment_size)
            plain = memoryview(self._segment(index))
            n = min(len(plain) - offset, len(out) - filled)
            out[filled : filled + n] = plain[offset : offset + n]
            filled += n
            self._pos += n
        return filled

    def readall(self) -> bytes:
        """Read to the end in one allocation (the inherited version grows a buffer 8 KiB at a time)."""
        buffer = bytearray(max(0, self.size - self._pos))
        got = self.readinto(buffer)
        self._segment(self._count - 1)
        return bytes(buffer[:got])

    def iter_segments(self) -> Iterator[bytes]:
        """Yield the plaintext from the current position to the end, one segment at a time (for exports)."""
        while self._pos < self.size:
            index, offset = divmod(self._pos, self._segment_size)
            piece = self._segment(index)[offset:]
            self._pos += len(piece)
            yield piece
        self._segment(self._count - 1)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
            self._window = self._cached = b""
        super().close()


def decrypt_chunks(
    source: RandomAccessSource, data_key: bytes, aad: bytes, *, name: str | None = None
) -> Iterator[bytes]:
    """Stream the whole plaintext of `source` (closing it at the end), e.g. into an export or a decoder."""
    with DecryptingReader(source, data_key, aad, name=name) as reader:
        yield from reader.iter_segments()


def encrypt_bytes(plaintext: bytes, data_key: bytes, aad: bytes) -> bytes:
    """Encrypt a small in-memory payload (a transcript, a report) in the same format as streamed blobs."""
    return b"".join(StreamEncryptor(data_key, aad).encrypt([plaintext]))


def decrypt_bytes(ciphertext: bytes, data_key: bytes, aad: bytes, *, name: str | None = None) -> bytes:
    """Decrypt and fully authenticate an in-memory ciphertext from `encrypt_bytes` or `StreamEncryptor`."""
    with DecryptingReader(BytesSource(ciphertext), data_key, aad, name=name) as reader:
        return reader.readall()
