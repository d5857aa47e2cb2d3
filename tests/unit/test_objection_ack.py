"""An objection ASR did not hear, known from the agent stopping the recording (analysis.objection_ack)."""

from __future__ import annotations

import pytest

from callwarden.analysis.disclosure import assess_disclosure
from callwarden.analysis.disclosure_match import detect_disclosures
from callwarden.analysis.objection import detect_objection
from callwarden.domain.disclosure import DisclosureStatus
from callwarden.domain.transcript import Segment, Speaker
from tests.unit.test_disclosure_detection import seg

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN
GARBLED = "Hello, I would like you to have a little bit of conversation."  # tiny.en for "...not to record this..."
NAMING_THE_RECORDING = [
    "No problem, I have stopped the recording.",
    "No, I have stopped the recording.",
    "Sure, the recording is off now.",
    "Okay, I'll pause the recording.",
]
NOT_ACKNOWLEDGEMENTS = [  # negated, about something else, or only sharing the words
    "I will not turn it off, sorry.",
    "You can turn it off with the remote.",
    "I never stopped the recording.",
    "We will turn off the alarm when you leave.",
]


def objection_in(segments: list[Segment]) -> float | None:
    found = detect_objection(segments, disclosures=detect_disclosures(segments))
    return found.at_s if found else None


def test_acknowledgement_after_a_disclosure_times_the_objection_at_the_prospect_turn() -> None:
    call = [
        seg("Calls here are recorded. I am calling about your card.", A, 1.0),
        seg(GARBLED, P, 6.5),
        seg("Understood. I will turn it off. About your card, it renews in March.", A, 10.0),
    ]
    found = detect_objection(call, disclosures=detect_disclosures(call))
    assert found is not None and found.at_s == 6.5
    assert found.evidence["reason"] == "agent_acknowledged_stop"
    assert found.evidence["text"] == GARBLED and found.evidence["phrase"] == "i will turn it off"
    verdict = assess_disclosure(call).verdict
    assert verdict.status == DisclosureStatus.OBJECTED


@pytest.mark.parametrize("acknowledgement", NAMING_THE_RECORDING)
def test_an_acknowledgement_that_names_the_recording_needs_no_disclosure(acknowledgement: str) -> None:
    call = [seg("Hi, this is Rob.", A, 1.0), seg("Hmm, wait a second.", P, 3.0), seg(acknowledgement, A, 6.0)]
    assert objection_in(call) == 3.0


def test_it_needs_a_disclosure_or_a_recording_word_to_mean_the_recording() -> None:
    plain = [seg("Hi, this is Rob.", A, 1.0), seg("Hmm okay.", P, 3.0), seg("Understood, I will turn it off.", A, 6.0)]
    assert objection_in(plain) is None
    asked = [plain[0], seg("Are you recordin this?", P, 3.0), plain[2]]
    assert objection_in(asked) == 3.0


@pytest.mark.parametrize("agent_line", NOT_ACKNOWLEDGEMENTS)
def test_lines_that_are_not_an_acknowledgement(agent_line: str) -> None:
    call = [seg("This call is recorded.", A, 1.0), seg("Fine.", P, 4.0), seg(agent_line, A, 8.0)]
    assert objection_in(call) is None


def test_only_a_recent_prospect_turn_is_the_objection() -> None:
    call = [seg("This call is recorded.", A, 1.0), seg("Fine.", P, 3.0), seg("I have stopped the recording.", A, 40.0)]
    assert objection_in(call) is None  # nothing the prospect said in the 20 s before it
    prospect_said = [*call[:2], seg("Hmm.", P, 35.0), call[2]]
    assert objection_in(prospect_said) == 35.0


def test_prospect_words_are_never_an_acknowledgement() -> None:
    call = [seg("This call is recorded.", A, 1.0), seg("Okay.", P, 3.0), seg("I have stopped the recording.", P, 6.0)]
    assert objection_in(call) is None


def test_in_mono_an_unknown_turn_before_an_unknown_acknowledgement_counts() -> None:
    call = [seg("This call is recorded.", U, 1.0), seg(GARBLED, U, 4.0), seg("Okay, I have stopped it.", U, 8.0)]
    assert objection_in(call) == 4.0
