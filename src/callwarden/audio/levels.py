"""Signal levels of a recording, measured in one streaming pass over decoded frames.

QA and the call report need to know whether each side was audible at all (a dead microphone on the agent's
channel, a one-way-audio line, long dead air). The figures go into JSON, so every level is finite: digital
silence reads as the floor (-120 dBFS by default) rather than -inf, and nothing is ever NaN.

dBFS here is 20·log10 of the RMS (or peak) relative to a full-scale sample value of 1.0, so a full-scale
sine wave reads about -3 dBFS RMS and 0 dBFS peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from av.audio.frame import AudioFrame

from callwarden.audio.probe import AudioSource, iter_frames

_Samples = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ChannelLevels:
    """Levels of one channel (in a stereo call recording: agent on the left, prospect on the right)."""

    rms_dbfs: float
    peak_dbfs: float
    silence_ratio: float
    longest_silence_s: float

    def to_dict(self) -> dict[str, float]:
        return {
            "rms_dbfs": self.rms_dbfs,
            "peak_dbfs": self.peak_dbfs,
            "silence_ratio": self.silence_ratio,
            "longest_silence_s": self.longest_silence_s,
        }


@dataclass(frozen=True)
class LevelReport:
    """Per-channel levels, plus the longest stretch where every channel was silent at once (dead air)."""

    duration_s: float
    sample_rate: int
    channels: tuple[ChannelLevels, ...]
    longest_silence_s: float
    silence_threshold_dbfs: float
    window_s: float

    def to_dict(self) -> dict[str, object]:
        return {
            "duration_s": self.duration_s,
            "sample_rate": self.sample_rate,
            "channels": [channel.to_dict() for channel in self.channels],
            "longest_silence_s": self.longest_silence_s,
            "silence_threshold_dbfs": self.silence_threshold_dbfs,
            "window_s": self.window_s,
        }


def _as_float_planar(frame: AudioFrame) -> _Samples:
    """The frame's samples as float64 in [-1, 1], shaped (channels, samples), whatever the sample format."""
    data = frame.to_ndarray()
    if not frame.format.is_planar:
        data = data.reshape(-1, frame.layout.nb_channels).T
    if data.dtype == np.uint8:
        return (data.astype(np.float64) - 128.0) / 128.0
    if np.issubdtype(data.dtype, np.integer):
        return data.astype(np.float64) / float(2 ** (8 * data.dtype.itemsize - 1))
    return data.astype(np.float64)


def _longest_run(silent: npt.NDArray[np.bool_], current: int, longest: int, width: int) -> tuple[int, int]:
    """Carry a run of silent windows across blocks: returns (current run, longest run), both in samples."""
    loud = np.flatnonzero(~silent)
    if loud.size == 0:
        current += silent.size * width
        return current, max(longest, current)
    longest = max(longest, current + int(loud[0]) * width)
    if loud.size > 1:
        longest = max(longest, int((np.diff(loud) - 1).max()) * width)
    current = (silent.size - int(loud[-1]) - 1) * width
    return current, max(longest, current)


class _LevelMeter:
    """Accumulates sums, peaks and silent-window runs block by block, so memory does not grow with length."""

    def __init__(self, channels: int, window: int, threshold_ms: float) -> None:
        self.window, self.threshold_ms = window, threshold_ms
        self.carry: _Samples = np.zeros((channels, 0))
        self.samples = 0
        self.sum_squares = np.zeros(channels)
        self.peak = np.zeros(channels)
        self.silent_samples = np.zeros(channels, dtype=np.int64)
        self.runs = [(0, 0)] * (channels + 1)  # (current, longest) per channel, then for all channels at once

    def feed(self, block: _Samples) -> None:
        self.samples += block.shape[1]
        self.sum_squares += np.square(block).sum(axis=1)
        if block.shape[1]:
            self.peak = np.maximum(self.peak, np.abs(block).max(axis=1))
        pending = np.concatenate([self.carry, block], axis=1)
        whole = pending.shape[1] // self.window * self.window
        self.carry = pending[:, whole:]
        windows = pending[:, :whole].reshape(pending.shape[0], -1, self.window)
        self._count(np.square(windows).mean(axis=2) < self.threshold_ms, self.window)

    def finish(self) -> None:
        """Judge the last, shorter window on its own length so no sample goes unclassified."""
        if self.carry.shape[1]:
            silent = np.square(self.carry).mean(axis=1, keepdims=True) < self.threshold_ms
            self._count(silent, self.carry.shape[1])

    def _count(self, silent: npt.NDArray[np.bool_], width: int) -> None:
        self.silent_samples += silent.sum(axis=1) * width
        rows = [*silent, silent.all(axis=0)]
        self.runs = [_longest_run(row, *run, width) for row, run in zip(rows, self.runs, strict=True)]


def _dbfs(amplitude: float, floor_dbfs: float) -> float:
    return max(floor_dbfs, 20.0 * math.log10(amplitude)) if amplitude > 0 else floor_dbfs


def measure_levels(
    source: AudioSource,
    *,
    silence_threshold_dbfs: float = -50.0,
    window_s: float = 0.02,
    floor_dbfs: float = -120.0,
) -> LevelReport:
    """RMS, peak and silence per channel of the first audio stream, decoding it once, frame by frame.

    A window counts as silent when its RMS is below `silence_threshold_dbfs`. Raises `AudioValidationError`
    for audio that cannot be decoded, as `probe` does.
    """
    meter: _LevelMeter | None = None
    sample_rate = 0
    for frame in iter_frames(source):
        block = _as_float_planar(frame)
        if meter is None:
            sample_rate = frame.sample_rate
            window = max(1, round(window_s * sample_rate))
            meter = _LevelMeter(block.shape[0], window, 10.0 ** (silence_threshold_dbfs / 10.0))
        meter.feed(block)
    assert meter is not None, "iter_frames raises too_short rather than yielding nothing"
    meter.finish()
    seconds = meter.samples / sample_rate
    channels = tuple(
        ChannelLevels(
            rms_dbfs=_dbfs(math.sqrt(meter.sum_squares[i] / meter.samples), floor_dbfs),
            peak_dbfs=_dbfs(float(meter.peak[i]), floor_dbfs),
            silence_ratio=float(meter.silent_samples[i]) / meter.samples,
            longest_silence_s=meter.runs[i][1] / sample_rate,
        )
        for i in range(meter.sum_squares.size)
    )
    return LevelReport(
        duration_s=seconds,
        sample_rate=sample_rate,
        channels=channels,
        longest_silence_s=meter.runs[-1][1] / sample_rate,
        silence_threshold_dbfs=silence_threshold_dbfs,
        window_s=window_s,
    )
