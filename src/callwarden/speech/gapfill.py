"""A second decoding for speech the first pass dropped: each untranscribed voiced stretch decoded on its own.

tiny.en, behind Silero VAD, drops whole phrases of narrow-band synthetic and accented voices: the VAD cuts a
phrase, or decoding ends early inside a 30 s window and the rest of that window is skipped. "By the way,
everything on this call is being recorded" was lost that way from a late-disclosure call whose text the same
model writes perfectly when it hears the phrase alone (bench/consent.py, ho-late-everything). So the stretches
that ``speech.coverage`` finds voiced but without words are decoded again, each as its own short window with no
VAD, and what is heard inside them joins the transcript, flagged ``gap_filled`` so every later decision can tell
those words from the first pass's. The silence and hallucination guards run on them as on any decoding; what
stays empty remains a gap, which redaction treats as unreviewed speech.

Words heard only on a second try are less certain than the rest, and filling a gap must not hide speech that
redaction could not check: each filled gap is reported (``FilledGap``, no words) with the mean confidence of
what was heard, so the PII stage can still send a call to a person when that confidence is low.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.speech.activity import ChannelEnergy
from callwarden.speech.coverage import Gap, untranscribed_speech
from callwarden.speech.engine import SAMPLE_RATE, AsrEngine, AsrResult, Float32Array, transcribe_stretch
from callwarden.speech.guards import AsrSegment

GAP_FILLED = "gap_filled"
_PAD_S = 0.3  # decoded around the gap, so a word cut at its edge is heard whole
# Pauses are bridged further than for the redaction-review gaps (0.3 s): a sentence said in phrases ("Perfect, your
# order is confirmed. Have a great day." as 0.4 s, 1.1 s and 0.9 s of voice) is a turn worth hearing, the agent
# turn that closes a PII answer window (tests/integration/test_pii_on_calls.py). Stretches stay at least as long
# as a review gap: a shorter hole inside a turn is more often the first pass's word times drifting than words
# dropped, and decoding it again wrote those words twice (tests/integration/test_speech_pipeline.py, mono).
FILL_BRIDGE_S = 0.6
_KEEP_SLACK_S = 0.2  # a word whose middle is this close to the gap belongs to it


@dataclass(frozen=True)
class FilledGap:
    """An untranscribed stretch that the second decoding heard words in, and how sure it was of them."""

    gap: Gap
    words: int
    probability: float  # mean word probability of what was heard there

    def to_dict(self) -> dict[str, float | int | None]:
        return {**self.gap.to_dict(), "words": self.words, "probability": round(self.probability, 3)}


def _as_segments(result: AsrResult) -> list[Segment]:
    return [Segment(Speaker.UNKNOWN, s.start_s, s.end_s, s.text, s.words) for s in result.segments]


def _inside(word: Word, gap: Gap) -> bool:
    middle = (word.start_s + word.end_s) / 2
    return gap.start_s - _KEEP_SLACK_S <= middle <= gap.end_s + _KEEP_SLACK_S


def _heard_in(engine: AsrEngine, audio: Float32Array, gap: Gap) -> list[AsrSegment]:
    start = max(0.0, gap.start_s - _PAD_S)
    end = min(audio.size / SAMPLE_RATE, gap.end_s + _PAD_S)
    found: list[AsrSegment] = []
    for segment in transcribe_stretch(engine, audio, start, end).segments:
        words = tuple(word for word in segment.words if _inside(word, gap))
        if words:
            text = " ".join(word.text.strip() for word in words)
            bounds = {"start_s": words[0].start_s, "end_s": words[-1].end_s}
            found.append(replace(segment, text=text, words=words, flags=(*segment.flags, GAP_FILLED), **bounds))
    return found


def fill_gaps(
    engine: AsrEngine, audio: Float32Array, result: AsrResult, energy: ChannelEnergy, row: int, channel: int | None
) -> tuple[AsrResult, list[FilledGap]]:
    """``result`` with what a VAD-free decoding of each untranscribed voiced stretch of ``audio`` heard, and the
    stretches that gained words.

    ``energy`` row ``row`` is ``audio``'s level (the other rows, the other channel's, tell its leak apart)."""
    first_pass = _as_segments(result)
    gaps = untranscribed_speech(energy, row, first_pass, channel=channel, bridge_s=FILL_BRIDGE_S)
    if not gaps:
        return result, []
    decoder = engine.unfiltered()
    added: list[AsrSegment] = []
    filled: list[FilledGap] = []
    for gap in gaps:
        heard = _heard_in(decoder, audio, gap)
        words = [word for segment in heard for word in segment.words]
        if words:
            added += heard
            filled.append(FilledGap(gap, len(words), sum(word.probability for word in words) / len(words)))
    if not added:
        return result, []
    segments = sorted([*result.segments, *added], key=lambda segment: segment.start_s)
    merged = replace(
        result,
        segments=segments,
        # a gap can lie between two words of one long segment: the words are put back in time order
        words=sorted((word for segment in segments for word in segment.words), key=lambda word: word.start_s),
        flags=tuple(sorted({*result.flags, GAP_FILLED})),
    )
    return merged, filled
