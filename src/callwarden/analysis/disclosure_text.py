"""The text side of disclosure and objection detection: how words are normalised, the phrase library, and the
chosen speakers' words as timed tokens split into runs that never bridge a long pause.

Shared by verbal disclosure detection (``analysis.disclosure_match``) and objection detection
(``analysis.objection``), so both see a transcript in exactly the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from callwarden.domain.disclosure import DisclosurePolicy
from callwarden.domain.transcript import Segment, Speaker

JOIN_GAP_S = 1.5  # windows run across a segment boundary only when the turns are this close
PAUSE_S = 2.0  # word starts further apart than this are in different sentences, whatever the punctuation says
# who can object or answer: the prospect, and a voice the separation left unnamed (it may be theirs)
PROSPECT_SIDE = frozenset({Speaker.PROSPECT, Speaker.UNKNOWN})
SENTENCE_BACK = 14  # a hit's time moves back to its sentence start when that is at most this many tokens back
_NUMBER_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\b(it|that|there|what|he|she|this)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
)
_NUMBERS = dict(enumerate(_NUMBER_TEXT.split()))
_SPELLING = {"ok": "okay", "cannot": "can not", "dont": "do not", "im": "i am", "recordin": "recording"}
_SENTENCE_END = re.compile(r"[.?!]$")
_GARBLE_TARGETS = ("recorded", "recording")
_GARBLE_SIMILARITY = 0.8
_STEM_LETTERS = 5  # a shorter stem is no evidence that two words are one
_SUFFIXES = ("ing", "ed", "er", "s")


def normalise(text: str) -> list[str]:
    """Words as the matcher compares them: lowercase, contractions expanded, small numbers spelt out, no
    punctuation, hyphenated words split, and "re corded"-style splits of recorded/recording joined."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")
    for pattern, replacement in _CONTRACTIONS:
        folded = pattern.sub(replacement, folded)
    folded = re.sub(r"[-\u2010-\u2014/_]+", " ", folded)
    words: list[str] = []
    for raw in re.sub(r"[^\w\s]", " ", folded).split():
        if raw.isdigit() and int(raw) in _NUMBERS:
            words.append(_NUMBERS[int(raw)])
        else:
            words.extend(_SPELLING.get(raw, raw).split())
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] == "re" and word.startswith("cord"):
            joined[-1] = "re" + word
        else:
            joined.append(word)
    return joined


@dataclass(frozen=True)
class PhraseLibrary:
    """The shipped phrase library (``rules/disclosure_phrases.json``), normalised, possibly with a policy's edits."""

    version: str
    disclosure: tuple[str, ...]
    objection: tuple[str, ...]
    consent: tuple[str, ...]
    refusal: tuple[str, ...]
    refusals_of_mention: tuple[str, ...]  # "I don't want that": an objection only right after the recording is named
    cancellers: tuple[tuple[str, ...], ...]
    stop_acknowledgements: tuple[str, ...]  # the agent saying the recording stopped: an objection came before
    decoys: tuple[tuple[str, ...], ...]
    call_references: tuple[tuple[str, ...], ...]  # "this call", "our conversation": what is being recorded
    purposes: tuple[tuple[str, ...], ...]  # "for training", "quality purposes": why it is being recorded
    recording_words: frozenset[str]
    context_words: frozenset[str]

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PhraseLibrary:
        def texts(key: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(" ".join(normalise(p)) for p in raw.get(key, ()) if normalise(p)))

        return cls(
            version=str(raw.get("version", "unversioned")),
            disclosure=texts("disclosure"),
            objection=texts("objection"),
            consent=texts("consent"),
            refusal=texts("refusal"),
            refusals_of_mention=texts("refusals_of_mention"),
            cancellers=tuple(tuple(p.split()) for p in texts("objection_cancellers")),
            stop_acknowledgements=texts("stop_acknowledgements"),
            decoys=tuple(tuple(p.split()) for p in texts("decoys")),
            call_references=tuple(tuple(p.split()) for p in texts("call_references")),
            purposes=tuple(tuple(p.split()) for p in texts("purposes")),
            recording_words=frozenset(raw.get("recording_words", ())),
            context_words=frozenset(raw.get("context_words", ())),
        )

    @classmethod
    def shipped(cls) -> PhraseLibrary:
        """The library shipped with callwarden."""
        text = files("callwarden.rules").joinpath("disclosure_phrases.json").read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    def for_policy(self, policy: DisclosurePolicy) -> PhraseLibrary:
        """This library with a campaign's additions and replacements applied."""

        def merged(base: tuple[str, ...], extra: Sequence[str], instead: Sequence[str]) -> tuple[str, ...]:
            chosen = [" ".join(normalise(p)) for p in (instead or base)] + [" ".join(normalise(p)) for p in extra]
            return tuple(dict.fromkeys(p for p in chosen if p))

        return replace(
            self,
            disclosure=merged(self.disclosure, policy.extra_disclosure_phrases, policy.replace_disclosure_phrases),
            objection=merged(self.objection, policy.extra_objection_phrases, policy.replace_objection_phrases),
            consent=merged(self.consent, policy.extra_consent_phrases, ()),
        )


@dataclass(frozen=True)
class Token:
    """One normalised word with its time, speaker, segment index, whether it opens a sentence and whether the
    recogniser ended it with a question mark (a question about the recording is an inquiry, not a refusal)."""

    text: str
    at_s: float
    speaker: Speaker
    segment: int
    sentence_start: bool
    asks: bool = False


