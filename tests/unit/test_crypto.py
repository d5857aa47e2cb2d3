"""The streaming AEAD: exact round trips, random access, and tampering that fails loudly, never quietly."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import wave
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callwarden.store.blobs import BytesSource
from callwarden.store.crypto import (
    HEADER_SIZE,
    MIN_SEGMENT_SIZE,
    SEGMENT_SIZE,
    TAG_SIZE,
    DecryptingReader,
    IntegrityError,
    StreamEncryptor,
    ciphertext_size,
    decrypt_bytes,
    decrypt_chunks,
    encrypt_bytes,
    new_data_key,
    plaintext_size,
)

KEY = bytes(range(32))
AAD = b"recordings/call-1"
SMALL = MIN_SEGMENT_SIZE  # many segments from little data keeps the property tests fast


def encrypt(data: bytes, *, key: bytes = KEY, aad: bytes = AAD, segment_size: int = SEGMENT_SIZE) -> bytes:
    return b"".join(StreamEncryptor(key, aad, segment_size=segment_size).encrypt(split(data, 1000)))


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def reader(blob: bytes, *, key: bytes = KEY, aad: bytes = AAD) -> DecryptingReader:
    return DecryptingReader(BytesSource(blob), key, aad, name="test-blob")


def assert_rejected(blob: bytes, *, key: bytes = KEY, aad: bytes = AAD) -> None:
    """Opening may succeed (untouched segments are fine) but reading everything must raise, never return."""
    with pytest.raises(IntegrityError, match="test-blob"), reader(blob, key=key, aad=aad) as r:
        r.read()


@pytest.mark.parametrize(
    "size", [0, 1, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 3 * SEGMENT_SIZE, 3 * SEGMENT_SIZE + 7]
)
def test_round_trip_at_segment_edges(size: int) -> None:
    data = os.urandom(size)
    blob = encrypt(data)
    assert len(blob) == ciphertext_size(size)
    assert plaintext_size(len(blob)) == size
    assert decrypt_bytes(blob, KEY, AAD) == data
    assert b"".join(decrypt_chunks(BytesSource(blob), KEY, AAD)) == data


def test_empty_plaintext_is_header_plus_one_empty_final_segment() -> None:
    assert len(encrypt(b"")) == HEADER_SIZE + TAG_SIZE


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), chunk=st.integers(1, 300), segment_size=st.sampled_from([SMALL, 100]))
def test_round_trip_any_size_and_chunking(data: bytes, chunk: int, segment_size: int) -> None:
    encryptor = StreamEncryptor(KEY, AAD, segment_size=segment_size)
    blob = b"".join(encryptor.encrypt(split(data, chunk)))
    assert encryptor.plaintext_size == len(data)
    assert encryptor.ciphertext_size == len(blob) == ciphertext_size(len(data), segment_size)
    assert plaintext_size(len(blob), segment_size) == len(data)
    assert encryptor.plaintext_sha256 == hashlib.sha256(data).hexdigest()
    assert decrypt_bytes(blob, KEY, AAD) == data


@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(min_size=1, max_size=1500),
    reads=st.lists(st.tuples(st.integers(0, 1600), st.integers(0, 400))),
)
def test_random_access_equals_slicing(data: bytes, reads: list[tuple[int, int]]) -> None:
    with reader(encrypt(data, segment_size=SMALL)) as r:
        assert r.size == len(data)
        for offset, n in reads:
            assert r.seek(offset) == offset
            assert r.read(n) == data[offset : offset + n]
            assert r.tell() == offset + len(data[offset : offset + n])


def test_seek_whence_and_buffered_reader() -> None:
    data = os.urandom(5 * SMALL + 3)
    with reader(encrypt(data, segment_size=SMALL)) as r:
        assert r.seek(-10, io.SEEK_END) == len(data) - 10
        assert r.read() == data[-10:]
        r.seek(3)
        assert r.seek(4, io.SEEK_CUR) == 7
        assert r.read(2) == data[7:9]
        with pytest.raises(ValueError, match="negative"):
            r.seek(-1)
        r.seek(len(data) + 100)
        assert r.read(5) == b""
    buffered = io.BufferedReader(reader(encrypt(data, segment_size=SMALL)), buffer_size=100)
    buffered.seek(2 * SMALL - 1)
    assert buffered.read(SMALL + 2) == data[2 * SMALL - 1 : 3 * SMALL + 1]
    buffered.close()
    with pytest.raises(ValueError, match="closed"):
        buffered.raw.read(1)


def test_sizes_that_no_plaintext_produces_are_rejected() -> None:
    with pytest.raises(IntegrityError, match="truncated"):
        plaintext_size(HEADER_SIZE + TAG_SIZE - 1)
    with pytest.raises(IntegrityError):
        plaintext_size(HEADER_SIZE + (SEGMENT_SIZE + TAG_SIZE) + TAG_SIZE)  # full segment then an empty final one
    with pytest.raises(IntegrityError):
        plaintext_size(HEADER_SIZE + (SEGMENT_SIZE + TAG_SIZE) + 5)  # final segment shorter than a tag


DATA = bytes(range(256)) * 2  # 512 bytes = 8 segments of 64
SEGMENT = SMALL + TAG_SIZE


def segment_offset(i: int) -> int:
    return HEADER_SIZE + i * SEGMENT


@pytest.mark.parametrize(
    "position",
    [0, 4, 5, 22, HEADER_SIZE - 1, segment_offset(0), segment_offset(3) + 10, segment_offset(4) - 1, -1],
    ids=["magic", "version", "salt", "nonce-prefix", "segment-size", "seg0", "seg3", "seg3-tag", "final-tag"],
)
def test_any_flipped_bit_is_an_integrity_error(position: int) -> None:
    blob = bytearray(encrypt(DATA, segment_size=SMALL))
    blob[position] ^= 0x01
    assert_rejected(bytes(blob))


@pytest.mark.parametrize(
    "cut",
    [segment_offset(4), segment_offset(7), segment_offset(3) + 20, HEADER_SIZE, HEADER_SIZE - 3, 1],
    ids=["boundary-mid", "boundary-before-final", "mid-segment", "header-only", "partial-header", "one-byte"],
)
def test_truncation_is_detected(cut: int) -> None:
    assert_rejected(encrypt(DATA, segment_size=SMALL)[:cut])


def test_truncation_at_a_boundary_is_detected_even_when_reading_only_to_the_end() -> None:
    blob = encrypt(DATA, segment_size=SMALL)[: segment_offset(4)]  # a valid-looking size: 4 full segments
    with reader(blob) as r:
        r.seek(0, io.SEEK_END)
        with pytest.raises(IntegrityError, match="final segment 3 failed authentication"):
            r.read(1)


@pytest.mark.parametrize("extra", [b"\x00", bytes(SEGMENT), bytes(TAG_SIZE)])
def test_appended_bytes_are_detected(extra: bytes) -> None:
    assert_rejected(encrypt(DATA, segment_size=SMALL) + extra)


def test_reordered_segments_are_detected() -> None:
    blob = encrypt(DATA, segment_size=SMALL)
    s1, s2 = blob[segment_offset(1) : segment_offset(2)], blob[segment_offset(2) : segment_offset(3)]
    assert_rejected(blob[: segment_offset(1)] + s2 + s1 + blob[segment_offset(3) :])


@pytest.mark.parametrize("other_aad", [AAD, b"recordings/call-2"])
def test_segments_cannot_move_between_blobs_under_the_same_key(other_aad: bytes) -> None:
    mine = encrypt(DATA, segment_size=SMALL)
    other = encrypt(DATA, aad=other_aad, segment_size=SMALL)
    assert_rejected(
        mine[: segment_offset(2)] + other[segment_offset(2) : segment_offset(3)] + mine[segment_offset(3) :]
    )
    assert_rejected(other[:HEADER_SIZE] + mine[HEADER_SIZE:])


def test_wrong_key_or_aad_names_the_problem_at_open() -> None:
    blob = encrypt(DATA, segment_size=SMALL)
    for key, aad in [(new_data_key(), AAD), (KEY, b"recordings/other")]:
        with pytest.raises(IntegrityError, match="wrong key or corrupt header"):
            reader(blob, key=key, aad=aad)


def test_no_wrong_bytes_are_ever_returned_from_a_tampered_blob() -> None:
    """Reading segment by segment returns only authentic prefixes of the plaintext before the error."""
    blob = bytearray(encrypt(DATA, segment_size=SMALL))
    blob[segment_offset(5) + 3] ^= 0x80
    got = bytearray()

    def read_all(r: DecryptingReader) -> None:
        while chunk := r.read(SMALL // 2):
            got.extend(chunk)

    with reader(bytes(blob)) as r, pytest.raises(IntegrityError, match="segment 5 failed authentication"):
        read_all(r)
    assert bytes(got) == DATA[: 5 * SMALL]


def test_not_a_blob_and_bad_inputs() -> None:
    with pytest.raises(IntegrityError, match="bad magic"):
        reader(b"RIFF" + bytes(200))
    with pytest.raises(ValueError, match="32 bytes"):
        StreamEncryptor(b"short", AAD)
    encryptor = StreamEncryptor(KEY, AAD)
    with pytest.raises(RuntimeError, match="exhausted"):
        _ = encryptor.plaintext_sha256
    assert encrypt_bytes(b"x", KEY, AAD) != encrypt_bytes(b"x", KEY, AAD)  # fresh salt and nonce each time


def test_accepts_non_byte_buffers_as_chunks() -> None:
    samples = np.arange(1000, dtype=np.int16)
    blob = b"".join(StreamEncryptor(KEY, AAD).encrypt([samples]))  # type: ignore[list-item]
    assert decrypt_bytes(blob, KEY, AAD) == samples.tobytes()


def make_wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * 440 * t) * 12000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


def test_pyav_decodes_audio_through_the_reader() -> None:
    av = pytest.importorskip("av")
    wav = make_wav()
    with reader(encrypt(wav, segment_size=1024)) as r, av.open(r) as container:
        frames = [frame.to_ndarray() for frame in container.decode(audio=0)]
    samples = np.concatenate(frames, axis=1).ravel()
    assert samples.size == 8000
    assert samples.tobytes() == wav[-16000:]


def test_encryption_memory_is_bounded_for_a_long_stream() -> None:
    chunk = os.urandom(1 << 20)

    def stream() -> Iterator[bytes]:
        for _ in range(300):
            yield chunk

    encryptor = StreamEncryptor(KEY, AAD)
    tracemalloc.start()
    try:
        total = sum(len(piece) for piece in encryptor.encrypt(stream()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expected = hashlib.sha256()
    for piece in stream():
        expected.update(piece)
    assert total == ciphertext_size(300 << 20)
    assert encryptor.plaintext_sha256 == expected.hexdigest()
    assert peak < 20 * 1024 * 1024


class ClosingSource(BytesSource):
    closed = False

    def close(self) -> None:
        self.closed = True


def test_reader_owns_its_source() -> None:
    good, bad = ClosingSource(encrypt(DATA)), ClosingSource(encrypt(DATA))
    with DecryptingReader(good, KEY, AAD):
        assert not good.closed
    assert good.closed
    with pytest.raises(IntegrityError):
        DecryptingReader(bad, new_data_key(), AAD)
    assert bad.closed  # a failed open does not leak a file descriptor


def test_large_stream_hash_matches_and_no_hash_thread_outlives_an_abandoned_stream() -> None:
    import hashlib
    import threading

    data = os.urandom(3 * 1024 * 1024)
    encryptor = StreamEncryptor(new_data_key(), b"big")
    ciphertext = b"".join(encryptor.encrypt([data[i : i + 512 * 1024] for i in range(0, len(data), 512 * 1024)]))
    assert encryptor.plaintext_sha256 == hashlib.sha256(data).hexdigest()
    assert len(ciphertext) == ciphertext_size(len(data))
    abandoned = StreamEncryptor(new_data_key(), b"abandoned").encrypt(iter([data, data]))
    next(abandoned)
    next(abandoned)
    abandoned.close()
    assert not [t for t in threading.enumerate() if t.name == "cw-sha256"]
