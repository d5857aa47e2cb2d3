"""encode_pcm / write_pcm_file: lossless round trips through our own decoder, streamed, and atomic file writes."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.decode import decode_channels
from callwarden.audio.encode import encode_pcm, media_type, write_pcm_file
from callwarden.audio.probe import probe


def _noise(samples: int, channels: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-32768, 32767, (samples, channels), endpoint=True).astype(np.int16)


def _blocks(pcm: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, pcm.shape[0], size):
        yield pcm[start : start + size]


def _decoded_int16(data: bytes, rate: int) -> np.ndarray:
    decoded = decode_channels(io.BytesIO(data), target_rate=rate)
    assert decoded.source_rate == rate
    return np.round(decoded.samples.T.astype(np.float64) * 32768).astype(np.int16)


@pytest.mark.parametrize("fmt", ["flac", "wav"])
@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (8000, 2), (16000, 2), (44100, 1)])
def test_round_trip_is_sample_exact(fmt: str, rate: int, channels: int) -> None:
    pcm = _noise(rate * 2 + 123, channels)  # odd length, blocks of uneven size
    data = b"".join(encode_pcm(_blocks(pcm, 4001), sample_rate=rate, channels=channels, fmt=fmt))  # type: ignore[arg-type]
    info = probe(io.BytesIO(data), max_duration_s=60, max_channels=2)
    assert (info.channels, info.sample_rate) == (channels, rate)
    assert info.duration_s == pytest.approx(pcm.shape[0] / rate, abs=1e-3)
    assert np.array_equal(_decoded_int16(data, rate), pcm)


def test_flac_is_streamed_not_buffered_to_the_end() -> None:
    """Bytes come out while blocks go in: the first piece arrives before the last block is produced."""
    produced = []

    def blocks() -> Iterator[np.ndarray]:
        for index in range(20):
            produced.append(index)
            yield _noise(8000, 2, seed=index)

    stream = encode_pcm(blocks(), sample_rate=8000, channels=2, fmt="flac")
    next(stream)
    assert len(produced) < 20
    assert sum(len(piece) for piece in stream) > 0


def test_bad_blocks_and_formats_are_named() -> None:
    with pytest.raises(ValueError, match="int16"):
        b"".join(encode_pcm([np.zeros((10, 1), np.float32)], sample_rate=8000, channels=1, fmt="wav"))  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"\(samples, 2\)"):
        b"".join(encode_pcm([np.zeros((10, 1), np.int16)], sample_rate=8000, channels=2, fmt="flac"))
    with pytest.raises(ValueError, match="unknown audio format 'mp3'"):
        encode_pcm([], sample_rate=8000, channels=1, fmt="mp3")  # type: ignore[arg-type]
    assert media_type("flac") == "audio/flac"
    assert media_type("wav") == "audio/wav"


def test_written_wav_has_exact_sizes_for_any_reader(tmp_path: Path) -> None:
    pcm = _noise(12345, 2)
    out = write_pcm_file(tmp_path / "out.wav", _blocks(pcm, 1000), sample_rate=8000, channels=2, fmt="wav")
    with wave.open(str(out), "rb") as reader:  # the stdlib reader trusts the header sizes
        assert reader.getnframes() == pcm.shape[0]
        assert np.frombuffer(reader.readframes(pcm.shape[0]), "<i2").reshape(-1, 2).tolist() == pcm.tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_unwritable_path_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"cannot write .*missing/out\.wav"):
        write_pcm_file(tmp_path / "missing" / "out.wav", [_noise(10, 1)], sample_rate=8000, channels=1, fmt="wav")


def test_a_failing_source_leaves_no_half_written_file(tmp_path: Path) -> None:
    def blocks() -> Iterator[np.ndarray]:
        yield _noise(8000, 1)
        raise RuntimeError("decoder died")

    with pytest.raises(RuntimeError, match="decoder died"):
        write_pcm_file(tmp_path / "out.flac", blocks(), sample_rate=8000, channels=1, fmt="flac")
    assert list(tmp_path.iterdir()) == []