def tokens_of(segments: Sequence[Segment], speakers: frozenset[Speaker]) -> list[Token]:
    """The chosen speakers' words in time order, each with its time and whether it opens a sentence."""
    out: list[Token] = []
    for index, segment in sorted(enumerate(segments), key=lambda item: item[1].start_s):
        if segment.speaker not in speakers:
            continue
        pieces = [(w.text, w.start_s) for w in segment.words] or [(segment.text, segment.start_s)]
        opens = True
        for text, at_s in pieces:
            words = normalise(text)
            asks = text.strip().endswith("?")
            for position, word in enumerate(words):
                last = position == len(words) - 1
                out.append(Token(word, at_s, segment.speaker, index, opens and position == 0, asks and last))
                opens = False
            if ends_sentence(text):
                opens = True
    return out


def sentences_of(tokens: list[Token], segments: Sequence[Segment]) -> list[list[int]]:
    """Token indices grouped into sentences. A segment opens a sentence unless it goes on with the same speaker's
    unfinished one: the recogniser cuts where the voice pauses, and "I do not like" | "it. No catch." is one
    sentence, "I do not like it"."""
    out: list[list[int]] = []
    for index, token in enumerate(tokens):
        last = tokens[out[-1][-1]] if out else None
        if last is not None and (not token.sentence_start or _goes_on(segments, last, token)):
            out[-1].append(index)
        else:
            out.append([index])
    return out


def _goes_on(segments: Sequence[Segment], last: Token, token: Token) -> bool:
    """Whether `token`, opening a segment, continues the sentence `last` left unfinished in the segment before."""
    if token.segment == last.segment or token.speaker != last.speaker:
        return False
    before, after = segments[last.segment], segments[token.segment]
    unfinished = not ends_sentence(before.text)
    return unfinished and after.start_s - before.end_s <= JOIN_GAP_S


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with sentence punctuation (the recogniser's; a transcript may have none)."""
    return bool(_SENTENCE_END.search(text.strip()))


def runs_of(tokens: list[Token], segments: Sequence[Segment]) -> list[list[Token]]:
    """Tokens split where consecutive segments are far apart in time (a window never spans a long pause)."""
    runs: list[list[Token]] = []
    for token in tokens:
        if runs:
            last = runs[-1][-1]
            near = segments[token.segment].start_s - segments[last.segment].end_s <= JOIN_GAP_S
            if token.segment == last.segment or near:
                runs[-1].append(token)
                continue
        runs.append([token])
    return runs


def occurrences(words: Sequence[str], patterns: Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(start, end) word ranges, end exclusive, of every occurrence of every pattern in `words`."""
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        size = len(pattern)
        found += [(i, i + size) for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == pattern]
    return found


def covered(words: Sequence[str], patterns: Iterable[tuple[str, ...]]) -> set[int]:
    """Indices of `words` inside any occurrence of any pattern."""
    return {i for start, end in occurrences(words, patterns) for i in range(start, end)}


def best_aligned(
    words: Sequence[str], phrases: Sequence[str], keep: Callable[[int, int, str], bool] | None = None
) -> tuple[float, str]:
    """Best fuzz.ratio of a phrase against word windows of about its own length: unlike partial_ratio, a
    different verb ("remember the recording" against "stop the recording") costs its full weight. ``keep``
    (window start, window end, phrase) can rule a window out, as a negation does."""
    best, phrase = 0.0, ""
    for candidate in phrases:
        size = len(candidate.split())
        for width in range(max(1, size - 1), size + 2):
            for start in range(max(1, len(words) - width + 1)):
                if keep is not None and not keep(start, start + width, candidate):
                    continue
                score = fuzz.ratio(candidate, " ".join(words[start : start + width]))
                if score > best:
                    best, phrase = score, candidate
    return best, phrase


def sentence_start(run: list[Token], index: int, *, reach: int = SENTENCE_BACK, fallback: int = 7) -> int:
    """Index of the first token of the sentence holding `index`: never in another segment, never across a pause
    (``PAUSE_S`` between word starts) and at most `reach` tokens back; with no sentence start that close (a
    transcript without punctuation), `fallback` tokens back.

    A plain pass can join a prospect's "Yes?" and, six seconds later, their objection into one sentence ("Yes, I
    don't want any recording of this"): the objection is where the speech after the pause starts."""
    for back in range(index, max(-1, index - reach - 1), -1):
        if run[back].sentence_start or back == 0 or run[back - 1].segment != run[index].segment:
            return back
        if run[back].at_s - run[back - 1].at_s > PAUSE_S:
            return back
    return max(0, index - min(fallback, reach))


def cancelled(words: list[str], library: PhraseLibrary) -> bool:
    """Whether a canceller ("don't mind", "okay with") turns the words around; "not okay with" does not."""
    for pattern in library.cancellers:
        size = len(pattern)
        for start in range(len(words) - size + 1):
            if tuple(words[start : start + size]) == pattern and words[start - 1 : start] != ["not"]:
                return True
    return False


def recording_word(word: str, library: PhraseLibrary) -> tuple[str, bool] | None:
    """(canonical form, garbled?) when `word` is a recording word or an ASR garble of recorded/recording
    ("recorder", "recoded")."""
    if word in library.recording_words:
        return word, False
    if word.startswith("re") and len(word) >= 6:
        for target in _GARBLE_TARGETS:
            if Levenshtein.normalized_similarity(word, target) >= _GARBLE_SIMILARITY:
                return target, True
    return None


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _STEM_LETTERS:
            return word[: -len(suffix)]
    return word


def same_stem(a: str, b: str) -> bool:
    """Two forms of one word ("record", "recording", "recorded"): the same stem of ``_STEM_LETTERS`` letters or
    more once a suffix is off."""
    stem = _stem(a)
    return len(stem) >= _STEM_LETTERS and stem == _stem(b)
