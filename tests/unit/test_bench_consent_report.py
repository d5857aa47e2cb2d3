"""What the consent benchmark reports beside its totals: each call's times on its progress line (a call whose
status is right but whose disclosure was timed more than 2 s off fails the benchmark, and the line must show
why), and the accuracy per pair of voice engines (one figure over all calls hides that the analysis is right far
more often on natural-sounding voices)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import consent
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
