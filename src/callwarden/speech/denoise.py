"""Line-noise reduction for the recogniser: a steady hiss taken out of a recording's spectrum.

tiny.en loses much of a phone line's speech to a hiss 20 dB under the voice (word error rate 0.27 -> 0.44 on ten
synthetic voices with white noise at -42 dBFS; bench/line_hearings.py). This estimates the hiss per frequency as a
low percentile of the short-time power over the clip (speech comes and goes, a line's hiss stays) and scales each
time-frequency cell by a Wiener gain from its smoothed signal-to-noise ratio, never below a floor: a floor and the
smoothing keep the "musical" flutter of plain spectral subtraction out, which the recogniser hears as sounds.

Used on the focused pass's opening only (``pipeline.transcription``), never on what is stored or played.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Float32Array = npt.NDArray[np.float32]

FRAME = 512  # 32 ms at 16 kHz
HOP = FRAME // 4
NOISE_PERCENTILE = 20.0  # a bin's power this often lower is its hiss: speech fills well under 80% of the cells
FLOOR = 0.1  # no cell goes more than 20 dB down
OVER_SUBTRACTION = 2.0  # a cell's signal is what its power has over twice the hiss: 8 dB off a white hiss
_SMOOTH_FRAMES = 3
_SMOOTH_BINS = 3


def _frames(padded: npt.NDArray[np.float64], window: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    count = 1 + (padded.size - FRAME) // HOP
    return np.lib.stride_tricks.sliding_window_view(padded, FRAME)[::HOP][:count] * window


def _smoothed(power: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A moving average over neighbouring frames and bins (at the edges, over the neighbours there are)."""
    out = power
    for axis, width in ((0, _SMOOTH_FRAMES), (1, _SMOOTH_BINS)):
        moved = np.moveaxis(out, axis, 0)
        sums = np.concatenate([np.zeros((1, *moved.shape[1:])), np.cumsum(moved, axis=0)])
        index = np.arange(moved.shape[0])
        low = np.maximum(index - width // 2, 0)
        high = np.minimum(index + width // 2 + 1, moved.shape[0])
        shape = (-1,) + (1,) * (moved.ndim - 1)
        out = np.moveaxis((sums[high] - sums[low]) / (high - low).reshape(shape), 0, axis)
    return out


def reduce_noise(samples: Float32Array) -> Float32Array:
    """`samples` with their steady noise floor turned down; the same length, float32. A clip shorter than a frame,
    or one without any signal, comes back unchanged."""
    audio = np.asarray(samples, dtype=np.float64)
    if audio.size < FRAME or not np.any(audio):
        return np.asarray(samples, dtype=np.float32).copy()
    window = np.hanning(FRAME)
    padded = np.concatenate([np.zeros(FRAME), audio, np.zeros(FRAME + HOP)])
    spectrum = np.fft.rfft(_frames(padded, window), axis=1)
    power = _smoothed(np.abs(spectrum) ** 2)
    noise = np.maximum(np.percentile(power, NOISE_PERCENTILE, axis=0), np.finfo(np.float64).tiny)
    excess = np.maximum(power / noise - OVER_SUBTRACTION, 0.0)  # the cell's estimated signal-to-noise ratio
    gain = np.maximum(excess / (excess + 1.0), FLOOR)
    cleaned = np.fft.irfft(spectrum * gain, n=FRAME, axis=1) * window
    out = np.zeros(padded.size)
    weight = np.zeros(padded.size)
    for index, frame in enumerate(cleaned):  # overlap-add, normalised by the summed squared window
        start = index * HOP
        out[start : start + FRAME] += frame
        weight[start : start + FRAME] += window**2
    restored = out / np.maximum(weight, 1e-9)
    return restored[FRAME : FRAME + audio.size].astype(np.float32)
