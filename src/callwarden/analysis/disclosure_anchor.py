"""Short anchors that tie a recording word to the call: what is recorded ("this call") or why ("for training").

A small ASR model garbles most of a disclosure but tends to keep its short, frequent pieces: "I want you to know
our recorder is on for this call" came back as "I want you to know how it recorded in on for this call", and "I
keep a recording of these calls for training" as "I keep recording of Minkon for training". A recording word
tied to such an anchor is a disclosure even when the sentence around it matches no library phrase well.

"Tied" is strict, because a false disclosure hides a missing one, the error that hurts the person recorded:
- only grammar words ("is being", "in on for") may stand between the recording word and a call reference, so
  "I recorded your payment on the call last week" is not tied;
- between it and a purpose, at most one other word (a garbled "these calls", "I am being called");
- a call reference that is the start of a compound ("this call plan", "the line of products") is no anchor;
- a call (not a line: "the line to your house is monitored for faults") may carry a short phrase of its own
  before the passive verb: "every call with our team is recorded" ties, through the preposition that opens the
  phrase and an auxiliary right before the participle, with at most two content words in the phrase;
- "recording" said of oneself with nothing recorded after it ("I have been recording since we started", "we are
  recording now") is the speaker recording this call: a first-person subject and auxiliaries right before it, and
  after it the end of the words or an adverb, never an object ("I am recording a podcast");
- what is said on the call is a call reference too, as a free relative of a speech verb: "everything you say",
  "anything we discuss", "what you tell us", "all that is said"; only its subject, an object pronoun and "about"
  may stand in it, so "everything we sell" and "what we discuss next is your call plan" are not what is said;
- the bare words "record" and "records" are nouns more often than not ("a new company record for training", "we
  keep a record of every call", "record call volumes"): they are tied only as a verb with the call as its object,
  right after them ("we record every call", "our company records calls like this one"; a singular "call" only
  before "like this", where a small model drops the plural: "our company record call like this one"); "tape"
  ties that way too ("we tape calls like this one") or, as a noun, next to a call ("our conversation is on
  tape").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.analysis.disclosure_text import PhraseLibrary, occurrences

_REACH = 5  # at most this many words between the recording word and its anchor
_PURPOSE_CONTENT = 1  # other words allowed between a recording word and a purpose
BARE_NOUNS = frozenset({"record", "records"})
_TAPE_VERBS = frozenset({"tape", "tapes"})  # nouns too ("on tape"), but then they need a call reference nearby
_FIRST_PERSON = frozenset({"i", "we"})
_PROGRESSIVE_AUXILIARIES = frozenset(
    {"am", "are", "have", "has", "been", "be", "will", "shall", "also", "now", "still"}
)
_AFTER_NO_OBJECT = frozenset({"now", "since", "right", "today", "as", "while", "so", "and", "but", "just", "too"})
_OBJECT_LEADS = frozenset({"this", "these", "all", "every", "each", "our", "your", "my", "the"})
_PLAIN_OBJECTS = frozenset({"calls", "conversations"})
_SINGULAR_OBJECTS = frozenset({"call", "conversation"})
_GRAMMAR_TEXT = (
    "a an the this that these those our your my its it all every each is are am be being been was were will would "
    "may might can could shall should must get gets got getting and or in on for of to at with now here today also "
    "just always i we you they there going"
)
_GRAMMAR = frozenset(_GRAMMAR_TEXT.split())
_PARTICIPLES = frozenset({"recorded", "monitored", "taped"})
_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "being", "been"})
_PREPOSITIONS = frozenset({"with", "to", "from", "between", "about", "on", "at", "in"})
_CALLS = _PLAIN_OBJECTS | _SINGULAR_OBJECTS | {"chat"}
_QUALIFIER_CONTENT = 2  # content words the phrase after a call may hold ("with our sales team")
_COMPOUND_NOUNS = frozenset({"plan", "plans", "back", "center", "centre", "list", "history", "log", "logs", "of"})
# "everything you say": a free relative whose verb is speech, with its subject (or a passive "is said") inside
_RELATIVE_HEADS = frozenset({"everything", "anything", "whatever", "what", "all"})
_SPEAKERS = frozenset({"we", "you", "i", "they"})
_SPEECH_VERBS = frozenset(
    {"say", "says", "said", "tell", "tells", "told", "discuss", "discussed", "talk", "talked", "speak", "spoke",
     "mention", "mentioned", "share", "shared"}
)  # fmt: skip
_SPOKEN = frozenset({"said", "told", "discussed", "mentioned", "shared"})  # "everything said", "all that is said"
_SAID_OBJECTS = frozenset({"me", "us", "you", "them", "about"})


def _between(words: Sequence[str], k: int, start: int, end: int) -> Sequence[str] | None:
    """The words between position `k` and the span [start, end); None when `k` lies inside the span."""
    if start <= k < end:
        return None
    return words[k + 1 : start] if start > k else words[end:k]


def _tied(words: Sequence[str], k: int, spans: list[tuple[int, int]], allowed_content: int) -> bool:
    for start, end in spans:
        between = _between(words, k, start, end)
        if between is None:
            return True
        if len(between) <= _REACH and sum(w not in _GRAMMAR for w in between) <= allowed_content:
            return True
    return False


def _recording_ourselves(words: Sequence[str], k: int) -> bool:
    """Whether "recording" at `k` has a first-person subject, through auxiliaries only, and no object after it."""
    if words[k] != "recording":
        return False
    j = k - 1
    while j >= 0 and words[j] in _PROGRESSIVE_AUXILIARIES:
        j -= 1
    if j == k - 1 or j < 0 or words[j] not in _FIRST_PERSON:
        return False
    return k + 1 == len(words) or words[k + 1] in _AFTER_NO_OBJECT


def _calls_as_object(words: Sequence[str], k: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the bare "record(s)" at `k` takes the call as its object: a plural "calls" right after it, a
    singular one before "like this" (a dropped plural), or a call reference after nothing but determiners
    ("record all our calls")."""
    following = words[k + 1 : k + 4]
    if following[:1] and following[0] in _PLAIN_OBJECTS and following[1:2] != ["of"]:
        return not (following[1:2] and following[1] in _COMPOUND_NOUNS)
    if following[:1] and following[0] in _SINGULAR_OBJECTS and following[1:2] == ["like"]:
        return following[2:3] in (["this"], ["these"])
    return any(k < start <= k + 3 and all(w in _OBJECT_LEADS for w in words[k + 1 : start]) for start, _ in spans)


