"""Validate a recording by decoding all of it, before callwarden accepts it as evidence.

A header can lie: a dialer that crashed mid-call leaves a WAV whose header promises an hour while the file
holds a minute, and a renamed PNG has no audio at all. So `probe` demuxes and decodes every packet (streaming,
one frame at a time, so a two-hour call costs no more memory than a short one), takes the duration from
the decoded samples, and compares it with what the container promised where the container states that
reliably: the RIFF data chunk of a WAV, FLAC's STREAMINFO, an MP3's Xing/Info header, an Ogg stream's
end-of-stream page.

Every failure becomes an `AudioValidationError` whose `code` a program can branch on and whose message a
person can act on; FFmpeg's own errors never leave this module raw. Errors raised by the source file object
itself (a decrypting reader that detects tampering, say) are not audio problems and pass through unchanged.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO, Literal

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer

AudioErrorCode = Literal[
    "empty",
    "not_audio",
    "truncated",
    "too_long",
    "too_many_channels",
    "no_audio_stream",
    "corrupt",
    "too_short",
]
AudioSource = str | os.PathLike[str] | BinaryIO

# Only these demuxers may open a recording. Besides keeping out images and text, this stops playlist-like
# formats (HLS, concat) from making FFmpeg open other files or URLs named inside an uploaded file.
_ALLOWED_DEMUXERS = "wav,w64,mp3,flac,ogg,mov,matroska,aiff,au,caf,aac,amr"
_EDGE_BYTES = 65536  # covers a WAV header with metadata chunks, and any Ogg page (at most 65,307 bytes)
_PLACEHOLDER_SIZES = (0, 0xFFFFFFFF)  # sizes streaming WAV writers leave when they cannot seek back


class AudioValidationError(ValueError):
    """A recording that callwarden refuses, with a stable `code` and a message that names the problem."""

    def __init__(self, code: AudioErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code: AudioErrorCode = code
        self.detail = detail

    def __reduce__(self) -> tuple[type[AudioValidationError], tuple[AudioErrorCode, str]]:
        """Keep code and detail when the error crosses a process boundary (job queues pickle errors)."""
        return (type(self), (self.code, self.detail))


@dataclass(frozen=True)
class AudioInfo:
    """What decoding found: the duration is counted from decoded samples, never copied from a header."""

    duration_s: float
    channels: int
    sample_rate: int
    codec: str
    container: str
    bit_rate: int | None


@dataclass(frozen=True)
class _Declared:
    """A duration the file's own header promises, and how far short of it decoding may fall."""

    duration_s: float
    tolerance_s: float
    where: str


def _u32le(data: bytes, at: int) -> int:
    return int(struct.unpack_from("<I", data, at)[0])


def _id3v2_end(head: bytes) -> int:
    """Offset just past a leading ID3v2 tag (MP3 and some FLAC files carry one), or 0 without a tag."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)


_WAV_HEADER = "the WAV header"


def _wav_declared(head: bytes, size: int) -> _Declared | None:
    """Read the RIFF chunks ourselves: FFmpeg quietly decodes whatever is there and never says it is short."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    declared: _Declared | None = None
    byte_rate = block_align = 0
    pos = 12
    while pos + 8 <= len(head):
        chunk_id, chunk_size, body = head[pos : pos + 4], _u32le(head, pos + 4), pos + 8
        if chunk_id == b"fmt " and chunk_size >= 16 and body + 16 <= len(head):
            byte_rate, block_align = struct.unpack_from("<IH", head, body + 8)
        elif chunk_id == b"data":
            if byte_rate and chunk_size not in _PLACEHOLDER_SIZES:
                declared = _Declared(chunk_size / byte_rate, 2 * block_align / byte_rate + 0.001, _WAV_HEADER)
                if body + chunk_size > size:
                    held = max(0, size - body) / byte_rate
                    raise AudioValidationError(
                        "truncated",
                        f"the WAV header declares {declared.duration_s:.1f} s of audio but the file holds {held:.1f} s",
                    )
            break
        pos = body + chunk_size + (chunk_size & 1)
    riff_size = _u32le(head, 4)
    # One byte of slack: some writers omit the pad byte after an odd-sized final chunk.
    if riff_size not in _PLACEHOLDER_SIZES and riff_size + 8 > size + 1:
        raise AudioValidationError(
            "truncated", f"the RIFF header declares {riff_size + 8:,} bytes but the file holds {size:,} bytes"
        )
    return declared


