"""Speech the transcript does not cover: where a channel plainly holds a voice but ASR wrote nothing.

Redaction and consent detection can only judge what was transcribed. A small model on narrow-band audio can
drop whole phrases (the VAD cut them, or decoding gave up), and nothing downstream would know: a card number
read in such a phrase would stay audible in the "redacted" recording. Measuring the gaps, from the audio's
energy and the transcript's times alone, lets the pipeline fail closed (send the call to a person) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.domain.transcript import Segment, Word
from callwarden.speech.activity import ChannelEnergy, spans_from_energy
from callwarden.speech.speakers import suppress_bleed

GAP_MIN_S = 1.5  # a voiced stretch this long with no words is a dropped phrase, not a breath or a cough
COVER_SLACK_S = 0.3  # word and segment times are approximate


@dataclass(frozen=True)
class Gap:
    """A stretch of one channel (None: the mono mix) with speech and no transcript."""

    channel: int | None
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, float | int | None]:
        return {"channel": self.channel, "start_s": round(self.start_s, 2), "end_s": round(self.end_s, 2)}


def _uncovered(start: float, end: float, covered: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Parts of [start, end) outside every interval of ``covered`` (sorted by start)."""
    parts: list[tuple[float, float]] = []
    cursor = start
    for a, b in covered:
        if b <= cursor or a >= end:
            continue
        if a > cursor:
            parts.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        parts.append((cursor, end))
    return parts


def heard(segments: Sequence[Segment]) -> list[Word | Segment]:
    """What ASR actually wrote, in time: each segment's words, or the segment where it has none. A long segment
    can hide a dropped phrase between two of its words (a card number read between "the routing number" and the
    next thing ASR caught)."""
    return [item for segment in segments for item in (segment.words or (segment,))]


def untranscribed_speech(
    energy: ChannelEnergy,
    row: int,
    segments: Sequence[Segment],
    *,
    channel: int | None,
    min_gap_s: float = GAP_MIN_S,
    bridge_s: float = 0.3,
) -> list[Gap]:
    """Voiced stretches of ``energy.db[row]`` (pauses up to ``bridge_s`` bridged) at least ``min_gap_s`` long that
    no segment covers and that are not another channel's voice leaking in."""
    voiced = spans_from_energy(
        energy.db[row], energy.hop_s, energy.win_s, bridge_s=bridge_s, min_speech_s=min_gap_s, pad_s=0.0
    )
    covered = sorted((s.start_s - COVER_SLACK_S, s.end_s + COVER_SLACK_S) for s in heard(segments))
    gaps = [
        Gap(channel, a, b) for start, end in voiced for a, b in _uncovered(start, end, covered) if b - a >= min_gap_s
    ]
    return suppress_bleed({row: gaps}, energy)[row]
