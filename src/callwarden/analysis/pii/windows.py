"""Context windows: the stretch of a call in which the prospect answers an agent's request for PII.

When the agent asks for the card number, a social, a date of birth ("can I have the card number?"), whatever
the prospect says next is that data, whether or not ASR wrote recognisable digits. A window opens at the start
of the asking turn and closes at the next real agent turn that begins after the prospect started answering
(a backchannel such as "okay", "mm-hmm", "go on" does not close it), or ``max_s`` after the request ended,
whichever is first; with ``until="seconds"`` only the time limit closes it. In a mono call where nobody's
speaker is known, turns cannot be told apart, so a window runs for the time limit (or until the next request).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.analysis.pii.vocabulary import vocabulary
from callwarden.domain.pii import PiiType
from callwarden.domain.transcript import Segment, Speaker

_ASKERS = (Speaker.AGENT, Speaker.UNKNOWN)
_ANSWERERS = (Speaker.PROSPECT, Speaker.UNKNOWN)
_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")


@dataclass(frozen=True)
class Window:
    """``type`` asked for in segment ``request``; answers starting in [open_s, close_s) are that data."""

    type: PiiType
    request: int
    open_s: float
    close_s: float
    request_char: int  # where the request phrase ends in the request segment's text (its answer may follow)


_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def requested_type(text: str) -> tuple[PiiType, int] | None:
    """The PII an asking turn requests and where its request phrase ends, or None when it asks for none.

    The asking cue and the request phrase must share a sentence that is not a statement about the data
    ("you will get a confirmation email shortly" mentions an email but asks for none).
    """
    vocab = vocabulary()
    for sentence in _SENTENCE.finditer(text):
        part = sentence.group()
        if not vocab.asks.search(part) or vocab.statements.search(part):
            continue
        for kind, pattern in vocab.requests:
            match = pattern.search(part)
            if match:
                return kind, sentence.start() + match.end()
    return None


def is_backchannel(text: str) -> bool:
    """A short acknowledgement ("okay", "mm-hmm, go on") that lets the prospect keep talking."""
    words = _WORD.findall(text.lower())
    if not words or len(words) > 4:
        return not words
    vocab = vocabulary()
    joined = " ".join(words)
    return joined in vocab.backchannels or all(w in vocab.backchannels for w in words)


def find_windows(segments: Sequence[Segment], order: Sequence[int], *, until: str, max_s: float) -> list[Window]:
    """The context windows of a transcript; ``order`` lists segment indices by start time."""
    windows: list[Window] = []
    for pos, index in enumerate(order):
        seg = segments[index]
        if seg.speaker not in _ASKERS:
            continue
        asked = requested_type(seg.text)
        if asked is None:
            continue
        limit = seg.end_s + max_s
        close = limit
        if until == "next_agent_turn":
            close = min(limit, _next_agent_turn(segments, order[pos + 1 :], seg, limit))
        windows.append(Window(asked[0], index, seg.start_s, close, asked[1]))
    return windows


def _prospect_spoke(segments: Sequence[Segment], start_s: float, end_s: float) -> bool:
    """Whether the prospect said a word in [start_s, end_s), in any segment: one long prospect segment can run
    from before the request through the answer (ASR kept a whole stereo channel as one)."""
    for seg in segments:
        if seg.speaker is not Speaker.PROSPECT or seg.end_s <= start_s or seg.start_s >= end_s:
            continue
        if not seg.words or any(start_s <= word.start_s < end_s for word in seg.words):
            return True
    return False


def _next_agent_turn(segments: Sequence[Segment], later: Sequence[int], request: Segment, limit: float) -> float:
    """Start of the first real agent turn after the prospect began answering ``request``."""
    answered = False
    for index in later:
        seg = segments[index]
        if seg.start_s >= limit:
            break
        if seg.speaker is Speaker.PROSPECT and seg.start_s >= request.start_s:
            answered = True
        elif seg.speaker is Speaker.UNKNOWN and request.speaker is Speaker.UNKNOWN:
            if requested_type(seg.text) is not None:
                return seg.start_s
        elif (
            seg.speaker is Speaker.AGENT
            and (
                requested_type(seg.text) is not None
                or answered
                or _prospect_spoke(segments, request.start_s, seg.start_s)
            )
            and not is_backchannel(seg.text)
        ):
            return seg.start_s
    return limit


TOPIC_TURNS = 2  # how many of the agent's latest turns say what the prospect's digits are
TOPIC_MAX_S = 90.0


def topic_of(text: str) -> tuple[int, PiiType] | None:
    """The PII the text mentions last (even garbled: "current number", "free digit code"), with where."""
    hits = [(m.end(), kind) for kind, pattern in vocabulary().topics for m in pattern.finditer(text)]
    return max(hits, key=lambda hit: hit[0]) if hits else None


def recent_topic(segments: Sequence[Segment], order: Sequence[int], answer: int) -> PiiType | None:
    """What the agent's latest turns before segment ``answer`` were about, the latest mention first, or None.

    Unlike a window this needs no asking cue (ASR drops question marks and garbles requests); it only types
    the prospect's bare digit runs (see ``failclosed``).
    """
    seg = segments[answer]
    asked = [
        i
        for i in order
        if i != answer
        and segments[i].speaker in _ASKERS
        and segments[i].start_s < seg.start_s
        and segments[i].end_s > seg.start_s - TOPIC_MAX_S
    ]
    for index in reversed(asked[-TOPIC_TURNS:]):
        found = topic_of(segments[index].text)
        if found is not None:
            return found[1]
    return None
