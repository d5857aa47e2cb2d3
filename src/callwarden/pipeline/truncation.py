"""Cutting a recording short: the audio up to a point, re-encoded losslessly, streaming.

Used when a retention policy deletes what was recorded after a prospect objected. The kept part is decoded at
its own sample rate and channel layout (no resampling, no mixing) and converted to 16-bit PCM, so for the 8 and
16-bit PCM and G.711 recordings dialers write, every kept sample is exactly the sample the original decoded to.
Memory is one frame at a time whatever the length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np
from av.audio.frame import AudioFrame

from callwarden.audio.encode import AudioFormat, Int16Array, encode_pcm, media_type
from callwarden.audio.probe import AudioSource, iter_frames

KEPT_FORMAT: AudioFormat = "flac"


@dataclass(frozen=True)
class Layout:
    """The kept audio's sample rate and channel count (those of the original)."""

    sample_rate: int
    channels: int


def source_layout(source: AudioSource) -> Layout:
    """The first decoded frame's rate and channels."""
    for frame in iter_frames(source):
        return Layout(frame.sample_rate, len(frame.layout.channels))
    raise ValueError("the recording holds no audio frames")


def _as_int16(frame: AudioFrame, converter: av.AudioResampler) -> Iterator[Int16Array]:
    channels = len(frame.layout.channels)
    for converted in converter.resample(frame):
        yield np.asarray(converted.to_ndarray(), dtype=np.int16).reshape(-1, channels)


def pcm_until(source: AudioSource, cut_at_s: float, layout: Layout) -> Iterator[Int16Array]:
    """Int16 blocks shaped (samples, channels) of the recording's first ``cut_at_s`` seconds."""
    remaining = round(cut_at_s * layout.sample_rate)
    # Same rate and layout: the resampler only converts the sample format (packed s16), it never filters.
    converter = av.AudioResampler(format="s16", layout=_layout_name(layout.channels), rate=layout.sample_rate)
    for frame in iter_frames(source):
        if frame.sample_rate != layout.sample_rate or len(frame.layout.channels) != layout.channels:
            raise ValueError("the recording changes sample rate or channels midway; it cannot be cut losslessly")
        for block in _as_int16(frame, converter):
            if remaining <= 0:
                return
            kept = block[:remaining]
            remaining -= kept.shape[0]
            yield kept
        if remaining <= 0:
            return


def truncated(source: AudioSource, cut_at_s: float) -> tuple[Iterator[bytes], str]:
    """The bytes of a lossless file holding the first ``cut_at_s`` seconds of ``source``, and its media type.

    ``source`` is read twice (its layout, then its samples), so a file object must be seekable.
    """
    if cut_at_s <= 0:
        raise ValueError(f"the cut must be after the start of the recording; got {cut_at_s} s")
    layout = source_layout(source)
    chunks = encode_pcm(
        pcm_until(source, cut_at_s, layout), sample_rate=layout.sample_rate, channels=layout.channels, fmt=KEPT_FORMAT
    )
    return chunks, media_type(KEPT_FORMAT)


def _layout_name(channels: int) -> str:
    return "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
