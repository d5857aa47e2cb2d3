"""Find the agent's recording disclosure, the prospect's objection and an opt-in "yes" in a transcript.

People say a disclosure many ways and ASR mangles it, so matching is fuzzy, but "record" alone means nothing
("our records show", "a track record"). A disclosure hit therefore needs all of:
- a recording word (record/recorded/recording/monitor…, or an ASR garble of recorded/recording such as
  "recorder", "re corded", "recoded") that no decoy pattern ("our records", "record high"…) covers;
- a context word (call, line, conversation, quality, training, consent, purposes…) near it;
- a fuzzy score (rapidfuzz partial_ratio against the phrase library) at or above a threshold, a higher one when
  the recording word is a garble.
Only agent and unknown-speaker turns can disclose; only prospect and unknown ones can object or answer.

An objection is a fuzzy match against the objection phrases around a trigger word (record, consent,
permission, off, stop) whose negation agrees with the phrase ("I do consent" does not match "I do not
consent") and that no canceller ("I don't mind", "that's fine") turns around. A plain "no" answering a
disclosure that asks for consent is an objection too.

Times are those of the first word of the sentence that holds the match (word timings; segment start when a
segment has none).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from callwarden.domain.disclosure import (
    ConsentAnswer,
    DisclosureHit,
    DisclosureMethod,
    DisclosurePolicy,
    DisclosureVerdict,
    Objection,
    decide,
)
from callwarden.domain.transcript import Segment, Speaker

DISCLOSURE_THRESHOLD = 72.0  # partial_ratio with an exact recording word (measured in tests/unit)
GARBLED_THRESHOLD = 80.0  # with a garbled one
# An exact recording word with two different context words around it ("calls ... recorded for quality") is a
# disclosure in words the library does not have; the score then only has to rule out nonsense (bench/consent.py).
CONTEXT_BACKED_THRESHOLD = 55.0
WHOLE_PHRASE_THRESHOLD = 84.0  # fuzz.ratio of a whole long phrase when ASR lost the recording word itself
_WHOLE_PHRASE_MIN_WORDS = 5
OBJECTION_THRESHOLD = 85.0
NEGATED_OBJECTION_THRESHOLD = 72.0  # when a negation stands right before the recording word ("not ... recorded")
_WINDOW_BEFORE, _WINDOW_AFTER = 7, 6  # tokens around the recording word that are scored
_CONTEXT_SPAN = 6  # a context word must be this close to the recording word
_JOIN_GAP_S = 1.5  # windows run across a segment boundary only when the turns are this close
_SENTENCE_BACK = 14  # a hit's time moves back to its sentence start when that is at most this many tokens back
_MERGE_S = 4.0  # hits closer than this are one disclosure
_GARBLE_TARGETS = ("recorded", "recording")
_GARBLE_SIMILARITY = 0.8
_NEGATIONS = frozenset({"not", "no", "never", "nobody", "refuse", "object", "rather", "prefer", "stop", "off"})
_OBJECTION_TRIGGERS = frozenset({"record", "recorded", "recording", "tape", "consent", "permission", "off", "stop"})
_FUNCTION_TEXT = (
    "i me my you your we our it this that the a an to be being is am are was do does did not no can could would "
    "please with of on for call"
)
_NUMBER_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
_FUNCTION_WORDS = frozenset(
    _FUNCTION_TEXT.split(),
)
_CONSENT_QUESTION = frozenset({"consent", "okay", "alright", "mind", "agree", "permission"})

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
_NUMBERS = dict(
    enumerate(
        _NUMBER_TEXT.split(),
    )
)
_SPELLING = {"ok": "okay", "cannot": "can not", "dont": "do not", "im": "i am", "recordin": "recording"}
_SENTENCE_END = re.compile(r"[.?!]$")


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
    cancellers: tuple[tuple[str, ...], ...]
    decoys: tuple[tuple[str, ...], ...]
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
            cancellers=tuple(tuple(p.split()) for p in texts("objection_cancellers")),
            decoys=tuple(tuple(p.split()) for p in texts("decoys")),
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
class _Token:
    text: str
    at_s: float
    speaker: Speaker
    segment: int
    sentence_start: bool


def _tokens(segments: Sequence[Segment], speakers: frozenset[Speaker]) -> list[_Token]:
    """The chosen speakers' words in time order, each with its time and whether it opens a sentence."""
    out: list[_Token] = []
    for index, segment in sorted(enumerate(segments), key=lambda item: item[1].start_s):
        if segment.speaker not in speakers:
            continue
        pieces = [(w.text, w.start_s) for w in segment.words] or [(segment.text, segment.start_s)]
        opens = True
        for text, at_s in pieces:
            for position, word in enumerate(normalise(text)):
                out.append(_Token(word, at_s, segment.speaker, index, opens and position == 0))
                opens = False
            if _SENTENCE_END.search(text.strip()):
                opens = True
    return out


