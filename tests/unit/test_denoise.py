"""Line-noise reduction: the hiss goes down, what comes and goes stays, the clip keeps its length and type."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.speech.denoise import FRAME, reduce_noise

RATE = 16000


def _level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(samples, dtype=np.float64) ** 2)))


def _bursts_in_hiss(seconds: float = 6.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 700 Hz tone on for 0.4 s in every second (as speech comes and goes) in white noise 20 dB under it."""
    t = np.arange(int(seconds * RATE)) / RATE
    on = (t % 1.0) < 0.4
    tone = 0.1 * np.sin(2 * np.pi * 700 * t) * on
    hiss = np.random.default_rng(7).standard_normal(t.size) * 10 ** (-42 / 20)
    return (tone + hiss).astype(np.float32), tone, on


def test_the_hiss_between_bursts_goes_down_and_the_bursts_stay() -> None:
    noisy, tone, on = _bursts_in_hiss()
    cleaned = reduce_noise(noisy)
    edge = int(0.05 * RATE)  # away from the bursts' onsets, where the gain moves
    quiet = np.zeros_like(on)
    for start in range(int(0.45 * RATE), noisy.size, RATE):
        quiet[start + edge : start + int(0.55 * RATE) - edge] = True
    assert _level_db(noisy[quiet]) - _level_db(cleaned[quiet]) > 6.0
    inside = np.zeros_like(on)
    for start in range(0, noisy.size, RATE):
        inside[start + edge : start + int(0.4 * RATE) - edge] = True
    assert abs(_level_db(cleaned[inside]) - _level_db(tone[inside])) < 1.0


def test_a_steady_hum_counts_as_noise() -> None:
    t = np.arange(3 * RATE) / RATE
    hum = (0.05 * np.sin(2 * np.pi * 120 * t)).astype(np.float32)
    assert _level_db(hum) - _level_db(reduce_noise(hum)) > 15.0


def test_length_and_type_are_kept() -> None:
    noisy, _, _ = _bursts_in_hiss(1.3)
    cleaned = reduce_noise(noisy[:20001])
    assert cleaned.shape == (20001,) and cleaned.dtype == np.float32


@pytest.mark.parametrize("samples", [np.zeros(0), np.zeros(FRAME - 1) + 0.1, np.zeros(RATE)])
def test_what_cannot_be_treated_comes_back_unchanged(samples: np.ndarray) -> None:
    given = samples.astype(np.float32)
    cleaned = reduce_noise(given)
    assert cleaned.dtype == np.float32 and np.array_equal(cleaned, given) and cleaned is not given
