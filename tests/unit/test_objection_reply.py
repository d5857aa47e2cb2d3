"""A refusal that names nothing ("I don't want that", "Stop it") is an objection right after the recording was
mentioned, and nowhere else."""

from __future__ import annotations

import pytest

from callwarden.analysis.objection import detect_objection
from callwarden.analysis.objection_reply import referring_refusals
from callwarden.domain.transcript import Speaker
from tests.unit.test_disclosure_detection import LIB, seg

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN


ASKED_THEN_REFUSED = [
    "Wait, is this being recorded? I don't want that.",
    "Are you recording me? Stop that.",
    "Hold on, are you taping this? Please don't.",
    "Is this call being monitored? I'm not okay with that.",
    "Are you recording this? No, I don't like it.",
    # a transcript without punctuation
    "are you recording me stop that",
]
REFUSALS_OF_A_DISCLOSURE = [
    "I don't want that.",
    "Oh. I don't like that.",
    "No, I'm not comfortable with that.",
    "Hmm, I'd rather you didn't.",
    "I do not agree to that.",
    "No. Stop it, please.",
    "That's not okay with me.",
]


@pytest.mark.parametrize("text", ASKED_THEN_REFUSED)
@pytest.mark.parametrize("speaker", [P, U])
def test_asking_about_the_recording_then_refusing_it_objects_from_the_question(text: str, speaker: Speaker) -> None:
    segments = [seg("Hi, this is Dana from Apex Windows.", A, 1.0), seg(text, speaker, 6.0)]
    objection = detect_objection(segments, LIB)
    assert objection is not None and objection.at_s == pytest.approx(6.0)
    (reply,) = referring_refusals(segments, LIB)
    assert reply.evidence["reason"] == "refused_the_recording_just_mentioned" and reply.at_s == pytest.approx(6.0)


@pytest.mark.parametrize("text", REFUSALS_OF_A_DISCLOSURE)
def test_refusing_the_disclosure_just_heard_objects_from_the_refusal(text: str) -> None:
    segments = [seg("Just so you know, this call is recorded for quality.", A, 1.0), seg(text, P, 5.0)]
    objection = detect_objection(segments, LIB)
    assert objection is not None and objection.at_s == pytest.approx(5.0)
    assert objection.evidence["speaker"] == "prospect" and objection.evidence["phrase"]


@pytest.mark.parametrize(
    ("before", "reply"),
    [
        # the subject changed after the disclosure: "that" is the offer
        ("This call is recorded for quality. Would you like to hear about our premium plan?", "I don't want that."),
        # a decoy is no mention of the recording
        ("Our records show you have an older boiler.", "I don't want that."),
        # the refusal is part of a longer sentence about something else
        ("This call is recorded for quality.", "I don't want that kind of contract."),
        # consent, not refusal
        ("This call is recorded for quality.", "That's fine."),
        ("Is this recorded?", "Great, I want a copy."),
        # after an offer to stop the recording, a bare refusal may as well mean "keep it"
        ("I can stop the recording if you like.", "Please don't."),
        ("If you prefer, I will turn the recording off.", "No, I don't want that."),
    ],
)
def test_the_same_words_about_something_else_are_no_objection(before: str, reply: str) -> None:
    speaker = P if before.startswith("Is this") else A
    assert detect_objection([seg(before, speaker, 1.0), seg(reply, P, 6.0)], LIB) is None


def test_a_mention_long_before_is_no_reference() -> None:
    segments = [seg("This call is recorded.", A, 1.0), seg("I don't want that.", P, 12.0)]
    assert referring_refusals(segments, LIB) == []


def test_the_agent_refusing_never_objects() -> None:
    segments = [seg("Are you recording me?", P, 1.0), seg("No, stop it.", A, 3.0)]
    assert referring_refusals(segments, LIB) == []


def test_a_refusal_the_recogniser_cut_in_two_is_one_sentence() -> None:
    """Whisper cuts where the voice pauses: "I do not like" | "it. Anyway." is the refusal "I do not like it"."""
    first = seg("Shut the recorder off. I do not like", U, 6.0)
    second = seg("it. Anyway, go on.", U, first.end_s + 0.6)
    (reply,) = referring_refusals([first, second], LIB)
    assert reply.evidence["phrase"] == "i do not like it" and reply.at_s == pytest.approx(6.0)
    # a finished sentence, or a long pause, ends it: "I do not like" alone refuses nothing
    finished = seg("Shut the recorder off. I do not like.", U, 6.0)
    assert referring_refusals([finished, seg("it. Anyway, go on.", U, finished.end_s + 0.6)], LIB) == []
    assert referring_refusals([first, seg("it. Anyway, go on.", U, first.end_s + 3.0)], LIB) == []
