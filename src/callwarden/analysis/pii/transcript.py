"""PII in a call's transcript: text detection in every turn plus context windows over the prospect's answers.

Every span is widened to whole words, so the redacted text and the redacted words agree and the span's times
come straight from word timings (segment times when a segment has no words). The returned segments hold no
PII: their text has placeholders, and the words inside each span are replaced by one placeholder word that
keeps the span's start and end. A call needs human review when a span's confidence is below
``review_below`` or a context window held speech that nothing recognised (it was redacted on context alone).
In a prospect's turn (or a mono call's) bare digit runs nothing typed are redacted too, typed by what the
agent's recent turns were about (``windows.recent_topic``), at low confidence (``failclosed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from callwarden.analysis.pii.spoken import tokenize
from callwarden.analysis.pii.text import detect, merge, redact_text
from callwarden.analysis.pii.vocabulary import vocabulary
from callwarden.analysis.pii.windows import Window, find_windows, recent_topic
from callwarden.domain.pii import PiiSource, PiiSpan, TextSpan
from callwarden.domain.transcript import Segment, Speaker, Word

PII_DETECTOR_VERSION = "1.4"
CONTEXT_CONFIDENCE = 0.7  # context-only span in a window where something else was recognised
BLIND_CONFIDENCE = 0.5  # context-only span in a window where nothing was
ANSWER_OVERLAP_S = 0.5  # an answer may start this much before the request's last word ends
_UNTIL = ("next_agent_turn", "seconds")


@dataclass(frozen=True)
class PiiSettings:
    """How far a context window reaches and when a call goes to human review."""

    context_until: str = "next_agent_turn"
    context_max_s: float = 45.0
    review_below: float = 0.6

    def __post_init__(self) -> None:
        if self.context_until not in _UNTIL:
            raise ValueError(f"context_until must be one of {', '.join(_UNTIL)}, not {self.context_until!r}")
        if self.context_max_s <= 0:
            raise ValueError(f"context_max_s must be positive, not {self.context_max_s}")
        if not 0 <= self.review_below <= 1:
            raise ValueError(f"review_below must be between 0 and 1, not {self.review_below}")


@dataclass(frozen=True)
class TranscriptPii:
    """What was found, the transcript with it removed, and whether a person must check the redaction."""

    spans: tuple[PiiSpan, ...]
    segments: tuple[Segment, ...]
    needs_review: bool
    version: str = PII_DETECTOR_VERSION
    review_reasons: tuple[str, ...] = field(default=())
    answer_windows: tuple[PiiSpan, ...] = field(default=())

    @property
    def audio_spans(self) -> tuple[PiiSpan, ...]:
        """What audio redaction mutes: every finding, and every answer window by time (ASR may have written
        nothing, or something unrecognisable, for what the prospect said there)."""
        return tuple(sorted((*self.spans, *self.answer_windows), key=lambda s: (s.start_s, s.end_s)))

    def report(self) -> list[dict[str, Any]]:
        """The analyze report's ``pii[]``."""
        keys = ("type", "speaker", "start_s", "end_s", "confidence", "source")
        return [{k: v for k, v in span.to_dict().items() if k in keys} for span in self.spans]


def _word_offsets(seg: Segment) -> tuple[str, list[tuple[int, int]]]:
    """The text to search and each word's character range in it (the words joined when they do not align)."""
    cursor, offsets = 0, []
    for word in seg.words:
        token = word.text.strip()
        at = seg.text.find(token, cursor) if token else cursor
        if at < 0:
            break
        offsets.append((at, at + len(token)))
        cursor = at + len(token)
    else:
        return seg.text, offsets
    text = " ".join(w.text.strip() for w in seg.words)
    offsets, cursor = [], 0
    for word in seg.words:
        token = word.text.strip()
        offsets.append((cursor, cursor + len(token)))
        cursor += len(token) + 1
    return text, offsets


def _context_spans(text: str, start: int, end: int, found: Sequence[TextSpan], window: Window) -> list[TextSpan]:
    """The answer's words in [start, end) that no detector typed and that are not fillers, as the window's type."""
    fillers = vocabulary().fillers
    covered = [(s.start, s.end) for s in found]
    spans: list[TextSpan] = []
    run: list[tuple[int, int]] = []
    recognised = any(s.start < end and start < s.end for s in found)
    confidence = CONTEXT_CONFIDENCE if recognised else BLIND_CONFIDENCE

    def flush() -> None:
        while run and text[run[-1][0] : run[-1][1]].lower() in fillers:
            run.pop()
        if run:
            spans.append(TextSpan(window.type, run[0][0], run[-1][1], confidence, PiiSource.CONTEXT))
        run.clear()

    for tok in tokenize(text[start:end]):
        a, b = tok.start + start, tok.end + start
        if not tok.text[0].isalnum():  # spaces and punctuation
            continue
        if any(x < b and a < y for x, y in covered):
            flush()
        elif run or tok.lower not in fillers:
            run.append((a, b))
    flush()
    return spans


def _widen(spans: Sequence[TextSpan], offsets: Sequence[tuple[int, int]], text: str) -> list[TextSpan]:
    widened = []
    for span in spans:
        inside = [(a, b) for a, b in offsets if a < span.end and span.start < b]
        start = min([span.start, *(a for a, _ in inside)])
        end = max([span.end, *(b for _, b in inside)])
        widened.append(replace(span, start=start, end=end))
    return merge(widened, text)


