"""Word error rate: how far a transcript is from what was said, to measure ASR engines on real audio.

Both texts are normalised the same way first (lowercase, punctuation dropped, hyphens and slashes split words,
apostrophes removed so "don't" and "dont" agree), so only word choice counts, not Whisper's punctuation style.
Numbers are compared as written: "four" and "4" differ (a reference that matters for numbers should be
written as the engine writes them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_SPLITTERS = re.compile(r"[-‐‑‒–—/_]+")
_DROPPED = re.compile(r"[^\w\s]")


def normalise(text: str) -> list[str]:
    """The words of `text` as WER compares them."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    folded = _SPLITTERS.sub(" ", folded)
    return _DROPPED.sub("", folded).split()


@dataclass(frozen=True)
class WordErrors:
    """Edit counts between a reference and a hypothesis (after normalisation)."""

    substitutions: int
    deletions: int
    insertions: int
    reference_words: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        """Errors per reference word; with an empty reference, 0.0 for an empty hypothesis and 1.0 otherwise."""
        if self.reference_words == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.reference_words


def word_errors(reference: str, hypothesis: str) -> WordErrors:
    """Minimum-edit alignment of the two word sequences, by kind of edit."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    tags = [op.tag for op in Levenshtein.editops(ref, hyp)]
    return WordErrors(
        substitutions=tags.count("replace"),
        deletions=tags.count("delete"),
        insertions=tags.count("insert"),
        reference_words=len(ref),
    )


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference` (0.0 is perfect; it can exceed 1.0)."""
    return word_errors(reference, hypothesis).rate
