"""From a recording to speaker turns: decode, transcribe each party, attribute, measure.

Shared by the pipeline's transcribe stage and by ``callwarden analyze`` so that the stored transcript and the
one-off report come from exactly the same steps.

- Stereo (one party per channel, the dialer norm): each channel is transcribed on its own, segments that are
  only the other party leaking into this channel are dropped by comparing channel levels, and the channels'
  roles come from the configured mapping (VICIdial: agent left, prospect right), overridable per call.
- Mono: the whole mix is transcribed once, the voices are separated acoustically, and roles are assigned
  from what each voice says; how sure that is travels with every segment.
- Either way, voiced stretches the first decoding wrote nothing for are decoded again on their own
  (``speech.gapfill``) before anything else reads the words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from callwarden.audio.decode import decode_channels
from callwarden.audio.probe import AudioSource
from callwarden.domain.transcript import Segment, Speaker
from callwarden.speech.activity import frame_energy
from callwarden.speech.coverage import Gap, untranscribed_speech
from callwarden.speech.denoise import reduce_noise
from callwarden.speech.engine import SAMPLE_RATE, AsrEngine, AsrResult, stretch
from callwarden.speech.focus import (
    DENOISED_FLAG,
    RAISED_FLAG,
    RAISED_WARP,
    FocusedPass,
    FocusSettings,
    focused_pass_mono,
    focused_pass_stereo,
)
from callwarden.speech.gapfill import FilledGap, fill_gaps
from callwarden.speech.lowband import NARROWBAND_MAX_HZ, restore_low_band
from callwarden.speech.mono import separate_mono
from callwarden.speech.roles import assign_roles, mono_segments
from callwarden.speech.speakers import ChannelRoles, merge_channel_segments, suppress_bleed


@dataclass(frozen=True)
class Transcription:
    """Speaker turns of one recording with what made them and how far to trust the speakers."""

    segments: list[Segment]
    layout: str
    duration_s: float
    channels: int
    speaker_confidence: float
    engine: str
    model: str
    version: str
    asr: list[dict[str, Any]]
    compute_s: float
    focused: FocusedPass | None = None  # the consent-focused pass: evidence for consent only, not the transcript
    gaps: list[Gap] = field(default_factory=list)  # voiced stretches ASR wrote nothing for (speech.coverage)
    filled: list[FilledGap] = field(default_factory=list)  # stretches only the second decoding heard words in

    def transcript_json(self) -> dict[str, Any]:
        """The stored (encrypted) transcript: every segment with its words."""
        return {
            "engine": self.engine,
            "model": self.model,
            "version": self.version,
            "layout": self.layout,
            "speaker_confidence": self.speaker_confidence,
            "segments": [segment.to_dict() for segment in self.segments],
        }

    def summary(self) -> dict[str, Any]:
        """What may be stored in the clear: counts, engine, guard figures, no words."""
        return {
            "engine": self.engine,
            "model": self.model,
            "version": self.version,
            "layout": self.layout,
            "channels": self.channels,
            "duration_s": self.duration_s,
            "segments": len(self.segments),
            "words": sum(len(segment.words) for segment in self.segments),
            "speaker_confidence": self.speaker_confidence,
            "compute_s": round(self.compute_s, 3),
            "real_time_factor": round(self.compute_s / self.duration_s, 4) if self.duration_s else 0.0,
            "asr": self.asr,
            "consent_focus": self.focused.describe() if self.focused else None,
            "untranscribed_speech": [gap.to_dict() for gap in self.gaps],
            "refilled_speech": [filled.to_dict() for filled in self.filled],
        }


def _channel_segments(result: AsrResult, channel: int, roles: ChannelRoles) -> list[Segment]:
    return [
        Segment(
            speaker=roles.role(channel),
            start_s=segment.start_s,
            end_s=segment.end_s,
            text=segment.text.strip(),
            words=segment.words,
            channel=channel,
            flags=segment.flags,
        )
        for segment in result.segments
        if segment.text.strip()
    ]


DUAL_MONO_CORRELATION = 0.95  # two parties on two channels correlate near 0, even with bleed


def is_dual_mono(left: np.ndarray, right: np.ndarray) -> bool:
    """True when both channels carry the same mix (mono saved as stereo, as some dialers and encoders do).

    Transcribing such a file as two parties would put every word on both the agent and the prospect.
    """
    if left.size < 2 or right.size != left.size:
        return False
    a = left.astype(np.float64) - float(left.mean())
    b = right.astype(np.float64) - float(right.mean())
    norm = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return norm > 0.0 and float(np.dot(a, b)) / norm > DUAL_MONO_CORRELATION


def _line_hearings(focus: FocusSettings, source_rate: int) -> tuple[str, ...]:
    """How the focused pass hears the opening again besides as recorded: only where the recording came from a
    phone line (encoded at 8 kHz or less), as the settings ask."""
    return focus.line_hearings if 0 < source_rate <= NARROWBAND_MAX_HZ else ()


def _hearing_engine(engine: AsrEngine, hearing: str) -> AsrEngine:
    """The engine as `hearing` hears with it: the ``raised`` hearing hears the spectrum higher."""
    return engine.warped(RAISED_WARP) if hearing == RAISED_FLAG else engine


def _heard_opening(samples: np.ndarray, focus: FocusSettings, hearing: str) -> np.ndarray:
    """The part of a channel the focused pass hears (its window and a second more for the echo check's padding)
    as `hearing` hears it: low band restored, after the noise is turned down for ``denoised``. Only the opening:
    treating a two-hour channel would cost memory for nothing."""
    opening = stretch(samples, 0.0, focus.window_s + 1.0)
    if hearing == DENOISED_FLAG:
        opening = reduce_noise(opening)
    return restore_low_band(opening, SAMPLE_RATE)


def transcribe_recording(
    source: AudioSource,
    engine: AsrEngine,
    roles: ChannelRoles,
    *,
    max_duration_s: float | None = None,
    focus: FocusSettings | None = None,
) -> Transcription:
    """Decode ``source`` (a path or seekable file object) and return its speaker turns; with `focus` (enabled)
    also the consent-focused pass over the opening (``speech.focus``), kept apart from the turns."""
    started = time.perf_counter()
    audio = decode_channels(source, target_rate=SAMPLE_RATE, max_duration_s=max_duration_s)
    channels = audio.channel_count
    if channels >= 2 and not is_dual_mono(audio.samples[0], audio.samples[1]):
        pair = audio.samples[:2]
        energy = frame_energy(pair, SAMPLE_RATE)
        results: list[AsrResult] = []
        filled: list[FilledGap] = []
        for channel in (0, 1):
            samples = np.ascontiguousarray(pair[channel])
            result, refilled = fill_gaps(engine, samples, engine.transcribe(samples), energy, channel, channel)
            results.append(result)
            filled += refilled
        per_channel = {channel: _channel_segments(results[channel], channel, roles) for channel in (0, 1)}
        kept = suppress_bleed(per_channel, energy)
        segments = merge_channel_segments(kept, roles)
        gaps = [
            gap for channel in (0, 1) for gap in untranscribed_speech(energy, channel, kept[channel], channel=channel)
        ]
        layout, confidence = "stereo", 1.0
        focused = None
        if focus is not None and focus.enabled:
            agent = 1 if roles.role(1) == Speaker.AGENT else 0
            pair_order = (agent, 1 - agent)
            plain = results[1 - agent].words
            focused = focused_pass_stereo(engine, pair[agent], pair[1 - agent], focus, pair_order, plain)
            for hearing in _line_hearings(focus, audio.source_rate):
                agent_side, prospect_side = (_heard_opening(pair[c], focus, hearing) for c in pair_order)
                heard_by = _hearing_engine(engine, hearing)
                again = focused_pass_stereo(heard_by, agent_side, prospect_side, focus, pair_order, plain)
                focused = focused.joined(again, hearing)
    else:
        mono = np.ascontiguousarray(audio.samples[0])
        energy = frame_energy(mono, SAMPLE_RATE)
        result, filled = fill_gaps(engine, mono, engine.transcribe(mono), energy, 0, None)
        results = [result]
        separation = separate_mono(mono, sample_rate=SAMPLE_RATE)
        assignment = assign_roles(separation.spans, results[0].words, separation_confidence=separation.confidence)
        segments = mono_segments(separation, results[0].words, assignment)
        layout, confidence = "mono", assignment.confidence
        gaps = untranscribed_speech(energy, 0, segments, channel=None)
        focused = None
        if focus is not None and focus.enabled:
            focused = focused_pass_mono(engine, mono, segments, focus)
            for hearing in _line_hearings(focus, audio.source_rate):
                heard_by = _hearing_engine(engine, hearing)
                again = focused_pass_mono(heard_by, _heard_opening(mono, focus, hearing), segments, focus)
                focused = focused.joined(again, hearing)
    return Transcription(
        segments=segments,
        layout=layout,
        duration_s=round(audio.duration_s, 3),
        channels=channels,
        speaker_confidence=round(confidence, 3),
        engine=engine.name,
        model=engine.model,
        version=engine.version,
        asr=[{"channel": i if layout == "stereo" else None, **r.stats.to_dict()} for i, r in enumerate(results)],
        compute_s=time.perf_counter() - started,
        focused=focused,
        gaps=gaps,
        filled=filled,
    )
