"""Audio redaction rendering: the padded windows, and only they, are replaced, on the right channel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.encode import encode_pcm
from callwarden.audio.redact import (
    TONE_HZ,
    Fill,
    MuteWindow,
    mute_windows,
    read_pcm,
    redact_blocks,
    window_audio,
)
from callwarden.domain.pii import PiiSource, PiiSpan, PiiType
from callwarden.domain.transcript import Speaker
from tests.audio_fixtures import encode, write_wav

RATE = 8000


def _span(start: float, end: float, channel: int | None, kind: PiiType = PiiType.CREDIT_CARD) -> PiiSpan:
    return PiiSpan(kind, Speaker.PROSPECT, start, end, 0.9, PiiSource.PATTERN, 0, channel)


def _noise(seconds: float, channels: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(-12000, 12000, (round(seconds * RATE), channels)).astype(np.int16)


def _render(pcm: np.ndarray, windows: list[MuteWindow], fill: Fill, block: int = 999) -> np.ndarray:
    blocks = (pcm[i : i + block] for i in range(0, pcm.shape[0], block))
    return np.concatenate(list(redact_blocks(blocks, windows, sample_rate=RATE, fill=fill)))


def test_windows_are_padded_clipped_merged_and_keep_their_channel() -> None:
    spans = [_span(0.1, 1.0, 1), _span(1.3, 2.0, 1), _span(5.0, 5.5, 0), _span(9.9, 10.2, 1)]
    windows = mute_windows(spans, pad_s=0.25, channels=2, duration_s=10.3)
    assert windows == [
        MuteWindow(0.0, 2.25, 1),  # 0.1-0.25 clipped at 0; 1.0+0.25 meets 1.3-0.25: merged
        MuteWindow(4.75, 5.75, 0),
        MuteWindow(9.65, 10.3, 1),  # clipped at the end
    ]


def test_mono_recordings_and_unknown_channels_mute_everything() -> None:
    assert mute_windows([_span(1, 2, 1)], pad_s=0, channels=1) == [MuteWindow(1, 2, None)]
    assert mute_windows([_span(1, 2, None)], pad_s=0, channels=2) == [MuteWindow(1, 2, None)]
    assert mute_windows([_span(1, 2, 3)], pad_s=0, channels=2) == [MuteWindow(1, 2, None)]
    with pytest.raises(ValueError, match="padding"):
        mute_windows([], pad_s=-1, channels=1)


def test_silence_replaces_exactly_the_window_on_its_channel_only() -> None:
    pcm = _noise(3.0, 2)
    window = MuteWindow(1.0, 1.5, 1)
    out = _render(pcm, [window], Fill.SILENCE)
    first, last = window.samples(RATE)
    assert (first, last) == (8000, 12000)
    assert not out[first:last, 1].any()
    assert np.array_equal(out[:, 0], pcm[:, 0])  # the other party untouched
    assert np.array_equal(out[:first, 1], pcm[:first, 1])
    assert np.array_equal(out[last:, 1], pcm[last:, 1])


def test_tone_is_a_steady_sine_on_every_channel_of_an_all_channel_window() -> None:
    pcm = _noise(3.0, 2)
    out = _render(pcm, [MuteWindow(0.5, 2.5, None)], Fill.TONE, block=777)
    inside = out[4000:20000].astype(np.float64)
    assert np.array_equal(inside[:, 0], inside[:, 1])
    spectrum = np.abs(np.fft.rfft(inside[:, 0]))
    assert np.fft.rfftfreq(inside.shape[0], 1 / RATE)[int(np.argmax(spectrum))] == pytest.approx(TONE_HZ, abs=1)
    rms_dbfs = 20 * np.log10(np.sqrt(np.mean(inside[:, 0] ** 2)) / 32768)
    assert -25 < rms_dbfs < -15
    # phase continuous across block edges: no sample-to-sample jump larger than the sine's own slope allows
    assert np.abs(np.diff(inside[:, 0])).max() < 2 * np.pi * TONE_HZ / RATE * 32768 * 0.2
    assert np.array_equal(out[:4000], pcm[:4000])
    assert np.array_equal(out[20000:], pcm[20000:])


def test_input_blocks_are_not_modified_in_place() -> None:
    pcm = _noise(1.0, 1)
    kept = pcm.copy()
    _render(pcm, [MuteWindow(0.2, 0.4, None)], Fill.SILENCE)
    assert np.array_equal(pcm, kept)


@pytest.mark.parametrize("encoding", ["pcm_wav", "ulaw_wav", "flac"])
def test_a_file_renders_losslessly_outside_the_windows(tmp_path: Path, encoding: str) -> None:
    """Decode → redact → FLAC → decode: identical to the decoded source except in the window."""
    wav = write_wav(tmp_path / "in.wav", _noise(2.0, 2), RATE)
    source = wav if encoding == "pcm_wav" else encode(wav, encoding, tmp_path)
    stream = read_pcm(source)
    assert (stream.sample_rate, stream.channels) == (RATE, 2)
    window = MuteWindow(0.5, 1.0, 0)
    rendered = redact_blocks(stream.blocks, [window], sample_rate=RATE, fill=Fill.SILENCE)
    flac = b"".join(encode_pcm(rendered, sample_rate=RATE, channels=2, fmt="flac"))
    reference = np.concatenate(list(read_pcm(source).blocks))
    result = np.concatenate(list(read_pcm(io.BytesIO(flac)).blocks))
    assert result.shape == reference.shape
    assert not result[4000:8000, 0].any()
    reference[4000:8000, 0] = 0
    assert np.array_equal(result, reference)


def test_window_audio_returns_the_channel_around_each_window(tmp_path: Path) -> None:
    pcm = np.zeros((RATE * 3, 2), np.int16)
    pcm[RATE : 2 * RATE, 1] = 8000  # a loud second on the right channel only
    wav = write_wav(tmp_path / "in.wav", pcm, RATE)
    right, both = window_audio(
        wav, [MuteWindow(1.2, 1.6, 1), MuteWindow(1.2, 1.6, None)], margin_s=0.1, target_rate=16000
    )
    assert right.size == pytest.approx(0.6 * 16000, abs=2)
    assert np.allclose(right[100:-100], 8000 / 32768, atol=1e-3)
    assert np.allclose(both[100:-100], 4000 / 32768, atol=1e-3)  # the mix of a loud and a silent channel
