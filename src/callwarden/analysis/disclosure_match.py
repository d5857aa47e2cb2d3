"""Find the agent's verbal recording disclosure in a transcript, robustly to ASR errors and to paraphrase.

People say a disclosure many ways and ASR mangles it, so matching is fuzzy, but "record" alone means nothing
("our records show", "a track record"). A disclosure hit therefore needs all of:
- a recording word (record/recorded/recording/monitor…, or an ASR garble of recorded/recording such as
  "recorder", "re corded", "recoded") that no decoy pattern ("our records", "record high"…) covers;
- a context word (call, line, conversation, quality, training, consent, purposes…) near it, not a form of the
  recording word itself ("home monitoring ... monitor");
- no negation right before it ("this call is not recorded" discloses nothing; "if you do not want to be
  recorded" is an offer, not a denial), no negative subject ("none of our calls are recorded", "nobody is
  recording this call"), and no other object after it ("recording a podcast");
- not a question about whether the call is recorded ("Is this call being recorded?", "Are you recording me?"):
  that is a prospect asking, whom a mono call's separation may leave unnamed, and it tells nobody anything; a
  question asking leave to record ("Is it okay if this call is recorded?") still discloses;
- a fuzzy score (rapidfuzz partial_ratio against the phrase library) at or above a threshold, a higher one when
  the recording word is a garble, and a lower one when the words around it say what is recorded or why: two
  different context words, or a call reference or purpose tied to it (``analysis.disclosure_anchor``: "how it
  recorded in on for this call", what ASR kept of "our recorder is on for this call").
A long library phrase matched almost entirely (fuzz.ratio) counts even when ASR lost the recording word itself.
Only agent and unknown-speaker turns can disclose.

The time of a hit is the start of the words that matched, moved back to the start of their sentence only when
that is a few words back in the same segment: never into an earlier segment or sentence, which is how a
transcript without punctuation once put a disclosure 4.6 s early.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from callwarden.analysis.disclosure_anchor import BARE_NOUNS, Anchors
from callwarden.analysis.disclosure_text import (
    PhraseLibrary,
    Token,
    covered,
    recording_word,
    runs_of,
    same_stem,
    sentence_start,
    tokens_of,
)
from callwarden.domain.disclosure import DisclosureHit, DisclosureMethod
from callwarden.domain.transcript import Segment, Speaker

DISCLOSURE_THRESHOLD = 72.0  # partial_ratio with an exact recording word (measured in tests/unit)
GARBLED_THRESHOLD = 80.0  # with a garbled one
# An exact recording word with two different context words around it ("calls ... recorded for quality") or tied
# to a call reference or purpose is a disclosure in words the library does not have; the score then only has to
# rule out nonsense (bench/consent.py).
CONTEXT_BACKED_THRESHOLD = 55.0
# "record" and "records" untied to the call are nouns more often than not ("record call volumes", "a record of all
# calls"): they need the score a garbled word needs, and two context words around them back nothing.
BARE_NOUN_THRESHOLD = 80.0
WHOLE_PHRASE_THRESHOLD = 84.0  # fuzz.ratio of a whole long phrase when ASR lost the recording word itself
_WHOLE_PHRASE_MIN_WORDS = 5
_WINDOW_BEFORE, _WINDOW_AFTER = 7, 6  # tokens around the recording word that are scored
_CONTEXT_SPAN = 6  # a context word must be this close to the recording word
_SENTENCE_REACH = 10  # the time moves back to the sentence start (same segment) only this many tokens
_SENTENCE_REACH_S = 3.0  # ... and only this many seconds
_MERGE_S = 4.0  # hits closer than this are one disclosure
_AGENT_SIDE = frozenset({Speaker.AGENT, Speaker.UNKNOWN})
_NEGATORS = frozenset({"not", "never"})
_CONDITIONS = frozenset({"if", "unless", "whether"})
_DENIAL_REACH = 3  # a negation this many words before the recording word denies it
# A subject that is a negative quantifier denies the recording as a "not" does: "nothing on this call is recorded",
# "none of our calls are recorded", "no one records these calls". Only a subject phrase may stand between it and
# the recording word, so "no problem, this call is recorded" and "nothing to worry about, this call is recorded"
# (where the quantifier is no subject of it) still disclose; "no" opens a subject only before a call noun.
_ARTICLES = frozenset({"a", "an"})
_CALL_NOUNS = frozenset({"call", "calls", "conversation", "chat", "line"})
_NEGATIVE_HEADS = frozenset({"nothing", "none", "nobody", "noone"})
_NO_NOUNS = _CALL_NOUNS | {"conversations", "chats", "part", "one"}
_SUBJECT_FILLING = _CALL_NOUNS | frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "our", "your", "my", "its", "of", "on", "in", "during",
     "with", "between", "from", "about", "here", "today", "is", "are", "was", "were", "be", "being", "been", "will",
     "would", "ever", "get", "gets", "getting", "actually", "really", "you", "we", "i", "say", "said",
     "conversations", "lines"}
)  # fmt: skip
_SUBJECT_REACH = 8  # a negative subject starts at most this many words before the recording word
_OBJECT_REACH = 3  # "a" and the words of the object after the recording word that are looked at
# An inquiry opens its sentence with an auxiliary before its subject ("is this call being recorded", "are you
# recording"), and between them and the recording word stand only the subject and the passive's helpers; any other
# word ("are you aware this call is recorded", "did you know that...") makes it a statement put as a question.
_INQUIRY_AUX = frozenset({"is", "are", "was", "were", "am", "do", "does", "did", "will"})
_INQUIRY_SUBJECTS = frozenset(
    {"this", "that", "it", "the", "my", "our", "your", "you", "we", "i", "me", "these", "those", "everything",
     "anyone", "somebody", "someone", "guys", "all"}
)  # fmt: skip
_INQUIRY_OPENERS = _INQUIRY_SUBJECTS | _CALL_NOUNS  # what may follow the auxiliary: "is this...", "are calls..."
# ... and speech verbs, for what is said as the subject: "is everything I say being recorded"
_INQUIRY_FILLING = _CALL_NOUNS | frozenset(
    {"conversations", "chats", "being", "going", "to", "be", "get", "getting", "still", "currently", "now",
     "actually", "really", "also", "even", "here", "just", "on", "a",
     "say", "said", "tell", "told", "discuss", "talk", "about"}
)  # fmt: skip
# words that may come before the auxiliary in the same sentence: "wait, is this being recorded", "why is it recorded"
_INQUIRY_LEADS = frozenset(
    {"wait", "sorry", "um", "uh", "oh", "so", "hey", "hold", "on", "excuse", "me", "and", "but", "well", "hang",
     "why", "how", "since", "when", "quick", "question", "just", "hi", "hello", "yes", "yeah", "no"}
)  # fmt: skip
_LEAVE_ASKED = frozenset({"if", "mind", "okay", "ok", "alright", "fine", "consent", "permission", "agree", "allowed"})
_INQUIRY_REACH = 6  # the auxiliary is at most this many words before the recording word


def _negative_head(words: Sequence[str], i: int) -> int:
    """How many words a negative quantifier opening a subject at `i` takes ("nothing": 1, "no calls": 2), or 0."""
    if words[i] in _NEGATIVE_HEADS:
        return 1
    return 2 if words[i] == "no" and words[i + 1 : i + 2] and words[i + 1] in _NO_NOUNS else 0


def _negative_subject(run: list[Token], words: Sequence[str], k: int) -> bool:
    """Whether the words from `k` on (a recording word, or a stretch matching a whole phrase) have a negative
    quantifier as their subject, in their own sentence, with nothing but a subject phrase and auxiliaries
    between them."""
    for q in range(k - 1, max(-1, k - 1 - _SUBJECT_REACH), -1):
        if run[q + 1].sentence_start:
            return False
        size = _negative_head(words, q)
        if size and q + size <= k and all(w in _SUBJECT_FILLING for w in words[q + size : k]):
            return True
    return False


def _denied(run: list[Token], words: Sequence[str], k: int) -> bool:
    """Whether the recording word at `k` is denied ("this call is not recorded", "we never record", "none of our
    calls are recorded"): a sentence saying a call is not recorded discloses nothing. An offer to stop ("if you do
    not want to be recorded") is no denial of the recording, only of the prospect's wish, and is left to the rest
    of the sentence."""
    before = words[max(0, k - _DENIAL_REACH) : k]
    if _NEGATORS & set(before) and not _CONDITIONS & set(words[max(0, k - 2 * _DENIAL_REACH) : k]):
        return True
    return _negative_subject(run, words, k)


def _negated(words: Sequence[str]) -> bool:
    """Whether a stretch of words holds a negation or a negative subject (for whole-phrase matches, which have no
    recording word to deny)."""
    return bool(_NEGATORS & set(words)) or any(_negative_head(words, i) for i in range(len(words)))


def _asked(run: list[Token], words: Sequence[str], k: int) -> bool:
    """Whether the recording word at `k` is in a question about whether the call is recorded ("Is this call being
    recorded?"), not one asking leave to record it ("Do you mind if I record this call?"); `words` are the run's."""
    for j in range(max(0, k - _INQUIRY_REACH), k - 1):
        if words[j] not in _INQUIRY_AUX or words[j + 1] not in _INQUIRY_OPENERS:
            continue
        if not all(w in _INQUIRY_SUBJECTS or w in _INQUIRY_FILLING for w in words[j + 1 : k]):
            continue
        opening = j  # where its sentence starts, over lead words ("wait, is this...")
        while opening > 0 and not run[opening].sentence_start and words[opening - 1] in _INQUIRY_LEADS:
            opening -= 1
        if not run[opening].sentence_start:
            continue
        return not _LEAVE_ASKED & set(words[opening : k + 1 + _OBJECT_REACH])
    return False


def _other_object(words: Sequence[str], k: int) -> bool:
    """Whether the recording word at `k` takes something other than the call as its object, introduced by "a"
    or "an" ("I am recording a podcast", "your call last week recorded a complaint"): no call is recorded."""
    after = words[k + 1 : k + 1 + _OBJECT_REACH]
    return bool(after) and after[0] in _ARTICLES and not _CALL_NOUNS & set(after[1:])


def _threshold(*, garbled: bool, backed: bool, noun: bool) -> float:
    """The fuzzy score a recording word's window needs (see the thresholds above)."""
    if garbled:
        return GARBLED_THRESHOLD
    if backed:
        return CONTEXT_BACKED_THRESHOLD
    return BARE_NOUN_THRESHOLD if noun else DISCLOSURE_THRESHOLD


def _best(window: str, phrases: Sequence[str]) -> tuple[float, str, int]:
    """Best partial_ratio of a phrase in `window`: (score, phrase, index of the window word the match starts in)."""
    best, phrase, start = 0.0, "", 0
    for candidate in phrases:
        alignment = fuzz.partial_ratio_alignment(candidate, window)
        if alignment is not None and alignment.score > best:
            offset = alignment.dest_start if len(candidate) <= len(window) else 0
            best, phrase, start = alignment.score, candidate, window[:offset].count(" ")
    return best, phrase, start


def _hit_time_index(run: list[Token], matched_from: int, recording_at: int | None = None) -> int:
    """The sentence start when it is close (a few words, at most ``_SENTENCE_REACH_S``), else where the match
    starts: ASR joins sentences ("$49 a month, and before we go further, this call is recorded"), and a sentence
    start seconds before the disclosure would put it before the deadline when it came after.

    A match never starts before the sentence of its recording word (at `recording_at`): the fuzzy alignment may
    begin in the sentence before ("it is... | Our call is recorded" is close to "this call is recorded"), whose
    start was 3.1 s before the disclosure in bench/consent.py (h14-given-train-staff)."""
    if recording_at is not None:
        opening = next((j for j in range(recording_at, matched_from, -1) if run[j].sentence_start), None)
        matched_from = opening if opening is not None else matched_from
    back = sentence_start(run, matched_from, reach=_SENTENCE_REACH, fallback=0)
    return back if run[matched_from].at_s - run[back].at_s <= _SENTENCE_REACH_S else matched_from


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


def merge_hits(*groups: Sequence[DisclosureHit]) -> list[DisclosureHit]:
    """Hits from several sources (the transcript, the consent-focused ASR pass) as one disclosure per moment."""
    return _merge([hit for group in groups for hit in group])


def detect_disclosures(segments: Sequence[Segment], library: PhraseLibrary | None = None) -> list[DisclosureHit]:
    """Verbal disclosures by the agent (or an unknown speaker), in time order."""
    library = library or PhraseLibrary.shipped()
    hits: list[DisclosureHit] = []
    for run in runs_of(tokens_of(segments, _AGENT_SIDE), segments):
        words = [t.text for t in run]
        vetoed = covered(words, library.decoys)
        anchors = Anchors.of(words, library, vetoed)
        for k, word in enumerate(words):
            found = recording_word(word, library)
            if found is None or k in vetoed or _denied(run, words, k):
                continue
            if _other_object(words, k) or _asked(run, words, k):
                continue
            canonical, garbled = found
            near = [
                w
                for w in words[max(0, k - _CONTEXT_SPAN) : k] + words[k + 1 : k + 1 + _CONTEXT_SPAN]
                if not same_stem(w, word)
            ]
            lo, hi = max(0, k - _WINDOW_BEFORE), min(len(words), k + 1 + _WINDOW_AFTER)
            window = " ".join(canonical if i == k else words[i] for i in range(lo, hi))
            score, phrase, offset = _best(window, library.disclosure)
            tied = anchors.tie(k)
            noun = word in BARE_NOUNS and not tied
            context = len({w for w in near if w in library.context_words}) >= 2 and not noun
            backed = not garbled and (context or tied)
            if score < _threshold(garbled=garbled, backed=backed, noun=noun):
                continue
            if not backed and not any(w in library.context_words for w in near) and score < WHOLE_PHRASE_THRESHOLD:
                continue
            first = _hit_time_index(run, min(lo + offset, k), k)
            evidence = {
                "text": segments[run[first].segment].text.strip(),
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


def _whole_phrase_hits(run: list[Token], segments: Sequence[Segment], library: PhraseLibrary) -> list[DisclosureHit]:
    """Long phrases that match a stretch of words almost entirely even though its recording word was lost
    ("we return our call for quantity and trading" for "we record our calls for quality and training").

    Overlapping stretches are one match, the best scoring: a stretch that starts a word early ("ramel this call
    is being recorded", the name before it) scores nearly as well, and its start would move the hit seconds back
    into the greeting (bench/consent.py, objected-early)."""
    words = [t.text for t in run]
    vetoed = covered(words, library.decoys)
    long_phrases = [p for p in library.disclosure if len(p.split()) >= _WHOLE_PHRASE_MIN_WORDS]
    negated_phrases = {p for p in long_phrases if _negated(p.split())}
    candidates: list[tuple[float, int, int, str]] = []
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
                if candidate not in negated_phrases and _negated(stretch):
                    continue  # "this call is not recorded" is almost "this call is being recorded"
                score = fuzz.ratio(candidate, " ".join(stretch))
                if score > best:
                    best, phrase, end = score, candidate, start + width
        if best < WHOLE_PHRASE_THRESHOLD or vetoed & set(range(start, end)):
            continue
        if any(_asked(run, words, i) for i in range(start, end)):  # "is this call being recorded" is nearly one
            continue
        if phrase not in negated_phrases and _negative_subject(run, words, start):
            continue  # "nothing on | this call is recorded": the subject before the stretch denies it
        candidates.append((best, start, end, phrase))
    taken: set[int] = set()
    hits: list[DisclosureHit] = []
    for best, start, end, phrase in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if taken & set(range(start, end)):
            continue
        taken.update(range(start, end))
        first = _hit_time_index(run, start)
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
