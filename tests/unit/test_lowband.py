"""The low band put back for the recogniser: the filter, the block convolution, and what the restoration adds."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.speech.lowband import band_pass, convolve_same, restore_low_band

RATE = 16000


def _level_at(signal: np.ndarray, hz: float) -> float:
    """Amplitude of the `hz` component (a whole number of cycles fits the test signals)."""
    spectrum = np.abs(np.fft.rfft(signal)) * 2 / signal.size
    return float(spectrum[round(hz * signal.size / RATE)])


def _line_voice(f0: float = 120.0, seconds: float = 2.0) -> np.ndarray:
    """A voiced sound as a phone line passes it: the harmonics of `f0` above 300 Hz only."""
    t = np.arange(int(seconds * RATE)) / RATE
    harmonics = [k for k in range(1, 29) if 300 <= k * f0 <= 3400]
    return (sum(np.sin(2 * np.pi * k * f0 * t) for k in harmonics) / len(harmonics)).astype(np.float32)


def test_band_pass_passes_the_voice_fundamental_and_stops_the_rest() -> None:
    kernel = band_pass(60.0, 300.0, RATE)
    response = np.abs(np.fft.rfft(kernel, 1 << 16))
    at = lambda hz: response[int(hz * (1 << 16) / RATE)]  # noqa: E731
    assert at(150) == pytest.approx(1.0, abs=0.02)
    assert at(20) < 0.05 and at(1000) < 0.01


@pytest.mark.parametrize(("low", "high"), [(300.0, 60.0), (0.0, 300.0), (60.0, 9000.0)])
def test_band_pass_refuses_a_band_that_does_not_fit(low: float, high: float) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        band_pass(low, high, RATE)


def test_block_convolution_equals_direct_convolution_across_blocks() -> None:
    signal = np.random.default_rng(3).standard_normal(150_001)  # more than two FFT blocks, odd length
    kernel = band_pass(60.0, 300.0, RATE, taps=255)
    assert np.allclose(convolve_same(signal, kernel), np.convolve(signal, kernel, "same"), atol=1e-9)
    assert convolve_same(signal[:0], kernel).size == 0


def test_restoration_puts_the_missing_fundamental_back_at_the_set_level() -> None:
    voice = _line_voice(f0=120.0)
    assert _level_at(voice, 120.0) < 1e-3  # the line took it away
    restored = restore_low_band(voice, RATE, level_db=-6.0)
    added = restored.astype(np.float64) - voice
    rms = lambda x: float(np.sqrt(np.mean(np.square(x))))  # noqa: E731
    assert rms(added) == pytest.approx(rms(voice) * 10 ** (-6 / 20), rel=0.05)
    assert _level_at(restored, 120.0) > 0.5 * np.sqrt(2) * rms(added)  # the fundamental carries most of it
    assert _level_at(restored, 1200.0) == pytest.approx(_level_at(voice, 1200.0), rel=0.02)  # the band is kept


def test_silence_and_empty_audio_come_back_unchanged_and_loud_audio_stays_in_range() -> None:
    silence = np.zeros(RATE, dtype=np.float32)
    assert np.array_equal(restore_low_band(silence, RATE), silence)
    assert restore_low_band(silence[:0], RATE).size == 0
    loud = _line_voice() / np.abs(_line_voice()).max()
    restored = restore_low_band(loud, RATE, level_db=0.0)
    assert restored.dtype == np.float32 and np.abs(restored).max() <= 1.0
