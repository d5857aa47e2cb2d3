"""probe() must accept every format dialers produce and refuse, with the right code, every broken file."""

from __future__ import annotations

import io
import os
import pickle
import struct
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callwarden.audio.probe import AudioInfo, AudioValidationError, probe
from tests.audio_fixtures import (
    cut,
    encode,
    png_bytes,
    shared_dir,
    tone,
    video_only,
    write_long_wav,
    write_wav,
)

LIMITS = {"max_duration_s": 3 * 3600.0, "max_channels": 2}
MakeAudio = Callable[..., Path]


@pytest.fixture(scope="module")
def make_audio(tmp_path_factory: pytest.TempPathFactory) -> MakeAudio:
    """Make (and cache per module) a tone of `seconds` in `encoding` ("pcm_wav" or one of ENCODINGS)."""
    directory = tmp_path_factory.mktemp("audio")
    made: dict[tuple[str, int, int, float], Path] = {}

    def make(encoding: str = "pcm_wav", sample_rate: int = 8000, channels: int = 1, seconds: float = 3.0) -> Path:
        key = (encoding, sample_rate, channels, seconds)
        if key not in made:
            wav = write_wav(
                directory / f"tone-{sample_rate}-{channels}-{seconds}.wav",
                tone(seconds, sample_rate, channels),
                sample_rate,
            )
            made[key] = wav if encoding == "pcm_wav" else encode(wav, encoding, directory)
        return made[key]

    return make


def _raises(source: str | os.PathLike[str] | BinaryIO, code: str, **limits: float) -> AudioValidationError:
    with pytest.raises(AudioValidationError) as caught:
        probe(source, **{**LIMITS, **limits})  # type: ignore[arg-type]
    assert caught.value.code == code, str(caught.value)
    assert str(caught.value).startswith(f"{code}: ")
    return caught.value


@pytest.mark.parametrize(
    ("encoding", "sample_rate", "channels", "codec", "container", "decoded_rate", "slack"),
    [
        ("pcm_wav", 8000, 1, "pcm_s16le", "wav", 8000, 0.0),
        ("pcm_wav", 16000, 2, "pcm_s16le", "wav", 16000, 0.0),
        ("pcm_wav", 48000, 2, "pcm_s16le", "wav", 48000, 0.0),
        ("ulaw_wav", 8000, 1, "pcm_mulaw", "wav", 8000, 0.0),
        ("ulaw_wav", 8000, 2, "pcm_mulaw", "wav", 8000, 0.0),
        ("alaw_wav", 8000, 1, "pcm_alaw", "wav", 8000, 0.0),
        ("mp3", 8000, 1, "mp3", "mp3", 8000, 0.01),
        ("mp3", 16000, 2, "mp3", "mp3", 16000, 0.01),
        ("mp3", 44100, 2, "mp3", "mp3", 44100, 0.01),
        ("flac", 8000, 2, "flac", "flac", 8000, 0.0),
        ("flac", 48000, 1, "flac", "flac", 48000, 0.0),
        ("opus", 8000, 2, "opus", "ogg", 48000, 0.01),
        ("opus", 16000, 1, "opus", "ogg", 48000, 0.01),
        ("vorbis", 8000, 1, "vorbis", "ogg", 8000, 0.01),
    ],
)
@pytest.mark.parametrize("as_file", [False, True], ids=["path", "file"])
def test_probe_accepts_supported_formats(
    make_audio: MakeAudio,
    encoding: str,
    sample_rate: int,
    channels: int,
    codec: str,
    container: str,
    decoded_rate: int,
    slack: float,
    as_file: bool,
) -> None:
    path = make_audio(encoding, sample_rate, channels)
    if as_file:
        with open(path, "rb") as f:
            info = probe(f, **LIMITS)
    else:
        info = probe(path, **LIMITS)
    assert info.duration_s == pytest.approx(3.0, abs=slack + 1e-9)
    assert (info.channels, info.sample_rate, info.codec, info.container) == (
        channels,
        decoded_rate,
        codec,
        container,
    )
    assert info.bit_rate is None or info.bit_rate > 0