def _runs(tokens: list[_Token], segments: Sequence[Segment]) -> list[list[_Token]]:
    """Tokens split where consecutive segments are far apart in time (a window never spans a long pause)."""
    runs: list[list[_Token]] = []
    for token in tokens:
        if runs:
            last = runs[-1][-1]
            near = segments[token.segment].start_s - segments[last.segment].end_s <= _JOIN_GAP_S
            if token.segment == last.segment or near:
                runs[-1].append(token)
                continue
        runs.append([token])
    return runs


def _covered(words: list[str], patterns: Iterable[tuple[str, ...]]) -> set[int]:
    """Indices of `words` inside any occurrence of any pattern."""
    hit: set[int] = set()
    for pattern in patterns:
        size = len(pattern)
        for start in range(len(words) - size + 1):
            if tuple(words[start : start + size]) == pattern:
                hit.update(range(start, start + size))
    return hit


def _recording_word(word: str, library: PhraseLibrary) -> tuple[str, bool] | None:
    """(canonical form, garbled?) when `word` is a recording word or a garble of recorded/recording."""
    if word in library.recording_words:
        return word, False
    if word.startswith("re") and len(word) >= 6:
        for target in _GARBLE_TARGETS:
            if Levenshtein.normalized_similarity(word, target) >= _GARBLE_SIMILARITY:
                return target, True
    return None


def _sentence_start(run: list[_Token], index: int) -> int:
    """Index of the first token of the sentence holding `index` (within the same segment, not too far back)."""
    for back in range(index, max(-1, index - _SENTENCE_BACK - 1), -1):
        if run[back].sentence_start or back == 0 or run[back - 1].segment != run[index].segment:
            return back
    return max(0, index - _WINDOW_BEFORE)


def _best(window: str, phrases: Sequence[str]) -> tuple[float, str]:
    best, phrase = 0.0, ""
    for candidate in phrases:
        score = fuzz.partial_ratio(candidate, window)
        if score > best:
            best, phrase = score, candidate
    return best, phrase


def _best_aligned(words: list[str], phrases: Sequence[str]) -> tuple[float, str]:
    """Best fuzz.ratio of a phrase against word windows of about its own length: unlike partial_ratio, a
    different verb ("remember the recording" against "stop the recording") costs its full weight."""
    best, phrase = 0.0, ""
    for candidate in phrases:
        size = len(candidate.split())
        for width in range(max(1, size - 1), size + 2):
            for start in range(max(1, len(words) - width + 1)):
                score = fuzz.ratio(candidate, " ".join(words[start : start + width]))
                if score > best:
                    best, phrase = score, candidate
    return best, phrase


def _merge(hits: list[DisclosureHit]) -> list[DisclosureHit]:
    """One hit per disclosure: hits within `_MERGE_S` of each other form a cluster, represented by its best
    scoring hit (the earliest among equals), whose own time is kept."""
    clusters: list[list[DisclosureHit]] = []
    for hit in sorted(hits, key=lambda h: h.at_s):
        if clusters and hit.at_s - clusters[-1][-1].at_s < _MERGE_S:
            clusters[-1].append(hit)
        else:
            clusters.append([hit])
    return [max(cluster, key=lambda h: (h.score, -h.at_s)) for cluster in clusters]


def detect_disclosures(segments: Sequence[Segment], library: PhraseLibrary | None = None) -> list[DisclosureHit]:
    """Verbal disclosures by the agent (or an unknown speaker), in time order."""
    library = library or PhraseLibrary.shipped()
    tokens = _tokens(segments, frozenset({Speaker.AGENT, Speaker.UNKNOWN}))
    hits: list[DisclosureHit] = []
    for run in _runs(tokens, segments):
        words = [t.text for t in run]
        vetoed = _covered(words, library.decoys)
        for k, word in enumerate(words):
            found = _recording_word(word, library)
            if found is None or k in vetoed:
                continue
            canonical, garbled = found
            near = words[max(0, k - _CONTEXT_SPAN) : k] + words[k + 1 : k + 1 + _CONTEXT_SPAN]
            lo, hi = max(0, k - _WINDOW_BEFORE), min(len(words), k + 1 + _WINDOW_AFTER)
            window = " ".join(canonical if i == k else words[i] for i in range(lo, hi))
            score, phrase = _best(window, library.disclosure)
            backed = not garbled and len({w for w in near if w in library.context_words}) >= 2
            threshold = GARBLED_THRESHOLD if garbled else CONTEXT_BACKED_THRESHOLD if backed else DISCLOSURE_THRESHOLD
            if score < threshold:
                continue
            if not any(w in library.context_words for w in near) and score < WHOLE_PHRASE_THRESHOLD:
                continue
            first = _sentence_start(run, k)
            segment = segments[run[k].segment]
            evidence = {
                "text": segment.text.strip(),
                "matched": " ".join(words[min(first, lo) : hi]),
                "score": round(score, 1),
                "speaker": run[k].speaker.value,
                "phrase": phrase,
                "library_version": library.version,
            }
            if garbled:
                evidence["garbled"] = word
            hits.append(DisclosureHit(DisclosureMethod.VERBAL, round(run[first].at_s, 2), round(score, 1), evidence))
        hits.extend(_whole_phrase_hits(run, segments, library))
    return _merge(hits)


