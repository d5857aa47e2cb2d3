"""Where a recording holds speech, found from its short-time energy: signal processing, no recognition.

`frame_energy` measures each channel's level in dBFS on a 10 ms grid (`ChannelEnergy`), without copying the
audio whole; `speech_spans` finds where one channel holds speech by a threshold set between its noise floor and
its loud frames, bridging short pauses and dropping short bursts. Speaker attribution builds on both: per-channel
turns and bleed suppression for stereo, the speech to separate into voices for mono.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_HOP_S = 0.010
_FLOOR_DB = -120.0


@dataclass(frozen=True)
class ChannelEnergy:
    """Short-time level per channel in dBFS: ``db[channel, k]`` covers ``[k·hop_s, k·hop_s + win_s)``."""

    db: FloatArray
    hop_s: float
    win_s: float

    def mean_db(self, channel: int, start_s: float, end_s: float) -> float:
        """Power-averaged level over a span (at least the one frame nearest to it)."""
        row = self.db[channel]
        first = min(max(0, int(start_s / self.hop_s)), row.size - 1)
        last = min(max(first + 1, int(np.ceil((end_s - self.win_s) / self.hop_s)) + 1), row.size)
        return float(10 * np.log10(np.mean(10 ** (row[first:last] / 10))))


def frame_energy(
    audio: npt.ArrayLike, sample_rate: int, *, hop_s: float = _HOP_S, win_s: float = 0.03
) -> ChannelEnergy:
    """Levels of `audio` shaped (channels, samples) or (samples,), float in [-1, 1], without copying it whole."""
    samples = np.asarray(audio, dtype=np.float32)
    samples = samples.reshape(1, -1) if samples.ndim == 1 else samples
    hop = max(1, round(hop_s * sample_rate))
    span = max(1, round(win_s / hop_s))
    blocks = samples.shape[1] // hop
    rows = []
    for channel in samples:
        chunked = channel[: blocks * hop].reshape(blocks, hop)
        power = np.einsum("ij,ij->i", chunked, chunked, dtype=np.float64)
        summed = np.convolve(power, np.ones(span), mode="full")[span - 1 : blocks] if blocks >= span else power[:0]
        rows.append(10 * np.log10(np.maximum(summed / (span * hop), 10 ** (_FLOOR_DB / 10))))
    return ChannelEnergy(np.array(rows).reshape(samples.shape[0], -1), hop / sample_rate, span * hop / sample_rate)


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and (exclusive) end indices of the runs of True in `mask`."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def spans_from_energy(
    db: FloatArray, hop_s: float, win_s: float, *, bridge_s: float, min_speech_s: float, pad_s: float
) -> list[tuple[float, float]]:
    if db.size == 0:
        return []
    floor, top = np.percentile(db, [10, 97])
    threshold = floor + max(6.0, 0.35 * (top - floor))
    starts, ends = _runs(db > threshold)
    if starts.size:
        keep = (starts[1:] - ends[:-1]) * hop_s >= bridge_s
        starts, ends = starts[np.concatenate(([True], keep))], ends[np.concatenate((keep, [True]))]
        long_enough = (ends - starts) * hop_s >= min_speech_s
        starts, ends = starts[long_enough], ends[long_enough]
    limit = (db.size - 1) * hop_s + win_s
    return [
        (max(0.0, s * hop_s - pad_s), min(limit, (e - 1) * hop_s + win_s + pad_s))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def speech_spans(
    audio: npt.ArrayLike, sample_rate: int, *, bridge_s: float = 0.3, min_speech_s: float = 0.15, pad_s: float = 0.05
) -> list[tuple[float, float]]:
    """Where one channel holds speech, by an energy threshold set between its noise floor and its loud frames.

    Pauses shorter than `bridge_s` are bridged, bursts shorter than `min_speech_s` dropped. A channel with no
    speech at all (flat noise or digital silence) gives no spans, since its loud frames sit near its floor.
    """
    energy = frame_energy(np.asarray(audio).reshape(-1), sample_rate)
    return spans_from_energy(
        energy.db[0], energy.hop_s, energy.win_s, bridge_s=bridge_s, min_speech_s=min_speech_s, pad_s=pad_s
    )