def _redact_segment(seg: Segment, text: str, offsets: Sequence[tuple[int, int]], spans: Sequence[TextSpan]) -> Segment:
    words: list[Word] = []
    placed: set[int] = set()
    for word, (a, b) in zip(seg.words, offsets, strict=False):
        hit = next((i for i, s in enumerate(spans) if a < s.end and s.start < b), None)
        if hit is None:
            words.append(word)
            continue
        if hit in placed:
            last = words[-1]
            words[-1] = replace(
                last, end_s=max(last.end_s, word.end_s), probability=min(last.probability, word.probability)
            )
            continue
        placed.add(hit)
        words.append(Word(spans[hit].type.placeholder, word.start_s, word.end_s, word.probability))
    return replace(seg, text=redact_text(text, spans), words=tuple(words))


def _times(seg: Segment, offsets: Sequence[tuple[int, int]], span: TextSpan) -> tuple[float, float]:
    inside = [w for w, (a, b) in zip(seg.words, offsets, strict=False) if a < span.end and span.start < b]
    if not inside:
        return seg.start_s, seg.end_s
    return inside[0].start_s, inside[-1].end_s


def find_pii_in_segments(segments: Sequence[Segment], settings: PiiSettings = PiiSettings()) -> TranscriptPii:
    """PII in a transcript (see the module docstring); segments may interleave and overlap in any order."""
    order = sorted(range(len(segments)), key=lambda i: (segments[i].start_s, segments[i].end_s))
    windows = find_windows(segments, order, until=settings.context_until, max_s=settings.context_max_s)
    spans: list[PiiSpan] = []
    redacted = list(segments)
    reasons: list[str] = []
    for index, seg in enumerate(segments):
        text, offsets = _word_offsets(seg)
        mine = [w for w in windows if _answers(seg, index, w)]
        hint = mine[-1].type if mine else None
        answering = seg.speaker in (Speaker.PROSPECT, Speaker.UNKNOWN)
        topic = hint or (recent_topic(segments, order, index) if answering else None)
        found = detect(text, hint, fail_closed=answering, topic=topic)
        for window in mine:
            start, end = _answer_range(seg, index, text, offsets, window)
            if start >= end:
                continue
            context = _context_spans(text, start, end, found, window)
            if context and all(c.confidence == BLIND_CONFIDENCE for c in context):
                reasons.append(f"segment {index}: {window.type.value} window with nothing recognisable")
            found = merge([*found, *context], text)
        found = _widen(found, offsets, text) if seg.words else found
        redacted[index] = _redact_segment(seg, text, offsets, found)
        for span in found:
            start_s, end_s = _times(seg, offsets, span)
            spans.append(
                PiiSpan(span.type, seg.speaker, start_s, end_s, span.confidence, span.source, index, seg.channel)
            )
            if span.confidence < settings.review_below:
                reasons.append(f"segment {index}: {span.type.value} at confidence {span.confidence:.2f}")
    spans.sort(key=lambda s: (s.start_s, s.end_s))
    answers = _answer_windows(segments, windows, reasons)
    return TranscriptPii(
        tuple(spans), tuple(redacted), bool(reasons), PII_DETECTOR_VERSION, tuple(dict.fromkeys(reasons)), answers
    )


SILENT_WINDOW_S = 1.5  # an answer window this long in which ASR wrote nothing for the prospect needs a person


def _answer_windows(segments: Sequence[Segment], windows: Sequence[Window], reasons: list[str]) -> tuple[PiiSpan, ...]:
    """Each context window as a span of time on the answering party's channel, from the end of the request.

    The words found inside are already spans; this covers the audio ASR wrote nothing for (a read-out it
    dropped, a turn it merged away). On a stereo call only the prospect's channel is muted there; on a mono
    call (no channel) the whole mix is, up to the next agent turn.
    """
    channels = {seg.channel for seg in segments if seg.speaker is Speaker.PROSPECT and seg.channel is not None}
    channel = channels.pop() if len(channels) == 1 else None
    answers: list[PiiSpan] = []
    for window in windows:
        request = segments[window.request]
        start = max(window.open_s, request.end_s - ANSWER_OVERLAP_S)
        if window.close_s <= start:
            continue
        heard = any(
            seg.speaker in (Speaker.PROSPECT, Speaker.UNKNOWN) and seg.start_s < window.close_s and seg.end_s > start
            for i, seg in enumerate(segments)
            if i != window.request
        )
        if not heard and window.close_s - start >= SILENT_WINDOW_S:
            reasons.append(f"segment {window.request}: {window.type.value} asked for, no answer transcribed")
        speaker = Speaker.PROSPECT if request.speaker is Speaker.AGENT else Speaker.UNKNOWN
        confidence = CONTEXT_CONFIDENCE if heard else BLIND_CONFIDENCE
        answers.append(
            PiiSpan(window.type, speaker, start, window.close_s, confidence, PiiSource.CONTEXT, window.request, channel)
        )
    return tuple(answers)


def _answers(seg: Segment, index: int, window: Window) -> bool:
    """Whether ``seg`` holds an answer inside ``window``."""
    if index == window.request:
        return seg.speaker is Speaker.UNKNOWN
    if seg.speaker not in (Speaker.PROSPECT, Speaker.UNKNOWN):
        return False
    return seg.start_s < window.close_s and seg.end_s > window.open_s


def _answer_range(
    seg: Segment, index: int, text: str, offsets: Sequence[tuple[int, int]], window: Window
) -> tuple[int, int]:
    """Characters of ``seg`` spoken inside the window (after the request phrase when ``seg`` is the request)."""
    floor = window.request_char if index == window.request else 0
    if not seg.words:
        return (floor, len(text)) if seg.start_s < window.close_s else (0, 0)
    inside = [
        (a, b)
        for w, (a, b) in zip(seg.words, offsets, strict=False)
        if window.open_s <= w.start_s < window.close_s and a >= floor
    ]
    return (inside[0][0], inside[-1][1]) if inside else (0, 0)
