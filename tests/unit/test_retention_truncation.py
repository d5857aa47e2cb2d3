"""Cutting a recording keeps exactly the samples before the cut, at the original rate and channels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.probe import iter_frames, probe
from callwarden.pipeline.truncation import truncated
from tests.audio_fixtures import encode, tone, write_wav


def decoded_int16(data: bytes) -> np.ndarray:
    blocks = [frame.to_ndarray() for frame in iter_frames(io.BytesIO(data))]
    first = next(iter_frames(io.BytesIO(data)))
    channels = len(first.layout.channels)
    if first.format.is_planar:
        return np.concatenate(blocks, axis=1).T
    return np.concatenate([b.reshape(-1, channels) for b in blocks])


@pytest.mark.parametrize("channels", [1, 2])
def test_kept_samples_equal_the_originals_up_to_the_cut(tmp_path: Path, channels: int) -> None:
    samples = tone(6.0, sample_rate=8000, channels=channels)
    wav = write_wav(tmp_path / "call.wav", samples)
    chunks, media = truncated(wav, 2.5)
    data = b"".join(chunks)
    assert media == "audio/flac"
    info = probe(io.BytesIO(data), max_duration_s=60, max_channels=2)
    assert (info.sample_rate, info.channels) == (8000, channels)
    assert info.duration_s == pytest.approx(2.5, abs=1e-3)
    kept = decoded_int16(data)
    assert kept.shape == (20000, channels)
    assert np.array_equal(kept, samples[:20000])


def test_ulaw_original_keeps_its_decoded_samples(tmp_path: Path) -> None:
    ulaw = encode(write_wav(tmp_path / "call.wav", tone(4.0, channels=2)), "ulaw_wav", tmp_path)
    original = decoded_int16(ulaw.read_bytes())
    chunks, _ = truncated(ulaw, 1.0)
    kept = decoded_int16(b"".join(chunks))
    assert np.array_equal(kept, original[:8000])


def test_a_cut_past_the_end_keeps_everything_and_a_cut_at_zero_is_refused(tmp_path: Path) -> None:
    samples = tone(1.0, channels=1)
    wav = write_wav(tmp_path / "call.wav", samples)
    chunks, _ = truncated(wav, 5.0)
    assert np.array_equal(decoded_int16(b"".join(chunks)), samples)
    with pytest.raises(ValueError, match="after the start"):
        truncated(wav, 0.0)