def _flac_declared(head: bytes, size: int) -> _Declared | None:
    """STREAMINFO's total sample count, which every finished FLAC encoder writes (0 means unknown)."""
    pos = _id3v2_end(head)
    if head[pos : pos + 4] != b"fLaC":
        return None
    block, last_seen = pos + 4, False
    while block + 4 <= len(head) and not last_seen:  # metadata blocks: 1 flag/type byte, 3 length bytes
        last_seen = bool(head[block] & 0x80)
        block += 4 + int.from_bytes(head[block + 1 : block + 4], "big")
    if block > size or (not last_seen and len(head) == size):
        raise AudioValidationError("truncated", "the file ends inside its FLAC metadata blocks")
    info = head[pos + 8 : pos + 8 + 34]
    if head[pos + 4] & 0x7F != 0 or len(info) < 34:  # STREAMINFO must come first; else let FFmpeg judge
        return None
    sample_rate = info[10] << 12 | info[11] << 4 | info[12] >> 4
    total = (info[13] & 0x0F) << 32 | int.from_bytes(info[14:18], "big")
    if sample_rate == 0 or total == 0:
        return None
    return _Declared(total / sample_rate, 0.001, "the FLAC STREAMINFO block")


def _mp3_declared(head: bytes) -> _Declared | None:
    """The frame count of a Xing/Info header (LAME writes one even for CBR); without it MP3 states nothing."""
    pos = _id3v2_end(head)
    if len(head) < pos + 4 or head[pos] != 0xFF or head[pos + 1] & 0xE0 != 0xE0:
        return None
    version, layer = (head[pos + 1] >> 3) & 3, (head[pos + 1] >> 1) & 3  # version 3: MPEG-1, 2: 2, 0: 2.5
    rate_index, mono = (head[pos + 2] >> 2) & 3, head[pos + 3] >> 6 == 3
    if version == 1 or layer != 1 or rate_index == 3:  # reserved version, not Layer III, reserved rate
        return None
    sample_rate = (44100, 48000, 32000)[rate_index] >> {3: 0, 2: 1, 0: 2}[version]
    side_info = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    tag = pos + 4 + side_info
    if head[tag : tag + 4] not in (b"Xing", b"Info") or len(head) < tag + 12 or not head[tag + 7] & 1:
        return None
    frame_samples = 1152 if version == 3 else 576
    frames = int.from_bytes(head[tag + 8 : tag + 12], "big")
    # The count includes encoder delay and padding that the decoder trims, hence a few frames of slack.
    # The count includes encoder delay and padding, which the decoder trims (up to ~2 frames): hence the slack.
    slack = 6 * frame_samples / sample_rate
    return _Declared(frames * frame_samples / sample_rate, slack, "the MP3 Xing/Info header")


def _ogg_ends_cleanly(tail: bytes) -> bool:
    """True when the file ends with a whole Ogg page flagged end-of-stream, as every finished writer leaves.

    FFmpeg takes an Ogg file's duration from its last page, so a cut file looks consistent; the missing
    end-of-stream flag is what gives it away. "OggS" can occur inside audio data, so a candidate only counts
    when its page ends exactly at the end of the file.
    """
    at = tail.rfind(b"OggS")
    while at >= 0:
        segments = tail[at + 27 : at + 27 + tail[at + 26]] if at + 27 <= len(tail) else b""
        if at + 27 <= len(tail) and at + 27 + len(segments) + sum(segments) == len(tail):
            return bool(tail[at + 5] & 0x04)
        at = tail.rfind(b"OggS", 0, at)
    return False