def _whole_phrase_hits(run: list[_Token], segments: Sequence[Segment], library: PhraseLibrary) -> list[DisclosureHit]:
    """Long phrases that match a stretch of words almost entirely even though its recording word was lost
    ("we return our call for quantity and trading" for "we record our calls for quality and training")."""
    words = [t.text for t in run]
    vetoed = _covered(words, library.decoys)
    long_phrases = [p for p in library.disclosure if len(p.split()) >= _WHOLE_PHRASE_MIN_WORDS]
    hits: list[DisclosureHit] = []
    for start in range(len(words)):
        if start in vetoed:
            continue
        best, phrase, end = 0.0, "", start
        for candidate in long_phrases:
            size = len(candidate.split())
            for width in (size - 1, size, size + 1):
                stretch = words[start : start + width]
                if len(stretch) < width or not any(w in library.context_words for w in stretch):
                    continue
                score = fuzz.ratio(candidate, " ".join(stretch))
                if score > best:
                    best, phrase, end = score, candidate, start + width
        if best >= WHOLE_PHRASE_THRESHOLD and not vetoed & set(range(start, end)):
            first = _sentence_start(run, start)
            evidence = {
                "text": segments[run[start].segment].text.strip(),
                "matched": " ".join(words[start:end]),
                "score": round(best, 1),
                "speaker": run[start].speaker.value,
                "phrase": phrase,
                "library_version": library.version,
                "whole_phrase": True,
            }
            hits.append(DisclosureHit(DisclosureMethod.VERBAL, round(run[first].at_s, 2), round(best, 1), evidence))
    return hits


def _negated(words: list[str]) -> bool:
    return any(w in _NEGATIONS for w in words)


def _cancelled(words: list[str], library: PhraseLibrary) -> bool:
    """Whether a canceller ("don't mind", "okay with") turns the words around; "not okay with" does not."""
    for pattern in library.cancellers:
        size = len(pattern)
        for start in range(len(words) - size + 1):
            if tuple(words[start : start + size]) == pattern and words[start - 1 : start] != ["not"]:
                return True
    return False


def _content_present(phrase: str, words: list[str]) -> bool:
    """Every content word of `phrase` (not a function word) is in `words`, allowing ASR-sized misspellings."""
    for word in phrase.split():
        if word in _FUNCTION_WORDS:
            continue
        if not any(Levenshtein.normalized_similarity(word, w) >= 0.75 for w in words):
            return False
    return True


def detect_objection(
    segments: Sequence[Segment],
    library: PhraseLibrary | None = None,
    disclosures: Sequence[DisclosureHit] = (),
) -> Objection | None:
    """The prospect's first objection to being recorded, or None."""
    library = library or PhraseLibrary.shipped()
    tokens = _tokens(segments, frozenset({Speaker.PROSPECT, Speaker.UNKNOWN}))
    found: list[Objection] = []
    for run in _runs(tokens, segments):
        words = [t.text for t in run]
        vetoed = _covered(words, library.decoys)
        for k, word in enumerate(words):
            trigger = _recording_word(word, library)
            if (trigger is None and word not in _OBJECTION_TRIGGERS) or k in vetoed:
                continue
            first = _sentence_start(run, k)
            lo, hi = min(first, max(0, k - _WINDOW_BEFORE)), min(len(words), k + 5)
            window_words = words[lo:hi]
            score, phrase = _best_aligned(window_words, library.objection)
            negated_here = trigger is not None and _negated(words[max(lo, k - 5) : k])
            needed = NEGATED_OBJECTION_THRESHOLD if negated_here else OBJECTION_THRESHOLD
            if score < needed or _cancelled(window_words, library) or not _content_present(phrase, window_words):
                continue
            if _negated(phrase.split()) and not _negated(window_words):
                continue
            segment = segments[run[k].segment]
            evidence = {
                "text": segment.text.strip(),
                "matched": " ".join(window_words),
                "score": round(score, 1),
                "speaker": run[k].speaker.value,
                "phrase": phrase,
                "library_version": library.version,
            }
            found.append(Objection(round(run[first].at_s, 2), evidence))
            break
    for answer in _answers(segments, disclosures, library, window_s=10.0):
        if answer[0] == "refusal":
            found.append(Objection(answer[1].at_s, {**dict(answer[1].evidence), "reason": "refused_consent_question"}))
    return min(found, key=lambda o: o.at_s) if found else None


