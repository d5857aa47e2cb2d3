"""wer(): the yardstick for the speech engines, so it must count edits exactly and ignore punctuation style."""

from __future__ import annotations

import pytest

from callwarden.analysis.wer import normalise, wer, word_errors


def test_normalise_ignores_case_punctuation_and_hyphens() -> None:
    assert normalise("And so, my fellow Americans: ask NOT!") == [
        "and",
        "so",
        "my",
        "fellow",
        "americans",
        "ask",
        "not",
    ]
    assert normalise("don't  Don’t dont") == ["dont", "dont", "dont"]
    assert normalise("well-known 24/7 — done.") == ["well", "known", "24", "7", "done"]
    assert normalise("4,532.10") == ["453210"]
    assert normalise("  ...  ") == []


def test_identical_after_normalisation_is_zero() -> None:
    assert wer("Ask what you can do for your country.", "ask what you can do, for your country") == 0.0


def test_each_kind_of_edit_counts_once() -> None:
    reference = "the horizon seems extremely distant"
    assert word_errors(reference, "the horizon seems very distant").substitutions == 1
    deleted = word_errors(reference, "the horizon seems distant")
    assert (deleted.deletions, deleted.errors) == (1, 1)
    inserted = word_errors(reference, "the horizon seems extremely far distant")
    assert (inserted.insertions, inserted.errors) == (1, 1)
    assert wer(reference, "the horizon seems very distant") == pytest.approx(1 / 5)


def test_rate_can_exceed_one_and_empty_reference() -> None:
    assert wer("yes", "no no no") == 3.0
    assert wer("", "") == 0.0
    assert wer("", "thank you") == 1.0
    assert wer("hello there", "") == 1.0


def test_order_matters() -> None:
    assert wer("one two three", "three two one") == pytest.approx(2 / 3)