def test_file_object_is_read_from_its_start_and_left_open(make_audio: MakeAudio) -> None:
    data = make_audio("flac").read_bytes()
    buffer = io.BytesIO(data)
    buffer.seek(len(data) // 2)
    assert probe(buffer, **LIMITS).duration_s == pytest.approx(3.0)
    assert not buffer.closed


def test_unseekable_file_object_is_a_programming_error() -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

    with pytest.raises(ValueError, match="seekable") as caught:
        probe(Pipe(), **LIMITS)  # type: ignore[arg-type]
    assert not isinstance(caught.value, AudioValidationError)


def test_errors_of_the_source_itself_pass_through(make_audio: MakeAudio) -> None:
    """A decrypting reader that finds tampering must not be mistaken for bad audio."""

    class Tampered(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > 20_000:
                raise PermissionError("authentication tag mismatch")
            return super().read(size)

    with pytest.raises(PermissionError, match="tag mismatch"):
        probe(Tampered(make_audio("pcm_wav", 16000, 2).read_bytes()), **LIMITS)


def test_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert "0 bytes" in str(_raises(empty, "empty"))
    _raises(io.BytesIO(b""), "empty")


@pytest.mark.parametrize(
    "content",
    [
        b"Call notes: customer asked for a callback on Tuesday.\n" * 40,
        np.random.default_rng(7).bytes(50_000),
        png_bytes(),
        b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
    ],
    ids=["text", "random", "png", "playlist"],
)
def test_not_audio(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload.wav"
    path.write_bytes(content)
    assert "not in an audio format" in str(_raises(path, "not_audio"))


def test_wav_with_an_unknown_codec_is_not_audio(make_audio: MakeAudio) -> None:
    data = bytearray(make_audio("pcm_wav").read_bytes())
    at = data.find(b"fmt ")
    data[at + 8 : at + 10] = struct.pack("<H", 0xABCD)  # the format tag
    assert "codec" in str(_raises(io.BytesIO(bytes(data)), "not_audio"))


def test_video_without_audio(tmp_path: Path) -> None:
    error = _raises(video_only(tmp_path), "no_audio_stream")
    assert "streams: video" in str(error)


def test_too_many_channels(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "many.wav", tone(0.5, channels=12))
    assert "12 channels" in str(_raises(path, "too_many_channels", max_channels=8))


def test_zero_samples_is_too_short(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "nothing.wav", np.zeros((0, 1), dtype="<i2"))
    _raises(path, "too_short")


def test_zero_samples_can_be_described_when_the_caller_keeps_such_calls(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "header-only.wav", np.zeros((0, 2), dtype="<i2"), sample_rate=8000)
    assert path.stat().st_size == 44
    info = probe(path, max_duration_s=60, max_channels=2, allow_no_samples=True)
    assert (info.duration_s, info.channels, info.sample_rate) == (0.0, 2, 8000)


@pytest.mark.parametrize("encoding", ["pcm_wav", "ulaw_wav", "alaw_wav"])
def test_truncated_wav_names_both_durations(tmp_path: Path, make_audio: MakeAudio, encoding: str) -> None:
    short = cut(make_audio(encoding, 8000, 2), 0.25, tmp_path / "short.wav")
    error = _raises(short, "truncated")
    assert "the WAV header declares 3.0 s of audio but the file holds 0.7 s" in str(error)
    with open(short, "rb") as f:
        _raises(f, "truncated")


def test_truncated_riff_after_complete_audio(tmp_path: Path, make_audio: MakeAudio) -> None:
    data = make_audio("pcm_wav").read_bytes()
    note = b"LIST" + struct.pack("<I", 1000) + b"INFOICMT" + b"x" * 992
    riff = struct.pack("<I", len(data) - 8 + len(note))
    path = tmp_path / "riff.wav"
    path.write_bytes(b"RIFF" + riff + data[8:] + note[:100])
    assert "RIFF header declares" in str(_raises(path, "truncated"))


def test_streaming_placeholder_sizes_are_not_truncation(tmp_path: Path, make_audio: MakeAudio) -> None:
    """Writers that cannot seek back leave 0 or 0xFFFFFFFF as sizes; the audio itself is whole."""
    data = bytearray(make_audio("pcm_wav").read_bytes())
    data[4:8] = struct.pack("<I", 0xFFFFFFFF)
    at = data.find(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFFF)
    assert probe(io.BytesIO(bytes(data)), **LIMITS).duration_s == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("flac", "the FLAC STREAMINFO block declares 10.0 s"),
        ("mp3", "the MP3 Xing/Info header declares"),
        ("opus", "without its end-of-stream page"),
        ("vorbis", "without its end-of-stream page"),
    ],
)
def test_truncated_compressed_files(tmp_path: Path, make_audio: MakeAudio, encoding: str, expected: str) -> None:
    original = make_audio(encoding, 8000, 2, seconds=10.0)
    short = cut(original, 0.4, tmp_path / f"short{original.suffix}")
    assert expected in str(_raises(short, "truncated"))


@pytest.mark.parametrize("encoding", ["vorbis", "flac"])
def test_cut_inside_the_headers(tmp_path: Path, make_audio: MakeAudio, encoding: str) -> None:
    original = make_audio(encoding)
    short = cut(original, 60, tmp_path / f"header{original.suffix}")
    assert "ends inside its" in str(_raises(short, "truncated"))


def test_ogg_cut_exactly_at_a_page_boundary(tmp_path: Path, make_audio: MakeAudio) -> None:
    data = make_audio("opus", 8000, 1).read_bytes()
    cut_at = data.rfind(b"OggS")
    error = _raises(cut(make_audio("opus", 8000, 1), cut_at, tmp_path / "page.opus"), "truncated")
    assert "end-of-stream" in str(error)


def test_damage_in_the_middle_is_corrupt(tmp_path: Path, make_audio: MakeAudio) -> None:
    data = bytearray(make_audio("mp3", 8000, 2, seconds=6.0).read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = np.random.default_rng(1).bytes(3000)
    path = tmp_path / "damaged.mp3"
    path.write_bytes(bytes(data))
    assert "damaged at" in str(_raises(path, "corrupt"))


def test_too_long_fails_fast_on_the_declared_duration(make_audio: MakeAudio) -> None:
    error = _raises(make_audio("pcm_wav", seconds=12.0), "too_long", max_duration_s=10.0)
    assert "the WAV header declares 12.0 s" in str(error)
    assert "STREAMINFO block declares 12.0 s" in str(
        _raises(make_audio("flac", seconds=12.0), "too_long", max_duration_s=10.0)
    )
    assert "Ogg stream's last page" in str(_raises(make_audio("opus", seconds=12.0), "too_long", max_duration_s=10.0))


def test_too_long_without_a_declared_duration_stops_decoding(make_audio: MakeAudio) -> None:
    data = bytearray(make_audio("pcm_wav", seconds=12.0).read_bytes())
    at = data.find(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFFF)
    error = _raises(io.BytesIO(bytes(data)), "too_long", max_duration_s=10.0)
    assert "decoded audio runs past" in str(error)


def test_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(AudioValidationError("truncated", "the file is short")))  # noqa: S301
    assert (error.code, str(error)) == ("truncated", "truncated: the file is short")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_headers_never_escape_as_raw_errors(make_audio: MakeAudio, data: st.DataObject) -> None:
    """Whatever the damage, the caller sees an AudioInfo or an AudioValidationError, never FFmpeg's own error."""
    encoding = data.draw(st.sampled_from(["pcm_wav", "flac", "mp3", "opus"]))
    content = bytearray(make_audio(encoding, 8000, 1, seconds=0.5).read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        content[data.draw(st.integers(0, min(len(content), 200) - 1))] = data.draw(st.integers(0, 255))
    content = content[: data.draw(st.integers(0, len(content)))]
    try:
        info = probe(io.BytesIO(bytes(content)), **LIMITS)
    except AudioValidationError:
        return
    assert isinstance(info, AudioInfo)
    assert info.duration_s > 0


def _external(name: str) -> Path:
    path = shared_dir() / "external" / "audio" / name
    if not path.exists():
        pytest.skip(f"{path} is not present in this checkout")
    return path


def test_external_jfk_flac() -> None:
    info = probe(_external("jfk.flac"), **LIMITS)
    assert info.duration_s == pytest.approx(11.0, abs=0.05)
    assert (info.codec, info.container) == ("flac", "flac")
    assert info.channels in (1, 2)


def test_external_stereo_wav() -> None:
    with open(_external("stereo_diarization.wav"), "rb") as f:
        info = probe(f, **LIMITS)
    assert (info.channels, info.sample_rate) == (2, 16000)
    assert info.duration_s == pytest.approx(5.0, abs=0.01)


@pytest.mark.slow
def test_two_hour_stereo_wav_probes_in_bounded_memory(tmp_path: Path) -> None:
    path = write_long_wav(tmp_path / "two-hours.wav", seconds=2 * 3600)
    tracemalloc.start()
    try:
        with open(path, "rb") as f:
            info = probe(f, **LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.duration_s == pytest.approx(7200.0)
    assert peak < 50 * 1024 * 1024


@pytest.mark.parametrize("encoding", ["pcm_wav", "ulaw_wav", "alaw_wav"])
def test_pcm_wav_shortcut_agrees_with_a_full_decode(make_audio: MakeAudio, encoding: str) -> None:
    from callwarden.audio.probe import iter_frames

    path = make_audio(encoding, 8000, 2)
    info = probe(path, max_duration_s=60, max_channels=2)
    decoded = sum(frame.samples for frame in iter_frames(path)) / 8000
    assert info.duration_s == pytest.approx(decoded, abs=1e-6)
