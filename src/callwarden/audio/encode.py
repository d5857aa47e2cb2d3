"""Write 16-bit PCM as a lossless file, streaming: a two-hour call never has to sit in memory as one file.

Used for audio callwarden makes itself (a redacted derivative, a PCI-cleaned or truncated original): the result
is sealed into the vault chunk by chunk, so ``encode_pcm`` yields bytes as the frames come in. FLAC goes through
PyAV (FFmpeg's encoder, lossless, about half the size of WAV); WAV is written directly.

A stream cannot seek back, so a streamed file does not know its own length up front: the FLAC STREAMINFO keeps
total samples 0 ("unknown", which every decoder accepts) and the WAV header carries the 0xFFFFFFFF placeholder
sizes that streaming WAV writers use. ``write_pcm_file`` writes to a real file and patches the WAV sizes, and
renames into place only when everything was written, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt

AudioFormat = Literal["flac", "wav"]
Int16Array = npt.NDArray[np.int16]

MEDIA_TYPES: dict[str, str] = {"flac": "audio/flac", "wav": "audio/wav"}
_PLACEHOLDER = 0xFFFFFFFF
_WAV_HEADER_BYTES = 44


def media_type(fmt: AudioFormat) -> str:
    """The media type a stored file of ``fmt`` is served with."""
    try:
        return MEDIA_TYPES[fmt]
    except KeyError:
        raise ValueError(f"unknown audio format {fmt!r}: use one of {', '.join(MEDIA_TYPES)}") from None


def wav_header(*, sample_rate: int, channels: int, data_bytes: int | None) -> bytes:
    """A 44-byte PCM WAV header for 16-bit samples; ``data_bytes`` None writes the streaming placeholders."""
    block_align = 2 * channels
    data_size = _PLACEHOLDER if data_bytes is None else data_bytes
    riff_size = _PLACEHOLDER if data_bytes is None else 36 + data_bytes + (data_bytes & 1)
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * block_align, block_align, 16)
        + b"data"
        + struct.pack("<I", data_size)
    )


def _checked(block: npt.NDArray[np.generic], channels: int) -> Int16Array:
    if block.dtype != np.int16:
        raise ValueError(f"PCM blocks must be int16, got {block.dtype}")
    if block.ndim != 2 or block.shape[1] != channels:
        raise ValueError(f"PCM blocks must be shaped (samples, {channels}), got {block.shape}")
    return np.ascontiguousarray(block)


class _Sink:
    """A write-only, non-seekable file object that PyAV's muxer writes into and ``encode_pcm`` drains."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        pieces, self.pieces = self.pieces, []
        yield from (piece for piece in pieces if piece)


def _encode_wav(blocks: Iterable[Int16Array], sample_rate: int, channels: int) -> Iterator[bytes]:
    yield wav_header(sample_rate=sample_rate, channels=channels, data_bytes=None)
    for block in blocks:
        data = _checked(block, channels).astype("<i2", copy=False).tobytes()
        if data:
            yield data


def _encode_flac(blocks: Iterable[Int16Array], sample_rate: int, channels: int) -> Iterator[bytes]:
    sink = _Sink()
    layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
    with av.open(sink, mode="w", format="flac") as container:
        stream = container.add_stream("flac", rate=sample_rate, layout=layout)
        stream.format = "s16"
        for block in blocks:
            pcm = _checked(block, channels)
            if not pcm.shape[0]:
                continue
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
            frame.sample_rate = sample_rate
            for packet in stream.encode(frame):
                container.mux(packet)
            yield from sink.drain()
        for packet in stream.encode(None):
            container.mux(packet)
    yield from sink.drain()


def encode_pcm(frames: Iterable[Int16Array], *, sample_rate: int, channels: int, fmt: AudioFormat) -> Iterator[bytes]:
    """The bytes of a lossless ``fmt`` file holding ``frames`` (int16 blocks shaped (samples, channels)), in order.

    Memory is one block plus the encoder's own buffer, whatever the length.
    """
    if sample_rate <= 0 or channels <= 0:
        raise ValueError(f"sample rate and channels must be positive, got {sample_rate} Hz, {channels} channel(s)")
    media_type(fmt)
    if fmt == "wav":
        return _encode_wav(frames, sample_rate, channels)
    return _encode_flac(frames, sample_rate, channels)


def write_pcm_file(
    path: Path, frames: Iterable[Int16Array], *, sample_rate: int, channels: int, fmt: AudioFormat
) -> Path:
    """Write ``frames`` to ``path`` as ``fmt``, atomically: a temporary file beside it, renamed at the end.

    Raises ``OSError`` naming ``path`` when it cannot be written; nothing is left behind then.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            written = 0
            for piece in encode_pcm(frames, sample_rate=sample_rate, channels=channels, fmt=fmt):
                written += out.write(piece)
            if fmt == "wav":
                out.seek(0)
                out.write(
                    wav_header(sample_rate=sample_rate, channels=channels, data_bytes=written - _WAV_HEADER_BYTES)
                )
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return path
