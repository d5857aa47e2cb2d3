"""The prospect's objection to being recorded, and their answer to a disclosure that asks for consent.

An objection is a fuzzy match against the objection phrases around a trigger word (record, consent,
permission, off, stop) whose negation agrees with the phrase ("I do consent" does not match "I do not
consent") and that no canceller ("I don't mind", "that's fine") turns around; a phrase that opens with a request
verb ("delete that recording") does not match the verb said as a statement ("we delete the recording after
ninety days"). A plain "no" answering a disclosure that asks for consent is an objection too, and so is an agent
saying they stopped the recording (``analysis.objection_ack``), and a first-person refusal read by its grammar
("I will not be recorded", ``analysis.objection_refusal``). Only prospect and unknown-speaker turns can object
or answer. The time is that of the first word of the sentence holding the match.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from callwarden.analysis.disclosure_text import (
    PROSPECT_SIDE,
    PhraseLibrary,
    best_aligned,
    cancelled,
    covered,
    normalise,
    recording_word,
    runs_of,
    same_stem,
    sentence_start,
    tokens_of,
)
from callwarden.analysis.objection_ack import acknowledged_objections
from callwarden.analysis.objection_refusal import first_person_refusals
from callwarden.analysis.objection_reply import referring_refusals
from callwarden.domain.disclosure import ConsentAnswer, DisclosureHit, Objection
from callwarden.domain.transcript import Segment, Speaker

OBJECTION_THRESHOLD = 85.0
NEGATED_OBJECTION_THRESHOLD = 72.0  # when a negation stands right before the recording word ("not ... recorded")
_WINDOW_BEFORE = 7  # tokens before the trigger word that are scored
_NEGATIONS = frozenset({"not", "no", "never", "nobody", "refuse", "object", "rather", "prefer", "stop", "off"})
_OBJECTION_TRIGGERS = frozenset({"record", "recorded", "recording", "tape", "consent", "permission", "off", "stop"})
_FUNCTION_TEXT = (
    "i me my you your we our it this that the a an to be being is am are was do does did not no can could would "
    "please with of on for call"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_CONSENT_QUESTION = frozenset({"consent", "okay", "alright", "mind", "agree", "permission"})
_CONSENT_WORDS = frozenset({"consent", "permission", "agree", "agreed", "allow", "allowed"})
# verbs that open a request about the recording ("delete that recording", "stop the tape"), and the words that,
# right before such a verb, make it a statement of what someone does instead ("we delete the recording after
# ninety days", "I can stop the tape whenever you like", "you can ask us to delete it")
_REQUEST_VERBS = frozenset({"delete", "erase", "remove", "cut", "stop", "destroy", "wipe", "pause", "keep"})
_STATEMENT_LEAD_TEXT = "we they i it will can could may might would should shall to never also always"
# every word other than a recording word that some path of this detector starts from or needs: without one of
# these or a recording word near it, no objection can be read out of a prospect's words (bench/consent_heard.py)
OBJECTION_CUE_WORDS = _OBJECTION_TRIGGERS | _REQUEST_VERBS | _CONSENT_WORDS
_STATEMENT_LEADS = frozenset(_STATEMENT_LEAD_TEXT.split())


def _negated(words: list[str]) -> bool:
    return any(w in _NEGATIONS for w in words)


def _negation_binds(words: list[str], k: int, phrase: str, window: list[str]) -> bool:
    """Whether a negation before the recording word at `k` may lower the threshold for `phrase`. A phrase whose
    only content word is the recording word ("no recording please", "do not record me") has nothing else to
    agree on, so its negation must stand within two words of the recording word and not say that none exists, or
    the `window` must speak of consent: "you are not on a recording list", "we never delete a recording" and
    "there is no recording of the old contract" are statements, "do not keep recording me" and "I never gave
    permission to record this" are not."""
    if sum(word not in _FUNCTION_WORDS for word in phrase.split()) > 1:
        return True
    before = [j for j in range(max(0, k - 5), k) if words[j] in _NEGATIONS]
    if not before or "there" in words[max(0, before[-1] - 2) : before[-1]]:
        return False
    return k - before[-1] <= 2 or bool(_CONSENT_WORDS & set(window))


def _content_present(phrase: str, words: list[str]) -> bool:
    """Every content word of `phrase` (not a function word) is in `words`, allowing ASR-sized misspellings."""
    for word in phrase.split():
        if word in _FUNCTION_WORDS:
            continue
        if not any(Levenshtein.normalized_similarity(word, w) >= 0.75 or same_stem(word, w) for w in words):
            return False
    return True


