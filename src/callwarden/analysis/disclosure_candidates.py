"""Candidate wordings of a segment for acoustic verification: the segment's own ASR hypothesis with one or two
of its words swapped for the recording word a garbled disclosure lost, kept only when the swap makes the text
detector (``analysis.disclosure_match``) find a disclosure that the hypothesis lacks.

Free decoding garbles a disclosure on narrow-band voices ("this call is being taped for quality control" came
out as "mulling being paid for quality control"); the ASR model, made to read a candidate text
(``speech.verify``), can say which wording the audio holds. Trying every word at every place would cost too
much, so only swaps that sound like the words they replace are tried: compared on a simple phonetic key (vowels
dropped after the first letter, voiced and unvoiced consonants folded together), best few per segment.
This module is pure text; scoring lives in ``speech.verify`` and bench/consent_verify.py measures how well the
scores separate real disclosures from decoys (not well enough yet to decide a verdict: see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from callwarden.analysis.disclosure_match import detect_disclosures
from callwarden.analysis.disclosure_text import PhraseLibrary, normalise
from callwarden.domain.transcript import Segment, Speaker

# The words a garbled disclosure most often lost; each is tried in place of one or two hypothesis words.
VERIFY_WORDS = ("recorded", "recording", "record", "recorder", "taped", "monitored")
_FOLD = str.maketrans("bdgvzqckx", "ptkfsskks")
_SENTENCE_END = re.compile(r"[.?!]$")
_SENTENCE_REACH = 10  # a candidate's time moves back to its sentence start only this many words


@dataclass(frozen=True)
class Candidate:
    """One alternative wording of a hypothesis: `text`, the `word` put in, and which hypothesis words it
    replaced (``start``..``end``); ``time_word`` is the index, in ``text``'s words, of the word whose time a
    hit would take (the start of the sentence the swap sits in); ``similarity`` is how alike they sound (0-100)."""

    text: str
    word: str
    start: int
    end: int
    time_word: int
    similarity: float


def phonetic_key(words: Sequence[str]) -> str:
    """A crude sound key: normalised words, each as its first letter plus its consonants with voiced and
    unvoiced ones folded together and repeats collapsed ("being taped" -> "pnk tpt", "being paid" -> "pnk pt")."""
    keys = []
    for word in words:
        for token in normalise(word):
            head, rest = token[0], re.sub(r"[aeiouyhw]", "", token[1:])
            folded = (head + rest).translate(_FOLD)
            keys.append(re.sub(r"(.)\1+", r"\1", folded))
    return " ".join(keys)


def _sentence_start(raw: Sequence[str], index: int) -> int:
    for back in range(index, max(-1, index - _SENTENCE_REACH - 1), -1):
        if back == 0 or _SENTENCE_END.search(raw[back - 1]):
            return back
    return index


def _spliced(raw: Sequence[str], start: int, end: int, word: str) -> str:
    """`raw` with words start..end replaced by `word`, capitalised at a sentence start and keeping the
    punctuation that closed the replaced span."""
    words = [word]
    if start == 0 or _SENTENCE_END.search(raw[start - 1]):
        words[0] = words[0][:1].upper() + words[0][1:]
    tail = re.search(r"[.,?!;:]+$", raw[end - 1]) if end > start else None
    if tail:
        words[-1] += tail.group(0)
    return " ".join([*raw[:start], *words, *raw[end:]])


def candidates(
    hypothesis: str,
    library: PhraseLibrary,
    *,
    speaker: Speaker = Speaker.AGENT,
    top_k: int = 4,
    min_similarity: float = 40.0,
) -> list[Candidate]:
    """The `top_k` wordings of `hypothesis` with one or two words swapped for a recording word that turn it
    into a disclosure (the text detector finds one where it found none), best sounding first; none when the
    hypothesis already holds a disclosure (nothing to verify) or when no swap sounds like the words it replaces."""
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if _discloses(hypothesis, library, speaker):
        return []
    raw = hypothesis.split()
    keys = [phonetic_key([word]) for word in raw]
    spliced: dict[str, Candidate] = {}
    for word in VERIFY_WORDS:
        target = phonetic_key([word])
        for width in (1, 2):
            for start in range(0, len(raw) - width + 1):
                similarity = fuzz.ratio(target, "".join(keys[start : start + width]))
                text = _spliced(raw, start, start + width, word)
                if similarity >= min_similarity and similarity > getattr(spliced.get(text), "similarity", -1.0):
                    spliced[text] = Candidate(text, word, start, start + width, _sentence_start(raw, start), similarity)
    ranked = sorted(spliced.values(), key=lambda c: (-c.similarity, c.start, c.text))
    return [c for c in ranked if _discloses(c.text, library, speaker)][:top_k]


def _discloses(text: str, library: PhraseLibrary, speaker: Speaker) -> bool:
    return bool(detect_disclosures([Segment(speaker=speaker, start_s=0.0, end_s=1.0, text=text)], library))
