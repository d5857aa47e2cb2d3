"""measure_levels() must give finite, per-channel figures that match the signal, in one streaming pass."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.levels import measure_levels
from callwarden.audio.probe import AudioValidationError
from tests.audio_fixtures import encode, write_wav

RATE = 8000


def _stereo(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.stack([left, right], axis=1)


def _sine(seconds: float, amplitude: float, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return np.round(amplitude * 32767 * np.sin(2 * np.pi * frequency * t)).astype("<i2")


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), dtype="<i2")


def test_sine_and_digital_silence(tmp_path: Path) -> None:
    """A -6 dBFS-peak sine on the left, digital zeros on the right: the right side reads the floor, not -inf."""
    path = write_wav(tmp_path / "one-sided.wav", _stereo(_sine(2.0, 0.5), _silence(2.0)), RATE)
    report = measure_levels(path)
    left, right = report.channels
    assert report.duration_s == pytest.approx(2.0)
    assert report.sample_rate == RATE
    assert left.peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.05)
    assert left.rms_dbfs == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)), abs=0.05)
    assert (left.silence_ratio, left.longest_silence_s) == (0.0, 0.0)
    assert (right.rms_dbfs, right.peak_dbfs) == (-120.0, -120.0)
    assert (right.silence_ratio, right.longest_silence_s) == (1.0, pytest.approx(2.0))
    assert report.longest_silence_s == 0.0  # the left side was never silent, so there was no dead air
    encoded = json.dumps(report.to_dict(), allow_nan=False)  # raises on NaN or infinity
    assert json.loads(encoded)["channels"][1]["rms_dbfs"] == -120.0


def test_silences_and_dead_air(tmp_path: Path) -> None:
    """Alternating turns: each side is silent while the other talks; dead air only where both are."""
    talk = _sine(1.0, 0.3)
    left = np.concatenate([talk, _silence(3.0)])
    right = np.concatenate([_silence(1.5), talk, _silence(0.5), talk])
    path = write_wav(tmp_path / "turns.wav", _stereo(left, right), RATE)
    report = measure_levels(path, silence_threshold_dbfs=-50.0)
    agent, prospect = report.channels
    assert report.duration_s == pytest.approx(4.0)
    assert agent.silence_ratio == pytest.approx(3.0 / 4.0, abs=0.01)
    assert agent.longest_silence_s == pytest.approx(3.0, abs=0.02)
    assert prospect.silence_ratio == pytest.approx(2.0 / 4.0, abs=0.01)
    assert prospect.longest_silence_s == pytest.approx(1.5, abs=0.02)
    assert report.longest_silence_s == pytest.approx(0.5, abs=0.02)  # 1.0-1.5 s and 2.5-3.0 s


def test_threshold_is_a_parameter(tmp_path: Path) -> None:
    """A -40 dBFS hiss is speech-quiet: silent under a -30 dBFS threshold, not under -50 dBFS."""
    hiss = _sine(1.0, 10 ** (-40 / 20) * math.sqrt(2))
    path = write_wav(tmp_path / "hiss.wav", hiss.reshape(-1, 1), RATE)
    assert measure_levels(path, silence_threshold_dbfs=-50.0).channels[0].silence_ratio == 0.0
    assert measure_levels(path, silence_threshold_dbfs=-30.0).channels[0].silence_ratio == 1.0


def test_windows_span_frame_boundaries_and_a_short_tail(tmp_path: Path) -> None:
    """0.509 s is not a whole number of 20 ms windows or of decoder frames; every sample is still judged."""
    path = write_wav(tmp_path / "odd.wav", _silence(0.509).reshape(-1, 1), RATE)
    channel = measure_levels(path).channels[0]
    assert channel.silence_ratio == 1.0
    assert channel.longest_silence_s == pytest.approx(0.509)


def test_lossy_and_planar_formats_agree_with_pcm(tmp_path: Path) -> None:
    """FLAC decodes to packed integers, Opus to planar floats: both must land on the PCM figures."""
    wav = write_wav(tmp_path / "ref.wav", _stereo(_sine(2.0, 0.5), _sine(2.0, 0.1, 300.0)), RATE)
    reference = measure_levels(wav)
    for encoding, tolerance in (("flac", 0.01), ("opus", 1.0)):
        report = measure_levels(encode(wav, encoding, tmp_path))
        for measured, expected in zip(report.channels, reference.channels, strict=True):
            assert measured.rms_dbfs == pytest.approx(expected.rms_dbfs, abs=tolerance)


def test_undecodable_input_raises_the_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_bytes(b"not audio at all\n" * 100)
    with pytest.raises(AudioValidationError) as caught:
        measure_levels(path)
    assert caught.value.code == "not_audio"
