"""The prospect's first-person refusal of the recording, read by its grammar: "I will not be recorded", "I'm
not going to be taped", "I won't let you record me", "I did not allow this call to be recorded".

The phrase library matches what people say by example, and a refusal built from a modal and a passive ("I shall
not be recorded") is near none of its examples, though every listener hears it as an objection. So this reads the
structure itself: the speaker ("I"), a refusing auxiliary (will, shall, must, "am going to", and for a
permission verb also do or did) with its negation (not, never), then either being recorded ("be recorded", "get
taped") or a permission verb (allow, let, permit, accept, agree, consent) followed closely by a recording word.

The subject must be the speaker's own "I": "you will not be recorded" is an agent's promise. A sentence the
recogniser ended with a question mark asks ("So I won't be recorded?") and does not count; neither does one a
canceller turns around ("I will not be recorded? Oh, that's fine") or a decoy's recording word ("I will not
agree to that, it's against our records policy"). The time is the first word of the sentence, as for every
other objection.
"""

from __future__ import annotations

from collections.abc import Sequence

from callwarden.analysis.disclosure_text import (
    PROSPECT_SIDE,
    PhraseLibrary,
    cancelled,
    covered,
    recording_word,
    sentences_of,
    tokens_of,
)
from callwarden.domain.disclosure import Objection
from callwarden.domain.transcript import Segment

_NEGATIONS = frozenset({"not", "never"})
_FUTURE = frozenset({"will", "shall", "must"})  # "I will not be recorded"; "am" needs "going to" after it
_PAST_OR_HABIT = frozenset({"do", "did"})  # "I do not allow ...", only before a permission verb
_GOING = (("going", "to"), ("gonna",))
_PASSIVE = frozenset({"be", "get"})
_PARTICIPLES = frozenset({"recorded", "taped", "monitored"})
_PERMISSION = frozenset({"allow", "let", "permit", "accept", "agree", "consent"})
# words after the permission verb that may hold the recording word ("let you record", "consent to any of this being
# recorded")
_PERMISSION_REACH = 6
# before the noun "record" these make it a record of something, not the act: "I do not let anyone keep a record of
# my purchases" refuses nothing about the call
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "our", "their", "his", "her", "any", "no", "this", "that"})


def _after_auxiliary(words: list[str], k: int) -> tuple[int, bool] | None:
    """Where the verb starts after a refusing "I" at `k`, and whether only a permission verb may follow; None
    when `k` does not start one."""
    if words[k] != "i" or k + 2 >= len(words):
        return None
    aux, negation = words[k + 1], words[k + 2]
    if negation not in _NEGATIONS:
        return None
    verb = k + 3
    if aux in _FUTURE:
        return verb, False
    if aux in _PAST_OR_HABIT:
        return verb, True
    if aux == "am":
        for going in _GOING:
            if tuple(words[verb : verb + len(going)]) == going:
                return verb + len(going), False
    return None


def _names_recording(words: list[str], j: int, library: PhraseLibrary) -> bool:
    """Whether word `j` speaks of recording: a recording word, but not the noun "record" or "records" after a
    determiner."""
    if recording_word(words[j], library) is None:
        return False
    return not (words[j] in ("record", "records") and j > 0 and words[j - 1] in _DETERMINERS)


def _refused_at(words: list[str], vetoed: set[int], library: PhraseLibrary) -> int | None:
    """Index of the "I" of a first-person refusal of the recording in `words`, or None."""
    for k in range(len(words)):
        found = _after_auxiliary(words, k)
        if found is None:
            continue
        verb, permission_only = found
        if verb + 1 >= len(words):
            continue
        if not permission_only and words[verb] in _PASSIVE:
            heard = recording_word(words[verb + 1], library)
            if heard is not None and heard[0] in _PARTICIPLES and verb + 1 not in vetoed:
                return k
        if words[verb] in _PERMISSION:
            reach = range(verb + 1, min(len(words), verb + 1 + _PERMISSION_REACH))
            if any(j not in vetoed and _names_recording(words, j, library) for j in reach):
                return k
    return None


def first_person_refusals(segments: Sequence[Segment], library: PhraseLibrary) -> list[Objection]:
    """The prospect's first-person refusals of the recording, one per sentence, in time order."""
    tokens = tokens_of(segments, PROSPECT_SIDE)
    found: list[Objection] = []
    for sentence in sentences_of(tokens, segments):
        words = [tokens[i].text for i in sentence]
        at = _refused_at(words, covered(words, library.decoys), library)
        if at is None or tokens[sentence[-1]].asks or cancelled(words, library):
            continue
        first = tokens[sentence[0]]
        evidence = {
            "text": segments[first.segment].text.strip(),
            "matched": " ".join(words[at:]),
            "speaker": first.speaker.value,
            "reason": "first_person_refusal",
            "library_version": library.version,
        }
        found.append(Objection(round(first.at_s, 2), evidence))
    return found