@contextmanager
def _binary_source(source: AudioSource) -> Iterator[BinaryIO]:
    """Open paths ourselves so FFmpeg never sees a name it could read as a protocol ("http:", "concat:")."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            yield f
    else:
        if not source.seekable():
            raise ValueError("probe needs a seekable binary file object")
        yield source


def _open_error(head: bytes, exc: av.error.FFmpegError) -> AudioValidationError:
    """Tell a cut or damaged audio file (it starts with a known signature) apart from something else entirely."""
    kind = None
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        kind = "a WAV file"
    elif head[_id3v2_end(head) :][:4] == b"fLaC":
        kind = "a FLAC file"
    elif head[:4] == b"OggS":
        kind = "an Ogg file"
    elif head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        kind = "an MP3 file"
    if kind is None:
        return AudioValidationError(
            "not_audio", f"the data is not in an audio format callwarden accepts ({exc.strerror})"
        )
    if isinstance(exc, av.error.EOFError):
        return AudioValidationError("truncated", f"the file starts like {kind} but ends inside its headers")
    return AudioValidationError(
        "corrupt", f"the file starts like {kind} but its headers are unreadable ({exc.strerror})"
    )


class _Decoder:
    """One opened recording: the checks that precede decoding, then decoding with the checks that follow."""

    def __init__(self, f: BinaryIO, max_duration_s: float | None, max_channels: int | None) -> None:
        self._max_duration_s = max_duration_s
        self._samples_by_rate: dict[int, int] = {}
        size = f.seek(0, os.SEEK_END)  # PyAV needs SEEK_END too: it asks for the size while probing
        if size == 0:
            raise AudioValidationError("empty", "the file is 0 bytes long")
        f.seek(0)
        head = f.read(_EDGE_BYTES)
        self._declared = _wav_declared(head, size) or _flac_declared(head, size) or _mp3_declared(head)
        self._ogg_complete: bool | None = None
        if head[:4] == b"OggS":
            f.seek(max(0, size - _EDGE_BYTES))
            self._ogg_complete = _ogg_ends_cleanly(f.read(_EDGE_BYTES))
        if self._declared:
            self._check_length(self._declared.duration_s, self._declared.where)
        f.seek(0)
        try:
            self._container: InputContainer = av.open(
                f, mode="r", options={"format_whitelist": _ALLOWED_DEMUXERS}, metadata_errors="replace"
            )
        except av.error.FFmpegError as exc:
            raise _open_error(head, exc) from None
        try:
            self._stream = self._first_audio_stream(max_channels)
        except BaseException:
            self._container.close()
            raise

    def _first_audio_stream(self, max_channels: int | None) -> AudioStream:
        container = self._container
        if not container.streams.audio:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "none"
            raise AudioValidationError(
                "no_audio_stream", f"the {container.format.name} file has no audio stream (streams: {kinds})"
            )
        stream = container.streams.audio[0]
        if stream.codec_context is None:  # PyAV leaves it unset when FFmpeg has no decoder for the codec
            raise AudioValidationError(
                "not_audio", f"the {container.format.name} file's audio codec is not one callwarden can decode"
            )
        channels = stream.codec_context.channels
        if max_channels is not None and channels > max_channels:
            raise AudioValidationError(
                "too_many_channels", f"the audio has {channels} channels; at most {max_channels} are accepted"
            )
        if self._declared is None and self._ogg_complete and container.duration is not None:
            # A finished Ogg file's duration comes from its last page's granule position: cheap and exact.
            self._check_length(container.duration / av.time_base, "the Ogg stream's last page")
        return stream

    def __enter__(self) -> _Decoder:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._container.close()

    @property
    def duration_s(self) -> float:
        return sum(samples / rate for rate, samples in self._samples_by_rate.items())

    def _check_length(self, duration_s: float, where: str | None) -> None:
        """Refuse audio past the limit: from a header before decoding, else once decoding passes it."""
        if self._max_duration_s is None or duration_s <= self._max_duration_s:
            return
        said = f"{where} declares {duration_s:.1f} s" if where else "the decoded audio runs past it"
        raise AudioValidationError("too_long", f"the limit is {self._max_duration_s:g} s and {said}")

    def _end_verdict(self, error: str | None) -> AudioValidationError | None:
        """Judge the stream once decoding ran out: short of its promise, cut, damaged at the end, or fine."""
        held = self.duration_s
        cause = f" (decoding stopped: {error})" if error else ""
        if held == 0:
            if error:
                return AudioValidationError("corrupt", f"no audio could be decoded ({error})")
            return AudioValidationError("too_short", "the file holds no audio samples")
        if self._declared and held < self._declared.duration_s - self._declared.tolerance_s:
            return AudioValidationError(
                "truncated",
                f"{self._declared.where} declares {self._declared.duration_s:.1f} s of audio "
                f"but the file holds {held:.1f} s{cause}",
            )
        if self._ogg_complete is False:
            return AudioValidationError(
                "truncated", f"the Ogg stream stops without its end-of-stream page after {held:.1f} s{cause}"
            )
        if error:
            return AudioValidationError("truncated", f"the audio ends in undecodable data after {held:.1f} s{cause}")
        return None

    def frames(self) -> Iterator[AudioFrame]:
        """Decode every packet, one frame at a time, stopping once past the length limit.

        A decoding error does not stop at once: if audio decodes again after it, the damage is in the middle
        (corrupt); if nothing follows it, the file was cut short (truncated), which is the common case.
        """
        error: str | None = None
        error_at_s = 0.0
        try:
            for packet in self._container.demux(self._stream):
                try:
                    decoded = packet.decode()
                except av.error.FFmpegError as exc:
                    error, error_at_s = error or exc.strerror, self.duration_s
                    continue
                for frame in decoded:
                    if error and frame.samples:
                        raise AudioValidationError("corrupt", f"the audio is damaged at {error_at_s:.1f} s ({error})")
                    rate = frame.sample_rate
                    self._samples_by_rate[rate] = self._samples_by_rate.get(rate, 0) + frame.samples
                    self._check_length(self.duration_s, None)
                    yield frame
        except av.error.FFmpegError as exc:  # the demuxer itself gave up
            error = error or exc.strerror
        verdict = self._end_verdict(error)
        if verdict:
            raise verdict

    def pcm_wav_info(self) -> AudioInfo | None:
        """The description of a complete PCM WAV without decoding every sample, or None for any other file.

        Every byte pattern is valid PCM, so once the RIFF arithmetic has shown that all the declared data is
        present (checked in `_wav_declared`), the sample count is exact and decoding the rest would only prove
        what is already known; the first packets are still decoded to show the codec works. This keeps ingest
        of the commonest dialer format near disk speed (bench/ingest.py).
        """
        declared, context = self._declared, self._stream.codec_context
        if declared is None or declared.where != _WAV_HEADER or not context.name.startswith("pcm_"):
            return None
        if declared.duration_s == 0:
            raise AudioValidationError("too_short", "the file holds no audio samples")
        try:
            for packet in self._container.demux(self._stream):
                if any(frame.samples for frame in packet.decode()):
                    break
        except av.error.FFmpegError as exc:
            raise AudioValidationError("corrupt", f"the PCM audio cannot be decoded ({exc.strerror})") from None
        return AudioInfo(
            duration_s=declared.duration_s,
            channels=context.channels,
            sample_rate=context.sample_rate,
            codec=context.codec.canonical_name,
            container=self._container.format.name,
            bit_rate=self._container.bit_rate or None,
        )

    def info(self) -> AudioInfo:
        """The stream's description; call after `frames()` is exhausted so the duration is the decoded one."""
        context = self._stream.codec_context
        return AudioInfo(
            duration_s=self.duration_s,
            channels=context.channels,
            sample_rate=(
                max(self._samples_by_rate, key=self._samples_by_rate.__getitem__)
                if self._samples_by_rate
                else context.sample_rate
            ),
            codec=context.codec.canonical_name,
            container=self._container.format.name,
            bit_rate=self._container.bit_rate or None,
        )