def _passive_subject(words: Sequence[str], k: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the participle at `k` has a call, qualified by a prepositional phrase, as its passive subject."""
    if words[k] not in _PARTICIPLES or k == 0 or words[k - 1] not in _AUXILIARIES:
        return False
    for start, end in spans:
        phrase = words[end:k]
        if start >= k or words[end - 1] not in _CALLS or not phrase or phrase[0] not in _PREPOSITIONS:
            continue
        if len(phrase) <= _REACH + 1 and sum(w not in _GRAMMAR for w in phrase) <= _QUALIFIER_CONTENT:
            return True
    return False


def _said_spans(words: Sequence[str]) -> list[tuple[int, int]]:
    """Spans naming what is said on the call ("everything you say", "anything we talk about", "all that is
    said"): a relative head, an optional "that", then a speaker pronoun and a speech verb, or "is" and a spoken
    participle, with object pronouns or "about" after it. Another word anywhere in it ends the match."""
    spans: list[tuple[int, int]] = []
    for i, head in enumerate(words):
        if head not in _RELATIVE_HEADS:
            continue
        j = i + 1 + (words[i + 1 : i + 2] == ["that"])
        rest = words[j : j + 2]
        if len(rest) == 2 and rest[0] in _SPEAKERS and rest[1] in _SPEECH_VERBS:
            end = j + 2  # "everything you say"
        elif len(rest) == 2 and rest[0] == "is" and rest[1] in _SPOKEN:
            end = j + 2  # "all that is said"
        elif rest[:1] and rest[0] in _SPOKEN:
            end = j + 1  # "everything said"
        else:
            continue
        while end < len(words) and words[end] in _SAID_OBJECTS and end - i < 6:
            end += 1
        spans.append((i, end))
    return spans


@dataclass(frozen=True)
class Anchors:
    """The call references and purposes in one run of words that no decoy covers (found once per run)."""

    words: Sequence[str]
    references: list[tuple[int, int]]
    purposes: list[tuple[int, int]]

    @classmethod
    def of(cls, words: Sequence[str], library: PhraseLibrary, vetoed: set[int]) -> Anchors:
        def usable(span: tuple[int, int]) -> bool:
            return not vetoed & set(range(*span))

        references = [
            span
            for span in occurrences(words, library.call_references) + _said_spans(words)
            if usable(span) and (span[1] >= len(words) or words[span[1]] not in _COMPOUND_NOUNS)
        ]
        purposes = [span for span in occurrences(words, library.purposes) if usable(span)]
        return cls(words, references, purposes)

    def tie(self, k: int) -> bool:
        """Whether the recording word at `k` is tied to one of them."""
        if self.words[k] in BARE_NOUNS:
            return _calls_as_object(self.words, k, self.references)
        return (
            (self.words[k] in _TAPE_VERBS and _calls_as_object(self.words, k, self.references))
            or _tied(self.words, k, self.references, 0)
            or _tied(self.words, k, self.purposes, _PURPOSE_CONTENT)
            or _passive_subject(self.words, k, self.references)
            or _recording_ourselves(self.words, k)
        )
