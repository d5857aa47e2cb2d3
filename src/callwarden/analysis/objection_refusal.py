"""The prospect's first-person refusal of the recording, read by its grammar: "I will not be recorded", "I'm
not going to be taped", "I won't let you record me", "I did not allow this call to be recorded".

The phrase library matches what people say by example, and a refusal built from a modal and a passive ("I shall
not be recorded") is near none of its examples, though every listener hears it as an objection. So this reads the
structure itself: the speaker ("I"), a refusing auxiliary (will, shall, must, "am going to", and for a
permission verb also do or did) with its negation (not, never), then either being recorded ("be recorded", "get
taped") or a permission verb (allow, let, permit, accept, agree, consent, authorize) followed closely by a
recording word.

It reads a second shape the same way: the speaker saying how they feel about the recording. "I" and "am" (or
"feel"), then a negated positive word ("not okay", "not happy", "not comfortable") or a negative one
("uncomfortable", "unhappy", "against"), then the recording within a few words of nothing but a subject phrase:
"I'm not okay with you recording me", "I am uncomfortable being recorded", "I'm not happy about this call being
recorded". A negated negative ("I'm not against being recorded") objects to nothing, and neither does a feeling
about something else ("I'm not happy with my bill, record whatever you like").

A third shape is the speaker taking their consent back: "I withdraw my consent", "I'd like to revoke my
permission to record", "I'm taking back my consent". Said of anything, that must be the recording ("I withdraw
my consent to be contacted" is about calls, not the recording). Only the speaker's own wish may stand before the
verb, so "you can withdraw your consent at any time" and "I could withdraw my consent later" are not it.

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
_PERMISSION = frozenset({"allow", "let", "permit", "accept", "agree", "consent", "authorize", "authorise"})
# words after the permission verb that may hold the recording word ("let you record", "consent to any of this being
# recorded")
_PERMISSION_REACH = 6
# before the noun "record" these make it a record of something, not the act: "I do not let anyone keep a record of
# my purchases" refuses nothing about the call
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "our", "their", "his", "her", "any", "no", "this", "that"})
# the speaker taking consent back: "I (hereby | want to | would like to) withdraw (my) consent"
_WISHES = (("hereby",), ("now",), ("am",), ("want", "to"), ("would", "like", "to"), ("wish", "to"), ("need", "to"))
_REVOKING = frozenset({"withdraw", "withdrawing", "revoke", "revoking", "retract", "retracting"})
_TAKING = frozenset({"take", "taking"})  # ... with "back"
_GRANTS = frozenset({"consent", "permission", "agreement"})
_GRANT_REACH = 3  # the consent is at most this many words after the verb ("withdraw any of my consent")
# how the speaker feels about the recording: "I am not okay with ...", "I feel uncomfortable being ..."
_FEELING_VERBS = frozenset({"am", "feel"})
_DEGREE = frozenset({"really", "just", "so", "very", "quite", "totally", "definitely", "honestly", "at", "all"})
_AT_EASE = frozenset({"okay", "ok", "fine", "happy", "comfortable", "alright", "cool", "good"})
_ILL_AT_EASE = frozenset({"uncomfortable", "unhappy", "against", "opposed", "upset"})
_FEELING_LINKS = frozenset({"with", "about", "being", "getting", "to"})  # what opens the thing felt about
# what may follow the recording word, so it is the thing felt about and no compound ("the recording quality")
_OBJECT_ENDS = frozenset({"me", "us", "this", "that", "it", "of", "please", "now", "here", "and", "but", "so", "at",
                          "anymore", "either", "too", "without", "on", "going", "thing"})  # fmt: skip
_FEELING_REACH = 5  # the recording word stands at most this many words after the feeling
# the only words that may stand between the feeling and the recording word: "with you", "about this call being"
_ABOUT_FILLING = frozenset(
    {"with", "about", "to", "being", "getting", "you", "your", "me", "this", "that", "the", "my", "call", "any",
     "all", "of", "it", "a", "on"}
)  # fmt: skip


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


def _ill_at_ease_at(words: list[str], k: int, vetoed: set[int], library: PhraseLibrary) -> bool:
    """Whether "I" at `k` starts a feeling against the recording ("I'm not okay with you recording me")."""
    if words[k] != "i" or k + 1 >= len(words) or words[k + 1] not in _FEELING_VERBS:
        return False
    j = k + 2
    negated = False
    while j < len(words) and (words[j] in _DEGREE or words[j] in _NEGATIONS):
        negated = negated or words[j] in _NEGATIONS
        j += 1
    if j >= len(words) or words[j] not in (_AT_EASE if negated else _ILL_AT_EASE):
        return False
    if words[j] != "against" and words[j + 1 : j + 2] and words[j + 1] not in _FEELING_LINKS:
        return False  # "I am not comfortable, record it anyway": no link, the recording is not what is felt about
    for r in range(j + 1, min(len(words), j + 1 + _FEELING_REACH)):
        if r not in vetoed and _names_recording(words, r, library):
            return r + 1 == len(words) or words[r + 1] in _OBJECT_ENDS
        if words[r] not in _ABOUT_FILLING:
            return False
    return False


def _revoked_at(words: list[str], k: int, vetoed: set[int], library: PhraseLibrary) -> bool:
    """Whether "I" at `k` starts taking the speaker's consent back ("I withdraw my consent", "... to the
    recording"), not consent to something else ("I withdraw my consent to be contacted")."""
    if words[k] != "i":
        return False
    verb = k + 1
    for wish in _WISHES:
        if tuple(words[verb : verb + len(wish)]) == wish:
            verb += len(wish)
            break
    if verb >= len(words):
        return False
    if words[verb] in _TAKING and words[verb + 1 : verb + 2] == ["back"]:
        verb += 1
    elif words[verb] not in _REVOKING:
        return False
    grant = next((j for j in range(verb + 1, min(len(words), verb + 1 + _GRANT_REACH)) if words[j] in _GRANTS), None)
    if grant is None:
        return False
    after = range(grant + 1, min(len(words), grant + 1 + _GRANT_REACH + 1))
    # said alone, it answers the recording just disclosed; said of something, that thing must be the recording
    return grant + 1 == len(words) or any(j not in vetoed and _names_recording(words, j, library) for j in after)


def _refused_at(words: list[str], vetoed: set[int], library: PhraseLibrary) -> int | None:
    """Index of the "I" of a first-person refusal of the recording in `words`, or None."""
    for k in range(len(words)):
        if _ill_at_ease_at(words, k, vetoed, library) or _revoked_at(words, k, vetoed, library):
            return k
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
