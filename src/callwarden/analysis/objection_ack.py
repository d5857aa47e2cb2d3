"""An objection known from the agent's answer to it: "Understood, I will turn off the recording."

A prospect's objection is often short and said over the agent, and a small ASR model misses it ("I would like
you not to record this conversation" came back as "I would like you to have a little bit of conversation"),
but an agent trained to stop recording says so, in words a script fixes. That acknowledgement is evidence that
the prospect objected, and the objection's time is the start of the prospect's turn before it.

Matching is strict, since "objected" restricts the call and schedules deletion:
- the acknowledgement must match a library phrase (``stop_acknowledgements``) almost entirely and agree with it
  on negation ("I will not turn it off" is no acknowledgement);
- a phrase that does not name the recording ("I will turn it off") counts only after something that makes "it"
  the recording: a disclosure less than a minute before, or a recording word in the prospect's turn;
- the prospect's turn must start at most ``_REPLY_WINDOW_S`` before the acknowledgement.
"""

from __future__ import annotations

from collections.abc import Sequence

from callwarden.analysis.disclosure_text import PhraseLibrary, best_aligned, normalise, recording_word
from callwarden.domain.disclosure import DisclosureHit, Objection
from callwarden.domain.transcript import Segment, Speaker

ACK_THRESHOLD = 88.0  # fuzz.ratio of a whole acknowledgement phrase against words of about its length
_REPLY_WINDOW_S = 20.0
_DISCLOSURE_REACH_S = 60.0
_NEGATIONS = frozenset({"not", "never", "no"})
_NEGATION_LEAD = 2  # words before a matched stretch that can still negate it
_LEAD_NEGATIONS = frozenset({"not", "never"})  # there, "no" is more often "no problem" or "no, I stopped it"
_AGENT_SIDE = frozenset({Speaker.AGENT, Speaker.UNKNOWN})


def _match(words: list[str], phrases: Sequence[str]) -> tuple[float, str]:
    """The best acknowledgement phrase in `words`, counting only windows that agree with it on negation."""

    def agrees(start: int, end: int, phrase: str) -> bool:
        lead = set(words[max(0, start - _NEGATION_LEAD) : start]) & _LEAD_NEGATIONS  # "I never stopped"
        return bool(lead or _NEGATIONS & set(words[start:end])) == bool(_NEGATIONS & set(phrase.split()))

    return best_aligned(words, phrases, agrees)


def _names_recording(words: Sequence[str], library: PhraseLibrary) -> bool:
    return any(recording_word(word, library) is not None for word in words)


def _objecting_turn(segments: Sequence[Segment], ack: Segment) -> Segment | None:
    """The last turn of someone else that starts before the acknowledgement, within the reply window."""
    before = [
        s
        for s in segments
        if s is not ack
        and s.text.strip()
        and ack.start_s - _REPLY_WINDOW_S <= s.start_s < ack.start_s
        and (s.speaker == Speaker.PROSPECT or (s.speaker == Speaker.UNKNOWN and ack.speaker == Speaker.UNKNOWN))
    ]
    return max(before, key=lambda s: s.start_s, default=None)


def acknowledged_objections(
    segments: Sequence[Segment], library: PhraseLibrary, disclosures: Sequence[DisclosureHit] = ()
) -> list[Objection]:
    """Objections evidenced by the agent stopping the recording, timed at the prospect's turn before it."""
    found: list[Objection] = []
    for segment in segments:
        if segment.speaker not in _AGENT_SIDE:
            continue
        words = normalise(segment.text)
        score, phrase = _match(words, library.stop_acknowledgements)
        if score < ACK_THRESHOLD:
            continue
        turn = _objecting_turn(segments, segment)
        if turn is None:
            continue
        if not _names_recording(phrase.split(), library):
            disclosed = any(segment.start_s - _DISCLOSURE_REACH_S <= h.at_s < segment.start_s for h in disclosures)
            if not disclosed and not _names_recording(normalise(turn.text), library):
                continue
        at_s = turn.words[0].start_s if turn.words else turn.start_s
        evidence = {
            "text": turn.text.strip(),
            "speaker": turn.speaker.value,
            "reason": "agent_acknowledged_stop",
            "acknowledgement": segment.text.strip(),
            "phrase": phrase,
            "score": round(score, 1),
            "library_version": library.version,
        }
        found.append(Objection(round(at_s, 2), evidence))
    return found