def iter_frames(
    source: AudioSource, *, max_duration_s: float | None = None, max_channels: int | None = None
) -> Iterator[AudioFrame]:
    """Decoded frames of the first audio stream, validated as `probe` validates, for streaming measurements.

    A file object is read from its start whatever its position. The final checks (too short, truncated) run
    when the iterator is exhausted, so a consumer that stops early gets no verdict.
    """
    with ExitStack() as stack:
        f = stack.enter_context(_binary_source(source))
        decoder = stack.enter_context(_Decoder(f, max_duration_s, max_channels))
        yield from decoder.frames()


def probe(
    source: AudioSource, *, max_duration_s: float, max_channels: int, allow_no_samples: bool = False
) -> AudioInfo:
    """Decode the whole recording and describe it, or raise `AudioValidationError` saying what is wrong.

    `source` is a path or a seekable binary file object (read from its start). Memory stays bounded whatever
    the length: frames are counted and dropped, never kept. With `allow_no_samples`, a well-formed file that
    holds no audio at all (a dialer's header-only WAV) is described with duration 0 instead of refused, so the
    caller can keep the call and flag the missing audio rather than lose the record of it.
    """
    with _binary_source(source) as f, _Decoder(f, max_duration_s, max_channels) as decoder:
        try:
            fast = decoder.pcm_wav_info()
            if fast is not None:
                return fast
            for _ in decoder.frames():
                pass
        except AudioValidationError as exc:
            if not (allow_no_samples and exc.code == "too_short"):
                raise
        return decoder.info()
