"""Candidate wordings for acoustic verification (analysis.disclosure_candidates): pure text, no audio."""

from __future__ import annotations

import pytest

from callwarden.analysis.disclosure_candidates import VERIFY_WORDS, candidates, phonetic_key
from callwarden.analysis.disclosure_match import detect_disclosures
from callwarden.analysis.disclosure_text import PhraseLibrary
from callwarden.domain.transcript import Segment, Speaker

LIBRARY = PhraseLibrary.shipped()


def _discloses(text: str) -> bool:
    return bool(detect_disclosures([Segment(speaker=Speaker.AGENT, start_s=0.0, end_s=1.0, text=text)], LIBRARY))


def test_phonetic_key_folds_voicing_and_drops_vowels() -> None:
    assert phonetic_key(["being", "taped"]) == "pnk tpt"
    assert phonetic_key(["being", "paid"]) == "pnk pt"
    assert phonetic_key(["Recorded."]) == phonetic_key(["recorded"])


def test_garbled_disclosure_gets_candidates_that_disclose() -> None:
    hypothesis = "Let's call it being paid for quantity control."
    assert not _discloses(hypothesis)
    found = candidates(hypothesis, LIBRARY, top_k=4)
    assert found, "a garbled disclosure must give something to verify"
    for candidate in found:
        assert candidate.word in VERIFY_WORDS
        assert _discloses(candidate.text), candidate
        assert candidate.text != hypothesis
    similarities = [c.similarity for c in found]
    assert similarities == sorted(similarities, reverse=True)


def test_swap_keeps_the_rest_of_the_hypothesis_and_times_from_its_sentence() -> None:
    hypothesis = "Hello. Let's call it being paid for quantity control."
    raw = hypothesis.split()
    found = candidates(hypothesis, LIBRARY, top_k=8)
    assert found
    for candidate in found:
        words = candidate.text.split()
        assert words[: candidate.start] == raw[: candidate.start]
        assert words[candidate.start + 1 :] == raw[candidate.end :]
        assert words[candidate.start].rstrip(".").lower() == candidate.word
        assert candidate.time_word == (1 if candidate.start >= 1 else 0)


def test_nothing_to_verify_when_the_hypothesis_already_discloses() -> None:
    assert candidates("Just so you know, this call is being recorded.", LIBRARY) == []


def test_decoy_sentences_give_no_candidate() -> None:
    assert candidates("Our records show your warranty is about to expire.", LIBRARY) == []


def test_top_k_limits_and_is_checked() -> None:
    assert len(candidates("Let's call it being paid for quantity control.", LIBRARY, top_k=1)) == 1
    with pytest.raises(ValueError, match="top_k"):
        candidates("anything", LIBRARY, top_k=0)