def _said_of_someone(phrase: str, window: list[str]) -> bool:
    """Whether `phrase` opens with a request verb that `window` says as a statement: the verb, where the window
    has it, right after a subject or an auxiliary. "Can you stop recording" stays a request ("you" asks it)."""
    words = phrase.split()
    verb = words[1] if words[0] == "please" and len(words) > 1 else words[0]
    if verb not in _REQUEST_VERBS:
        return False
    return any(w == verb and k > 0 and window[k - 1] in _STATEMENT_LEADS for k, w in enumerate(window))


def _agreeing(window: list[str], phrases: Sequence[str], unnamed: bool) -> list[str]:
    """The phrases that may match `window`: every content word present, and a negation where the phrase has one.
    Filtering before choosing the best phrase, not after: "do not keep recording me" scored best against "stop
    the recording", which it does not say, and was dropped, though "do not record me" fits it. In an `unnamed`
    voice's words (mono, roles unknown) a first-person wish said of "you" with no "i" ("if you would rather not be
    recorded, tell me") is the agent's offer, not the speaker's own wish; in the prospect's own words it stays
    theirs, whose "I'd" the recogniser may have lost."""
    negated = _negated(window)
    offered = unnamed and "you" in window and "i" not in window
    return [
        p
        for p in phrases
        if _content_present(p, window)
        and (negated or not _negated(p.split()))
        and not (offered and p.startswith("i "))
        and not _said_of_someone(p, window)
    ]


def detect_objection(
    segments: Sequence[Segment],
    library: PhraseLibrary | None = None,
    disclosures: Sequence[DisclosureHit] = (),
) -> Objection | None:
    """The prospect's first objection to being recorded, or None."""
    return min(detect_objections(segments, library, disclosures), key=lambda o: o.at_s, default=None)


def detect_objections(
    segments: Sequence[Segment],
    library: PhraseLibrary | None = None,
    disclosures: Sequence[DisclosureHit] = (),
) -> list[Objection]:
    """Every objection to being recorded: the first in each run of prospect words, each acknowledgement of one by
    the agent, each refusal of the recording just mentioned, each first-person refusal ("I will not be recorded")
    and each refusal of a consent question; in time order."""
    library = library or PhraseLibrary.shipped()
    found: list[Objection] = []
    for run in runs_of(tokens_of(segments, PROSPECT_SIDE), segments):
        words = [t.text for t in run]
        vetoed = covered(words, library.decoys)
        for k, word in enumerate(words):
            trigger = recording_word(word, library)
            if (trigger is None and word not in _OBJECTION_TRIGGERS) or k in vetoed:
                continue
            first = sentence_start(run, k)
            lo, hi = min(first, max(0, k - _WINDOW_BEFORE)), min(len(words), k + 5)
            window_words = words[lo:hi]
            unnamed = run[k].speaker == Speaker.UNKNOWN
            score, phrase = best_aligned(window_words, _agreeing(window_words, library.objection, unnamed))
            negated_here = trigger is not None and _negated(words[max(lo, k - 5) : k])
            lenient = negated_here and _negation_binds(words, k, phrase, window_words)
            needed = NEGATED_OBJECTION_THRESHOLD if lenient else OBJECTION_THRESHOLD
            if score < needed or cancelled(window_words, library):
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
    found += acknowledged_objections(segments, library, disclosures)
    found += referring_refusals(segments, library)
    found += first_person_refusals(segments, library)
    for kind, answer in answers(segments, disclosures, library, window_s=10.0):
        if kind == "refusal":
            found.append(Objection(answer.at_s, {**dict(answer.evidence), "reason": "refused_consent_question"}))
    return sorted(found, key=lambda o: o.at_s)


def answers(
    segments: Sequence[Segment], disclosures: Sequence[DisclosureHit], library: PhraseLibrary, window_s: float
) -> list[tuple[str, ConsentAnswer]]:
    """The prospect's first turn after each disclosure, classified as consent or refusal (or skipped)."""
    out: list[tuple[str, ConsentAnswer]] = []
    turns = sorted((s for s in segments if s.speaker in PROSPECT_SIDE), key=lambda s: s.start_s)
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
        consent = any(text == c or text.startswith(c + " ") for c in library.consent) or cancelled(words, library)
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
    return [answer for kind, answer in answers(segments, disclosures, library, window_s) if kind == "consent"]
