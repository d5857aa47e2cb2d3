"""What the consent benchmark reports beside its totals: each call's times on its progress line (a call whose
status is right but whose disclosure was timed more than 2 s off fails the benchmark, and the line must show
why), and the accuracy per pair of voice engines (one figure over all calls hides that the analysis is right far
more often on natural-sounding voices)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import consent
from consent_heard import heard_near, lacked_moment, words_near
from tests.synth import Voice


def test_the_progress_line_gives_the_disclosure_and_objection_times() -> None:
    assert consent.status_with_times("objected", 4.68, 9.83) == "objected (disclosed 4.7 s, objected 9.8 s)"
    assert consent.status_with_times("given", 0.0, None) == "given (disclosed 0.0 s)"  # a disclosure at 0 s is one
    assert consent.status_with_times("missing", None, None) == "missing"


def _outcome(name: str, truth: str, got: str | None) -> consent.Outcome:
    outcome = consent.Outcome(name, consent.Truth(truth, None, None, "all-party"))
    if got is None:
        outcome.error = "RuntimeError: decoder crashed"
    else:
        outcome.predicted = {"disclosure": {"status": got}}
    return outcome


def test_accuracy_is_given_per_pair_of_voice_engines_and_a_crash_counts_as_wrong() -> None:
    outcomes = [
        _outcome("a", "given", "given"),
        _outcome("b", "objected", "given"),
        _outcome("c", "missing", "missing"),
        _outcome("d", "given", None),
    ]
    engines = {
        "a": "festival/festival",
        "b": "espeak-ng/espeak-ng",
        "c": "espeak-ng/espeak-ng",
        "d": "festival/festival",
    }
    assert consent.accuracy_by(outcomes, engines) == {
        "espeak-ng/espeak-ng": {"n": 2, "status_accuracy": 0.5},
        "festival/festival": {"n": 2, "status_accuracy": 0.5},
    }


def test_a_calls_voice_engines_are_named_agent_first() -> None:
    spec = consent.spec_with("x", (), Voice("festival", "kal_diphone"), Voice("espeak-ng", "en-us+linda"))
    assert consent.voice_engines(spec) == "festival/espeak-ng"


def test_calls_sent_to_a_person_for_an_objection_one_hearing_heard_are_counted_by_truth() -> None:
    heard_once = [{"at_s": 11.5, "evidence": {"heard_elsewhere": 0}}]
    outcomes = [
        _outcome("objected-missed", "objected", "given"),
        _outcome("objected-found", "objected", "objected"),
        _outcome("clean", "given", "given"),
        _outcome("silent", "given", "given"),
    ]
    outcomes[0].predicted["unconfirmed_objections"] = heard_once
    outcomes[1].predicted["unconfirmed_objections"] = heard_once  # the verdict already says objected: not counted
    outcomes[2].predicted["unconfirmed_objections"] = heard_once
    outcomes[3].predicted["unconfirmed_objections"] = []
    assert consent.unconfirmed_objections(outcomes) == {"calls_flagged": 2, "of_which_the_prospect_objected": 1}


def _heard(decoding: str, text: str, at_s: float) -> consent.HeardWord:
    return consent.HeardWord(decoding, text, at_s)


def test_a_failure_names_the_decodings_that_heard_a_recording_or_objection_word_near_what_it_lacked() -> None:
    library = consent.PhraseLibrary.shipped()
    words = [
        _heard("transcript", "compensation", 6.0),
        _heard("low_band", "recoded,", 6.4),  # a garble of "recorded" still says the word was heard
        _heard("denoised", "Stop", 20.0),
        _heard("as_recorded", "recorded", 12.0),  # 6 s away: another sentence
    ]
    assert heard_near(words, 6.0, library) == ["low_band"]
    assert heard_near(words, 19.0, library) == ["denoised"]
    assert heard_near(words, 30.0, library) == []


def test_a_failure_shows_each_decodings_words_near_what_it_lacked_in_time_order() -> None:
    words = [
        _heard("transcript", " all", 6.5),
        _heard("transcript", " we", 5.0),
        _heard("low_band", "recoded,", 6.4),
        _heard("denoised", "Stop", 20.0),  # 14 s away
    ]
    assert words_near(words, 6.0) == {"low_band": "recoded,", "transcript": "we all"}
    assert words_near(words, 19.0, reach_s=1.5) == {"denoised": "Stop"}
    assert words_near(words, 40.0) == {}


def test_only_a_missed_disclosure_or_objection_is_a_moment_the_verdict_lacked() -> None:
    objected = consent.Truth("objected", 5.0, 11.0, "all-party")
    given = consent.Truth("given", 5.0, None, "all-party")
    missing = consent.Truth("missing", None, None, "all-party")
    assert lacked_moment(objected, "given") == ("objection", 11.0)
    assert lacked_moment(objected, "objected") is None
    assert lacked_moment(given, "missing") == ("disclosure", 5.0)
    assert lacked_moment(given, "late") is None  # heard, only timed wrong
    assert lacked_moment(missing, "given") is None  # a decoy taken for a disclosure lacks nothing


def _scored(name: str, truth: consent.Truth, got: str, heard: list[consent.HeardWord]) -> consent.Outcome:
    outcome = consent.Outcome(name, truth, heard=heard)
    outcome.predicted = {
        "disclosure": {"status": got, "at_s": truth.disclosure_s if got != "missing" else None},
        "objection": None,
        "jurisdiction": {"consent_model": "all-party"},
        "segments": [],
        "unconfirmed_objections": [],
        "duration_s": 20.0,
    }
    return outcome


def test_the_score_counts_failures_no_decoding_heard_and_the_accuracy_a_perfect_reading_would_reach() -> None:
    given = consent.Truth("given", 5.0, None, "all-party")
    outcomes = [
        _scored("right", given, "given", []),
        _scored("misread", given, "missing", [_heard("denoised", "recorded.", 5.3)]),
        _scored("unheard", given, "missing", [_heard("transcript", "compensation", 5.1)]),
    ]
    scored = consent.score(outcomes)
    by_call = {f["call"]: f for f in scored["failures"]}
    assert by_call["misread"]["heard_near_truth"] == ["denoised"]
    assert by_call["unheard"]["heard_near_truth"] == []
    assert by_call["unheard"]["lacked"] == "disclosure"
    assert scored["failures_unheard_by_every_decoding"] == 1
    assert scored["status_accuracy_if_every_heard_failure_were_fixed"] == 0.667
