"""A first-person refusal built from a modal and a passive ("I will not be recorded"), a negated permission verb
("I won't let you record me"), a feeling against the recording ("I'm not okay with you recording me") or consent
taken back ("I withdraw my consent") is an objection, however far it is from the phrase library's examples; the
same grammar said of someone else, asked as a question, about a record of something or about something else is
not."""

from __future__ import annotations

import pytest

from callwarden.analysis.objection import detect_objection
from callwarden.analysis.objection_refusal import first_person_refusals
from callwarden.domain.transcript import Speaker
from tests.unit.test_disclosure_detection import LIB, seg

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN

REFUSALS = [
    "Hold on, I heard that message, and I will not be recorded.",
    "I shall not be recorded.",
    "No, I'm not going to be taped.",
    "I'm never gonna be recorded on a sales call.",
    "I will never get recorded by you people.",
    "I won't let you record me.",
    "I did not allow this call to be recorded.",
    "I do not permit you to tape this.",
    "I won't accept this recording.",
    "I will not consent to any of this being recorded.",
    "I do not authorize this recording.",
    # how the speaker feels about the recording
    "I'm not okay with you recording me.",
    "I am uncomfortable being recorded.",
    "Sorry, I'm really not happy about this call being recorded.",
    "I feel uncomfortable with this recording.",
    "I am totally against any recording.",
    # the speaker taking consent back
    "I withdraw my consent.",
    "I'd like to withdraw my consent to the recording.",
    "I'm taking back my consent.",
    "I hereby revoke my permission to record.",
]
NOT_REFUSALS = [
    "You will not be recorded.",  # the agent's promise, or the prospect repeating it
    "So I won't be recorded?",  # a question
    "I will not be recorded? Oh, that's fine then.",
    "I do not let anyone keep a record of my purchases.",  # a record of something, not the act
    "I will not agree to that, it's against our records policy.",  # a decoy's recording word
    "I must not be late, the meeting is recorded.",  # the recording word is in another clause
    "I will not be home, can you record the show?",
    "I am not recorded anywhere as the owner.",  # no refusing auxiliary
    # a feeling that is not against the recording, or not about it
    "I'm not against being recorded.",
    "I'm fine with being recorded.",
    "I'm not happy with my bill, record whatever you like.",
    "I'm not happy with the recording quality on my doorbell camera.",
    "I am not comfortable, record it anyway.",
    "I'm unhappy with the records you sent.",
    "Am I okay with being recorded? Sure.",
    # consent that is only said to be withdrawable, or is consent to something else
    "You can withdraw your consent at any time, right?",
    "So I could withdraw my consent later if I wanted?",
    "I withdraw my consent to be contacted.",
    "I take back what I said about the price.",
]


@pytest.mark.parametrize("text", REFUSALS)
@pytest.mark.parametrize("speaker", [P, U])
def test_a_first_person_refusal_objects_from_the_first_word_of_its_sentence(text: str, speaker: Speaker) -> None:
    segments = [seg("Hi, this is Dana from Apex Windows.", A, 1.0), seg(text, speaker, 6.0)]
    found = first_person_refusals(segments, LIB)
    assert [o.at_s for o in found] == [6.0]
    assert found[0].evidence["reason"] == "first_person_refusal"
    assert found[0].evidence["speaker"] == speaker.value
    objection = detect_objection(segments, LIB)
    assert objection is not None and objection.at_s == 6.0


@pytest.mark.parametrize("text", NOT_REFUSALS)
def test_the_same_words_said_of_someone_else_or_asked_are_not_a_refusal(text: str) -> None:
    segments = [seg("This call is recorded.", A, 1.0), seg(text, P, 6.0)]
    assert first_person_refusals(segments, LIB) == []


def test_the_agent_saying_it_is_not_an_objection() -> None:
    segments = [seg("I will not be recorded, my manager said, but you will be.", A, 1.0)]
    assert first_person_refusals(segments, LIB) == []


def test_a_refusal_cut_across_two_segments_is_one_sentence_timed_from_its_start() -> None:
    segments = [seg("Sorry, I will not", P, 6.0), seg("be recorded.", P, 7.5)]
    assert [o.at_s for o in first_person_refusals(segments, LIB)] == [6.0]


def test_the_second_sentence_of_a_turn_is_timed_from_its_own_start() -> None:
    segments = [seg("Hello? Yes, this is Sam. I won't let you record me.", P, 6.0)]
    found = first_person_refusals(segments, LIB)
    assert [round(o.at_s, 2) for o in found] == [round(6.0 + 5 * 0.35, 2)]
    assert found[0].evidence["matched"] == "i will not let you record me"
