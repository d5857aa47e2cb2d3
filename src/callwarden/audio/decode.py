"""Decode a recording into float32 samples at the rate a speech model wants, one array per channel.

Dialers hand over PCM, u-law and A-law WAVs, MP3, FLAC and Ogg (Opus, Vorbis) at anything from 8 to 48 kHz.
Everything goes through `iter_frames` (so the same validation as at ingest applies) and PyAV's resampler,
frame by frame, to planar float32 at `target_rate`, keeping the channels apart: in a stereo call recording
the agent and the prospect sit on different channels, and transcribing them separately is what tells who
said what.

Memory: `decode_channels` holds the output and nothing more. It allocates it once from the duration the
container states (grown only when that proves short, trimmed when it proves long), so the cost is
4 bytes × target_rate × seconds per channel: at 16 kHz, 64 kB a second, 230 MB an hour, 461 MB for a
two-hour channel, 922 MB for a two-hour stereo call. Callers that cannot afford that use
`iter_channel_chunks`, which holds one chunk at a time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

import av
import av.error
import numpy as np
import numpy.typing as npt
from av.audio.frame import AudioFrame

from callwarden.audio.probe import AudioSource, AudioValidationError, iter_frames

Float32Array = npt.NDArray[np.float32]

DEFAULT_RATE = 16000
_DEMUXERS = "wav,w64,mp3,flac,ogg,mov,matroska,aiff,au,caf,aac,amr"  # as probe: no playlist-like formats
_SLACK_S = 0.25  # resampler rounding and encoder padding beyond the container's stated duration
_UNKNOWN_START_S = 60.0  # first allocation when the container states no duration
_GROWTH = 1.5


@dataclass(frozen=True)
class DecodedAudio:
    """A whole recording as float32 in [-1, 1], shaped (channels, samples) at `sample_rate`.

    `source_rate` is the rate the file was encoded at, before resampling.
    """

    samples: Float32Array
    sample_rate: int
    source_rate: int

    @property
    def channels(self) -> tuple[Float32Array, ...]:
        """One contiguous 1-D array per channel (views, no copy): channel 0 is the left one."""
        return tuple(self.samples[i] for i in range(self.samples.shape[0]))

    @property
    def channel_count(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return int(self.samples.shape[1]) / self.sample_rate


def mix_to_mono(audio: DecodedAudio | Float32Array) -> Float32Array:
    """The channels averaged into one float32 array (a mono input comes back as it is, without a copy).

    Averaging, not summing, keeps the result within [-1, 1]. Use it for recordings whose channels carry the
    same voices (a stereo master of a mono call); a call recorded one party per channel is better split.
    """
    samples = audio.samples if isinstance(audio, DecodedAudio) else audio
    mono: Float32Array
    if samples.ndim == 1:
        mono = samples.astype(np.float32, copy=False)
    elif samples.shape[0] == 1:
        mono = samples[0].astype(np.float32, copy=False)
    else:
        mono = samples.mean(axis=0, dtype=np.float32)
    return mono


def _stated_duration_s(f: BinaryIO) -> float | None:
    """The duration the container states, as a size hint only; None when it states none or cannot be opened.

    Decoding still counts every sample; a wrong hint costs one reallocation, never a wrong answer.
    """
    try:
        with av.open(f, mode="r", options={"format_whitelist": _DEMUXERS}, metadata_errors="replace") as container:
            streams = container.streams.audio
            if streams and streams[0].duration is not None and streams[0].time_base is not None:
                return float(streams[0].duration * streams[0].time_base)
            if container.duration is not None:
                return float(container.duration / av.time_base)
    except (av.error.FFmpegError, ValueError, OSError):
        return None
    finally:
        f.seek(0)
    return None


def _planar(frame: AudioFrame) -> Float32Array:
    # The resampler makes fltp: (channels, samples) float32 already, so this is no copy.
    return np.asarray(frame.to_ndarray(), dtype=np.float32)


class _Resampler:
    """PyAV's resampler to planar float32, rebuilt (after a flush) if the input's rate changes mid-stream."""

    def __init__(self, target_rate: int) -> None:
        self.target_rate = target_rate
        self.channels = 0
        self.source_rate = 0
        self._resampler: av.AudioResampler | None = None
        self._input_rate = 0

    def feed(self, frame: AudioFrame) -> Iterator[Float32Array]:
        channels = frame.layout.nb_channels
        if self._resampler is None:
            self.channels, self.source_rate = channels, frame.sample_rate
        elif channels != self.channels:
            raise AudioValidationError(
                "corrupt", f"the channel count changes mid-stream ({self.channels} to {channels})"
            )
        if self._resampler is None or frame.sample_rate != self._input_rate:
            yield from self.flush()
            self._resampler = av.AudioResampler(format="fltp", layout=frame.layout, rate=self.target_rate)
            self._input_rate = frame.sample_rate
        frame.pts = None  # timing comes from sample counts; gaps in pts must not become inserted silence
        for out in self._resampler.resample(frame):
            yield _planar(out)

    def flush(self) -> Iterator[Float32Array]:
        if self._resampler is not None:
            for out in self._resampler.resample(None):
                yield _planar(out)
            self._resampler = None


def _blocks(f: BinaryIO, target_rate: int, max_duration_s: float | None, state: _Resampler) -> Iterator[Float32Array]:
    """Resampled (channels, n) float32 blocks of the whole recording, in order."""
    for frame in iter_frames(f, max_duration_s=max_duration_s):
        yield from state.feed(frame)
    yield from state.flush()


def _open(stack: ExitStack, source: AudioSource) -> BinaryIO:
    if isinstance(source, str | os.PathLike):
        return stack.enter_context(open(source, "rb"))
    if not source.seekable():
        raise ValueError("decoding needs a seekable binary file object")
    return source


def decode_channels(
    source: AudioSource, *, target_rate: int = DEFAULT_RATE, max_duration_s: float | None = None
) -> DecodedAudio:
    """Decode, validate and resample the whole recording, keeping channels apart (see the module docstring).

    `source` is a path or a seekable binary file object (read from its start). Raises `AudioValidationError`
    for what `probe` refuses, and `too_long` past `max_duration_s`.
    """
    with ExitStack() as stack:
        f = _open(stack, source)
        stated = _stated_duration_s(f)
        if stated is not None and max_duration_s is not None:
            stated = min(stated, max_duration_s)
        state = _Resampler(target_rate)
        buffer: Float32Array | None = None
        filled = 0
        for block in _blocks(f, target_rate, max_duration_s, state):
            width = block.shape[1]
            if buffer is None:
                start_s = stated + _SLACK_S if stated is not None else _UNKNOWN_START_S
                buffer = np.empty((block.shape[0], max(width, math.ceil(start_s * target_rate))), np.float32)
            if filled + width > buffer.shape[1]:
                grown = np.empty((buffer.shape[0], max(filled + width, int(buffer.shape[1] * _GROWTH))), np.float32)
                grown[:, :filled] = buffer[:, :filled]
                buffer = grown
            buffer[:, filled : filled + width] = block
            filled += width
        if buffer is None:  # iter_frames raises too_short first; a resampler that swallowed everything lands here
            raise AudioValidationError("too_short", "the file holds no audio samples")
        # A view keeps the whole buffer alive: copy when a long-stating header left much of it unused.
        samples = buffer[:, :filled] if buffer.shape[1] - filled <= target_rate else buffer[:, :filled].copy()
        return DecodedAudio(samples=samples, sample_rate=target_rate, source_rate=state.source_rate)


def iter_channel_chunks(
    source: AudioSource,
    *,
    seconds: float = 30.0,
    target_rate: int = DEFAULT_RATE,
    max_duration_s: float | None = None,
) -> Iterator[Float32Array]:
    """The recording as consecutive (channels, samples) float32 chunks of exactly `seconds` (the last shorter).

    Chunk i starts at i × seconds. Memory is one chunk plus one decoded frame, whatever the length. The
    validation verdict at the end (truncated, too short) comes when the iterator is exhausted.
    """
    size = round(seconds * target_rate)
    if size <= 0:
        raise ValueError("chunks must be at least one sample long")
    with ExitStack() as stack:
        f = _open(stack, source)
        state = _Resampler(target_rate)
        chunk: Float32Array | None = None
        filled = 0
        for block in _blocks(f, target_rate, max_duration_s, state):
            taken = 0
            while taken < block.shape[1]:
                if chunk is None:
                    chunk = np.empty((block.shape[0], size), np.float32)
                step = min(size - filled, block.shape[1] - taken)
                chunk[:, filled : filled + step] = block[:, taken : taken + step]
                filled, taken = filled + step, taken + step
                if filled == size:
                    yield chunk
                    chunk, filled = None, 0
        if chunk is not None and filled:
            yield chunk[:, :filled].copy()
