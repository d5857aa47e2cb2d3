"""Audio redaction: replace the padded time windows of personal data with silence or a tone, sample-exactly.

Everything streams: ``read_pcm`` decodes a recording block by block to 16-bit PCM at its own rate and channel
count (so a rendered file is the original, losslessly, except inside the windows), ``redact_blocks`` rewrites
only the samples inside the windows, and ``audio.encode`` turns the blocks into a file. A two-hour call is
never in memory whole.

A window names the channel that spoke (in a stereo dialer recording each party has its own), or None for every
channel: a mono recording, or speech whose channel is unknown, is muted everywhere, because muting the wrong
channel would leave the words audible.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from callwarden.audio.decode import Float32Array, iter_channel_chunks
from callwarden.audio.probe import AudioSource, iter_frames
from callwarden.domain.pii import PiiSpan

Int16Array = npt.NDArray[np.int16]

TONE_HZ = 1000.0  # the conventional "bleep": clearly not speech, well inside a telephone band
TONE_DBFS = -18.0


class Fill(StrEnum):
    """What replaces redacted audio."""

    SILENCE = "silence"
    TONE = "tone"


@dataclass(frozen=True)
class MuteWindow:
    """Seconds of the recording to replace on ``channel`` (None: every channel)."""

    start_s: float
    end_s: float
    channel: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form, for the redaction map in the audit chain and stage outputs."""
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), "channel": self.channel}

    def samples(self, sample_rate: int) -> tuple[int, int]:
        """The window as a half-open sample range, rounded outwards so no part of a padded span survives."""
        return math.floor(self.start_s * sample_rate), math.ceil(self.end_s * sample_rate)


def mute_windows(
    spans: Iterable[PiiSpan], *, pad_s: float, channels: int, duration_s: float | None = None
) -> list[MuteWindow]:
    """The padded windows of ``spans``, clipped to the recording, merged where they overlap on one channel.

    A span on a channel the recording does not have, or on a mono recording, mutes every channel.
    """
    if pad_s < 0:
        raise ValueError(f"redaction padding must be >= 0 s, got {pad_s}")
    by_channel: dict[int | None, list[tuple[float, float]]] = {}
    for span in spans:
        channel = span.channel if channels > 1 and span.channel is not None and span.channel < channels else None
        start = max(0.0, span.start_s - pad_s)
        end = span.end_s + pad_s if duration_s is None else min(duration_s, span.end_s + pad_s)
        if end > start:
            by_channel.setdefault(channel, []).append((start, end))
    windows: list[MuteWindow] = []
    for channel, ranges in by_channel.items():
        ranges.sort()
        merged = [list(ranges[0])]
        for start, end in ranges[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        windows += [MuteWindow(start, end, channel) for start, end in merged]
    return sorted(windows, key=lambda w: (w.start_s, -1 if w.channel is None else w.channel))


@dataclass(frozen=True)
class PcmStream:
    """A recording as int16 blocks shaped (samples, channels) at its own rate; ``blocks`` can be read once."""

    sample_rate: int
    channels: int
    blocks: Iterator[Int16Array]


def read_pcm(source: AudioSource, *, max_duration_s: float | None = None) -> PcmStream:
    """Decode ``source`` (validated as at ingest) to 16-bit PCM blocks, keeping its rate and channels.

    Decoding u-law, A-law, PCM or FLAC to 16 bits is exact, so re-encoding the blocks losslessly changes nothing
    outside the redacted windows. A rate change mid-stream is resampled to the first rate.
    """
    frames = iter_frames(source, max_duration_s=max_duration_s)
    first = next(frames, None)
    if first is None:
        raise ValueError("the recording holds no audio to redact")
    channels, rate = first.layout.nb_channels, first.sample_rate
    resampler = av.AudioResampler(format="s16", layout=first.layout, rate=rate)

    def blocks() -> Iterator[Int16Array]:
        for frame in itertools.chain([first], frames):
            frame.pts = None  # timing comes from sample counts, as in decode
            for out in resampler.resample(frame):
                yield np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1, channels)
        for out in resampler.resample(None):
            yield np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1, channels)

    return PcmStream(sample_rate=rate, channels=channels, blocks=blocks())


def _tone(first: int, count: int, sample_rate: int) -> Int16Array:
    """The tone's samples ``first`` to ``first + count`` on the recording's clock (phase continuous across blocks)."""
    amplitude = 32767 * 10 ** (TONE_DBFS / 20)
    index = np.arange(first, first + count, dtype=np.float64)
    return np.round(amplitude * np.sin(2 * np.pi * TONE_HZ * index / sample_rate)).astype(np.int16)


def redact_blocks(
    blocks: Iterable[Int16Array], windows: Sequence[MuteWindow], *, sample_rate: int, fill: Fill
) -> Iterator[Int16Array]:
    """``blocks`` with every sample inside ``windows`` replaced by ``fill``; all other samples untouched."""
    ranges = [(*window.samples(sample_rate), window.channel) for window in windows]
    position = 0
    for block in blocks:
        count = block.shape[0]
        out = block
        for first, last, channel in ranges:
            lo, hi = max(first, position), min(last, position + count)
            if lo >= hi:
                continue
            if out is block:
                out = block.copy()
            columns = slice(None) if channel is None else slice(channel, channel + 1)
            if fill is Fill.TONE:
                out[lo - position : hi - position, columns] = _tone(lo, hi - lo, sample_rate)[:, None]
            else:
                out[lo - position : hi - position, columns] = 0
        position += count
        yield out


def window_audio(
    source: AudioSource, windows: Sequence[MuteWindow], *, margin_s: float, target_rate: int
) -> list[Float32Array]:
    """Each window (widened by ``margin_s``) of ``source`` as mono float32 at ``target_rate``, for re-listening.

    A channel window gives that channel; an every-channel window gives the channels' mix. Streams the file and
    keeps only the windows' samples.
    """
    spans = [
        (max(0, math.floor((w.start_s - margin_s) * target_rate)), math.ceil((w.end_s + margin_s) * target_rate))
        for w in windows
    ]
    pieces: list[list[Float32Array]] = [[] for _ in windows]
    position = 0
    for chunk in iter_channel_chunks(source, target_rate=target_rate):
        count = chunk.shape[1]
        for index, ((first, last), window) in enumerate(zip(spans, windows, strict=True)):
            lo, hi = max(first, position), min(last, position + count)
            if lo < hi:
                part = chunk[:, lo - position : hi - position]
                channel = window.channel if window.channel is not None and window.channel < chunk.shape[0] else None
                pieces[index].append(part.mean(axis=0) if channel is None else part[channel].copy())
        position += count
    return [np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32) for parts in pieces]
