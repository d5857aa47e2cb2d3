"""The raised hearing's filterbank: a warped band hears what the unwarped one hears that much higher."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from callwarden.speech.warp import warp_filters, with_warped_features

RATE = 16000
N_FFT = 400


def _filters() -> np.ndarray:
    return FeatureExtractor.get_mel_filters(RATE, N_FFT, n_mels=80).astype(np.float32)


def _tone_power(hz: float) -> np.ndarray:
    """A pure tone's power spectrum on the extractor's FFT bins (all power in the nearest bin)."""
    power = np.zeros(N_FFT // 2 + 1, dtype=np.float32)
    power[round(hz * N_FFT / RATE)] = 1.0
    return power


@pytest.mark.parametrize("hz", [400.0, 1000.0, 2000.0, 3000.0])
def test_a_warped_band_hears_a_tone_where_the_plain_one_hears_it_higher(hz: float) -> None:
    plain, raised = _filters(), warp_filters(_filters(), RATE, 1.2)
    heard_raised = raised @ _tone_power(hz)
    heard_higher = plain @ _tone_power(hz * 1.2)
    assert int(np.argmax(heard_raised)) == int(np.argmax(heard_higher))
    assert int(np.argmax(heard_raised)) > int(np.argmax(plain @ _tone_power(hz)))
    np.testing.assert_allclose(heard_raised, 1.2 * heard_higher, atol=2e-4)


def test_a_factor_of_one_changes_nothing_and_lowering_moves_bands_down() -> None:
    np.testing.assert_allclose(warp_filters(_filters(), RATE, 1.0), _filters(), atol=1e-6)
    lowered = warp_filters(_filters(), RATE, 0.85) @ _tone_power(2000.0)
    assert int(np.argmax(lowered)) < int(np.argmax(_filters() @ _tone_power(2000.0)))


def test_frequencies_with_nothing_to_map_to_are_heard_by_no_band() -> None:
    raised = warp_filters(_filters(), RATE, 1.25)
    assert float(raised[:, round(7000 * N_FFT / RATE) :].sum()) == 0.0


@pytest.mark.parametrize("factor", [0.3, 2.5, 0.0])
def test_an_implausible_factor_is_refused_by_name(factor: float) -> None:
    with pytest.raises(ValueError, match=f"factor {factor} is outside"):
        warp_filters(_filters(), RATE, factor)


def test_the_warped_copy_shares_the_weights_and_leaves_the_original_alone() -> None:
    weights = object()
    original = SimpleNamespace(model=weights, feature_extractor=FeatureExtractor(feature_size=80))
    before = original.feature_extractor.mel_filters.copy()
    warped = with_warped_features(original, 1.15)
    assert warped.model is weights
    assert warped.feature_extractor is not original.feature_extractor
    np.testing.assert_array_equal(original.feature_extractor.mel_filters, before)
    assert not np.allclose(warped.feature_extractor.mel_filters, before)
    assert warped.feature_extractor.n_fft == N_FFT and warped.feature_extractor.sampling_rate == RATE
