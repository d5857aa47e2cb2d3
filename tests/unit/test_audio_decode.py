"""decode_channels() must turn every dialer format into float32 at 16 kHz with channels, length and pitch intact."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio import decode as decode_module
from callwarden.audio.decode import DecodedAudio, decode_channels, iter_channel_chunks, mix_to_mono
from callwarden.audio.probe import AudioValidationError
from tests.audio_fixtures import ENCODINGS, encode, tone, write_wav

SECONDS = 1.5
RATES = (8000, 16000, 44100, 48000)
LOSSY = {"mp3", "opus", "vorbis"}


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    """The frequency of the largest FFT bin (Hann window), to 1/seconds Hz resolution."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[int(np.argmax(spectrum))])


def _source(tmp_path: Path, encoding: str, rate: int, channels: int) -> Path:
    wav = write_wav(tmp_path / f"tone-{rate}-{channels}.wav", tone(SECONDS, rate, channels), rate)
    return wav if encoding == "pcm_wav" else encode(wav, encoding, tmp_path)


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("encoding", ["pcm_wav", *ENCODINGS])
def test_every_dialer_format_keeps_length_channels_and_pitch(
    tmp_path: Path, encoding: str, rate: int, channels: int
) -> None:
    """Each channel keeps its own sine (300 Hz left, 450 Hz right): nothing mixed, swapped, stretched."""
    decoded = decode_channels(_source(tmp_path, encoding, rate, channels))
    assert decoded.sample_rate == 16000
    assert decoded.samples.dtype == np.float32
    assert decoded.channel_count == channels
    # Lossy codecs pad to whole frames and the decoder trims what the container says; a few ms either way.
    assert decoded.duration_s == pytest.approx(SECONDS, abs=0.03 if encoding in LOSSY else 0.002)
    for index, channel in enumerate(decoded.channels):
        assert channel.ndim == 1
        assert channel.flags["C_CONTIGUOUS"]  # faster-whisper and ctranslate2 take the row as it is
        middle = channel[1600:-1600]  # skip codec onsets and resampler edges
        assert _peak_hz(middle, 16000) == pytest.approx(300 + 150 * index, abs=2.0)
        assert float(np.sqrt(np.mean(np.square(middle)))) == pytest.approx(0.3 / np.sqrt(2), rel=0.15)
        assert float(np.abs(channel).max()) <= 1.0


@pytest.mark.parametrize("rate", [8000, 44100])
def test_file_object_and_path_give_the_same_samples(tmp_path: Path, rate: int) -> None:
    path = _source(tmp_path, "flac", rate, 2)
    from_path = decode_channels(path)
    with open(path, "rb") as f:
        f.seek(100)  # read from the start whatever the position, as probe does
        from_file = decode_channels(f)
    from_memory = decode_channels(io.BytesIO(path.read_bytes()))
    np.testing.assert_array_equal(from_path.samples, from_file.samples)
    np.testing.assert_array_equal(from_path.samples, from_memory.samples)
    assert from_path.source_rate == rate


def test_chunks_add_up_to_the_whole(tmp_path: Path) -> None:
    path = _source(tmp_path, "pcm_wav", 44100, 2)
    whole = decode_channels(path).samples
    chunks = list(iter_channel_chunks(path, seconds=0.4))
    assert [c.shape[1] for c in chunks[:-1]] == [6400] * (len(chunks) - 1)
    assert 0 < chunks[-1].shape[1] <= 6400
    assert all(c.shape[0] == 2 and c.dtype == np.float32 for c in chunks)
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole, atol=1e-6)


def test_chunks_refuse_a_zero_length(tmp_path: Path) -> None:
    path = _source(tmp_path, "pcm_wav", 8000, 1)
    with pytest.raises(ValueError, match="at least one sample"):
        next(iter_channel_chunks(path, seconds=0.0))


@pytest.mark.parametrize("stated", [None, 0.1, 1000.0])
def test_wrong_or_missing_duration_hint_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stated: float | None
) -> None:
    """The container's duration only sizes the buffer: too short grows it, too long is trimmed, none guesses."""
    path = _source(tmp_path, "pcm_wav", 8000, 2)
    expected = decode_channels(path).samples
    monkeypatch.setattr(decode_module, "_UNKNOWN_START_S", 0.05)
    monkeypatch.setattr(decode_module, "_stated_duration_s", lambda _f: stated)
    got = decode_channels(path).samples
    np.testing.assert_array_equal(got, expected)
    assert got.base is None or got.base.shape[1] - got.shape[1] <= 16000  # no large hidden buffer kept alive


def test_too_long_and_not_audio_are_refused(tmp_path: Path) -> None:
    path = _source(tmp_path, "pcm_wav", 8000, 1)
    with pytest.raises(AudioValidationError) as too_long:
        decode_channels(path, max_duration_s=1.0)
    assert too_long.value.code == "too_long"
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"not audio at all " * 100)
    with pytest.raises(AudioValidationError) as not_audio:
        decode_channels(junk)
    assert not_audio.value.code == "not_audio"


def test_other_target_rate(tmp_path: Path) -> None:
    decoded = decode_channels(_source(tmp_path, "pcm_wav", 44100, 1), target_rate=8000)
    assert decoded.samples.shape == (1, round(SECONDS * 8000))
    assert _peak_hz(decoded.channels[0], 8000) == pytest.approx(300, abs=2.0)


def test_mix_to_mono() -> None:
    stereo = np.array([[0.5, -1.0, 1.0], [0.5, 1.0, 1.0]], dtype=np.float32)
    mixed = mix_to_mono(DecodedAudio(samples=stereo, sample_rate=16000, source_rate=8000))
    assert mixed.dtype == np.float32
    np.testing.assert_array_equal(mixed, [0.5, 0.0, 1.0])
    mono = stereo[:1]
    assert mix_to_mono(mono).base is not None  # a single channel comes back without a copy
    np.testing.assert_array_equal(mix_to_mono(stereo[0]), stereo[0])
