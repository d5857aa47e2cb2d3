"""Audio files made on the fly for tests, so no binary fixture has to be committed or trusted.

WAVs are written with the stdlib `wave` module; other encodings go through the `ffmpeg` command line, and a
test that needs one is skipped with the reason when ffmpeg is not installed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest

# Encodings ffmpeg can make from a 16-bit WAV: (file suffix, ffmpeg codec arguments).
ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ulaw_wav": (".wav", ("-c:a", "pcm_mulaw")),
    "alaw_wav": (".wav", ("-c:a", "pcm_alaw")),
    "mp3": (".mp3", ("-c:a", "libmp3lame", "-b:a", "32k")),
    "flac": (".flac", ("-c:a", "flac")),
    "opus": (".opus", ("-c:a", "libopus", "-b:a", "24k")),
    "vorbis": (".ogg", ("-c:a", "libvorbis")),
}


def shared_dir() -> Path:
    """The steering checkout's shared/ folder, a sibling of the repository root in every checkout."""
    return Path(__file__).resolve().parents[1].parent / "shared"


def require_tool(name: str) -> str:
    """The tool's path, or skip the calling test saying which tool is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed; it is needed to make this audio fixture")
    return path


def tone(seconds: float, sample_rate: int = 8000, channels: int = 1, amplitude: float = 0.3) -> np.ndarray:
    """A 16-bit sine, a different pitch per channel, shaped (samples, channels)."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    columns = [amplitude * np.sin(2 * np.pi * (300 + 150 * c) * t) for c in range(channels)]
    return (np.stack(columns, axis=1) * 32767).astype("<i2").reshape(-1, channels)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = 8000) -> Path:
    """Write int16 samples shaped (samples, channels) as a PCM WAV."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def write_long_wav(path: Path, seconds: int, sample_rate: int = 8000, channels: int = 2) -> Path:
    """A long noise WAV written a minute at a time, so making it does not need the whole file in memory."""
    minute = (np.random.default_rng(0).standard_normal((sample_rate * 60, channels)) * 1000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        for start in range(0, seconds, 60):
            out.writeframes(minute[: sample_rate * min(60, seconds - start)].tobytes())
    return path


def encode(source_wav: Path, encoding: str, directory: Path) -> Path:
    """Re-encode a WAV with ffmpeg into one of `ENCODINGS`."""
    suffix, codec = ENCODINGS[encoding]
    target = directory / f"{source_wav.stem}-{encoding}{suffix}"
    command = [require_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    subprocess.run([*command, "-i", str(source_wav), *codec, str(target)], check=True)
    return target


def video_only(directory: Path) -> Path:
    """A one-second MP4 with a video stream and no audio."""
    target = directory / "video-only.mp4"
    command = [require_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    source = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10"]
    subprocess.run([*command, *source, "-c:v", "mpeg4", str(target)], check=True)
    return target


def png_bytes() -> bytes:
    """A valid 2x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def cut(path: Path, keep: float | int, target: Path | None = None) -> Path:
    """A copy holding only the start of `path`: a fraction of its bytes (float) or a byte count (int)."""
    data = path.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else keep
    target = target or path.with_name(f"cut-{path.name}")
    target.write_bytes(data[:size])
    return target
