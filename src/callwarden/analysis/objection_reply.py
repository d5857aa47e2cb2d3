"""A refusal that points back at the recording just mentioned: "Is this being recorded? I don't want that.", or
the prospect's "Stop it." right after the agent's "This call is recorded."

Such a refusal names nothing itself, and the same words answer an offer ("Would you like our premium plan?" "I
don't want that."), so it counts only when it is said right after the recording was mentioned:
- the refusal (``refusals_of_mention`` in the phrase library) is the whole of what the prospect says there, give
  or take a lead-in ("oh", "wait", "no") and a tail ("please", "now", "thanks");
- one of the ``_MENTION_REACH`` words before it, said by anyone less than ``_MENTION_REACH_S`` earlier, is a
  recording word that no decoy covers ("our records", "track record"), with no sentence of someone else's in
  between that could have changed the subject;
- inside a longer sentence (a transcript without punctuation), the refusal follows the recording word closely
  ("are you recording me stop that");
- the mention does not offer to stop the recording: after "I can stop the recording if you like", "Please don't"
  means keep it.

The time is the start of the prospect's own question when they asked about the recording themselves ("Are you
recording me? Stop that." is one objection from its first word), otherwise the start of the refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from callwarden.analysis.disclosure_text import (
    PROSPECT_SIDE,
    PhraseLibrary,
    Token,
    covered,
    recording_word,
    sentences_of,
    tokens_of,
)
from callwarden.domain.disclosure import Objection
from callwarden.domain.transcript import Segment, Speaker

_MENTION_REACH = 8  # words before the refusal that may hold the recording word
_MENTION_REACH_S = 8.0
_RUN_ON_GAP = 3  # at most this many words from the recording word to a refusal in the same unpunctuated sentence
_LEAD_TEXT = "no oh well wait hey um uh hmm hm actually sorry so look"
_LEADS = frozenset(_LEAD_TEXT.split())
_TAIL_TEXT = "please now then thanks thank you right away at all sir madam okay"
_TAILS = frozenset(_TAIL_TEXT.split())
# words of a mention that offers to stop the recording ("I can stop the recording if you like"): a bare "Please
# don't" or "I don't want that" after it asks to keep recording as often as to stop, so it is no evidence either way
_STOPPING = frozenset({"stop", "off", "pause", "end", "delete", "erase", "remove", "cut"})
_OFFERING = frozenset({"i", "we", "if"})


def _refusal_at(words: list[str], phrases: Sequence[str]) -> tuple[int, str] | None:
    """(start, phrase) of a refusal that, with its lead-in and tail, is the whole of `words` from some point on."""
    for phrase in phrases:
        size = len(phrase.split())
        for start in range(len(words) - size + 1):
            rest = words[start + size :]
            if " ".join(words[start : start + size]) == phrase and all(w in _TAILS for w in rest):
                return start, phrase
    return None


def _mention(tokens: list[Token], before: int, library: PhraseLibrary) -> int | None:
    """Index of the latest recording word among the reach before token `before`, or None; the words from the
    first in reach up to `before` must all be said within the reach in time and hold no other speaker's sentence
    after the mention."""
    first = max(0, before - _MENTION_REACH)
    reach = [t for t in tokens[first:before] if tokens[before].at_s - t.at_s <= _MENTION_REACH_S]
    offset = before - len(reach)
    words = [t.text for t in reach]
    decoyed = covered(words, library.decoys)
    for k in range(len(reach) - 1, -1, -1):
        if k not in decoyed and recording_word(words[k], library) is not None:
            later = reach[k + 1 :]
            changed = any(t.sentence_start and t.speaker != tokens[before].speaker for t in later)
            return None if changed else offset + k
    return None


def _sentence_opening(tokens: list[Token], index: int) -> int:
    """Index of the first token of the sentence holding token `index`, within its segment."""
    start = index
    while start > 0 and not tokens[start].sentence_start and tokens[start - 1].segment == tokens[index].segment:
        start -= 1
    return start


def _sentence_around(tokens: list[Token], index: int, stop: int) -> list[str]:
    """The words of the sentence holding token `index`, within its segment and before token `stop`."""
    segment = tokens[index].segment
    start = _sentence_opening(tokens, index)
    end = index + 1
    while end < stop and not tokens[end].sentence_start and tokens[end].segment == segment:
        end += 1
    return [t.text for t in tokens[start:end]]


def _offers_to_stop(words: list[str]) -> bool:
    """Whether a sentence offers to stop the recording ("I can stop the recording if you like", "we will turn it
    off"): a stopping word with the speaker's own "I" or "we", or an "if", not a request ("shut the recorder
    off")."""
    return bool(_STOPPING & set(words)) and bool(_OFFERING & set(words))


def _objection_start(tokens: list[Token], mention: int, refusal: int) -> int:
    """Where the objection starts: the prospect's own sentence holding the mention when they asked it in the same
    turn, otherwise the refusal with the lead-in words before it ("No. Stop it.")."""
    if tokens[mention].speaker != tokens[refusal].speaker or tokens[mention].segment != tokens[refusal].segment:
        start = refusal
        while start > 0 and tokens[start - 1].segment == tokens[refusal].segment and tokens[start - 1].text in _LEADS:
            start -= 1
        return start
    return _sentence_opening(tokens, mention)


def referring_refusals(segments: Sequence[Segment], library: PhraseLibrary) -> list[Objection]:
    """The prospect's refusals of the recording mentioned right before them, one per sentence."""
    tokens = tokens_of(segments, frozenset(Speaker))
    found: list[Objection] = []
    for sentence in sentences_of(tokens, segments):
        if tokens[sentence[0]].speaker not in PROSPECT_SIDE:
            continue
        words = [tokens[i].text for i in sentence]
        refusal = _refusal_at(words, library.refusals_of_mention)
        if refusal is None:
            continue
        start, phrase = refusal
        mention = _mention(tokens, sentence[start], library)
        if mention is None or _offers_to_stop(_sentence_around(tokens, mention, sentence[start])):
            continue
        run_on = sentence[start] - mention <= _RUN_ON_GAP  # "are you recording me stop that", unpunctuated
        if any(w not in _LEADS for w in words[:start]) and not run_on:
            continue  # the refusal ends a longer sentence about something else
        opening = _objection_start(tokens, mention, sentence[start])
        segment = segments[tokens[sentence[0]].segment]
        evidence = {
            "text": segment.text.strip(),
            "matched": " ".join(t.text for t in tokens[mention : sentence[-1] + 1]),
            "speaker": tokens[sentence[0]].speaker.value,
            "reason": "refused_the_recording_just_mentioned",
            "phrase": phrase,
            "library_version": library.version,
        }
        found.append(Objection(round(tokens[opening].at_s, 2), evidence))
    return found