def _answers(
    segments: Sequence[Segment], disclosures: Sequence[DisclosureHit], library: PhraseLibrary, window_s: float
) -> list[tuple[str, ConsentAnswer]]:
    """The prospect's first turn after each disclosure, classified as consent or refusal (or skipped)."""
    out: list[tuple[str, ConsentAnswer]] = []
    turns = sorted((s for s in segments if s.speaker in {Speaker.PROSPECT, Speaker.UNKNOWN}), key=lambda s: s.start_s)
    for hit in disclosures:
        asked = str(hit.evidence.get("matched", ""))
        question = bool(_CONSENT_QUESTION & set(asked.split()))
        reply = next((s for s in turns if hit.at_s < s.start_s <= hit.at_s + window_s), None)
        if reply is None:
            continue
        words = normalise(reply.text)[:6]
        text = " ".join(words)
        evidence = {"text": reply.text.strip(), "speaker": reply.speaker.value}
        mind = "mind" in asked.split()
        consent = any(text == c or text.startswith(c + " ") for c in library.consent) or _cancelled(words, library)
        refusal = any(text == r or text.startswith(r + " ") for r in library.refusal)
        if (mind and words[:1] == ["no"]) or (mind and words[:3] == ["not", "at", "all"]):
            consent, refusal = True, False
        elif mind and words[:1] == ["yes"]:
            consent, refusal = False, True
        at_s = reply.words[0].start_s if reply.words else reply.start_s
        if refusal and not consent and question:
            out.append(("refusal", ConsentAnswer(round(at_s, 2), evidence)))
        elif consent and not refusal:
            out.append(("consent", ConsentAnswer(round(at_s, 2), evidence)))
    return out


def detect_consent_answers(
    segments: Sequence[Segment],
    disclosures: Sequence[DisclosureHit],
    library: PhraseLibrary | None = None,
    window_s: float = 20.0,
) -> list[ConsentAnswer]:
    """The prospect's explicit yes after each disclosure (opt-in markets), within `window_s` of it."""
    library = library or PhraseLibrary.shipped()
    return [answer for kind, answer in _answers(segments, disclosures, library, window_s) if kind == "consent"]


@dataclass(frozen=True)
class DisclosureAssessment:
    """Everything the consent stage reports about disclosure: the verdict, the objection and what was found."""

    verdict: DisclosureVerdict
    objection: Objection | None
    hits: tuple[DisclosureHit, ...]
    library_version: str

    def to_report(self) -> dict[str, Any]:
        """The report's ``disclosure`` and ``objection`` fields."""
        return {"disclosure": self.verdict.to_dict(), "objection": self.objection.to_dict() if self.objection else None}


def assess_disclosure(
    segments: Sequence[Segment],
    policy: DisclosurePolicy | None = None,
    ivr_hits: Iterable[DisclosureHit] = (),
    library: PhraseLibrary | None = None,
) -> DisclosureAssessment:
    """Detect verbal disclosures, objections and consent answers in `segments`, add the IVR prompt hits found
    acoustically (``audio.prompt_match``), and decide the verdict under `policy`."""
    policy = policy or DisclosurePolicy()
    library = (library or PhraseLibrary.shipped()).for_policy(policy)
    verbal = detect_disclosures(segments, library)
    objection = detect_objection(segments, library, verbal)
    consents = detect_consent_answers(segments, verbal, library, policy.consent_window_s)
    hits = tuple(sorted([*verbal, *ivr_hits], key=lambda h: h.at_s))
    if policy.require_explicit_yes:  # an IVR prompt's answer comes after the prompt: look for it too
        ivr = [h for h in hits if h.method == DisclosureMethod.IVR]
        consents += detect_consent_answers(segments, ivr, library, policy.consent_window_s)
    verdict = decide(hits, objection, policy, consents)
    return DisclosureAssessment(verdict, objection, hits, library.version)
