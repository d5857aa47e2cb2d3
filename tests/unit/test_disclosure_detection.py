"""Verbal disclosure, objection and consent detection on hand-written transcripts, and the verdict rule."""

from __future__ import annotations

import pytest

from callwarden.analysis.disclosure import assess_disclosure
from callwarden.analysis.disclosure_match import detect_disclosures
from callwarden.analysis.disclosure_text import PhraseLibrary, normalise
from callwarden.analysis.objection import detect_objection
from callwarden.domain.disclosure import (
    ConsentAnswer,
    DisclosureHit,
    DisclosureMethod,
    DisclosurePolicy,
    DisclosureStatus,
    Objection,
    decide,
    parse_methods,
)
from callwarden.domain.transcript import Segment, Speaker, Word

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN
LIB = PhraseLibrary.shipped()


def seg(text: str, speaker: Speaker = A, start: float = 3.0, step: float = 0.35) -> Segment:
    words, at = [], start
    for word in text.split():
        words.append(Word(word, at, at + step - 0.05, 0.9))
        at += step
    return Segment(speaker, start, at, text, tuple(words))


DISCLOSURES = [
    "This call is recorded.",
    "This call may be recorded or monitored for quality assurance or training purposes.",
    "Just so you know, I'm recording this call.",
    "Before we begin, please be aware that our conversation is being recorded for quality.",
    "We record our calls for training and quality.",
    "Continuing with this call means you consent to the recording.",
    "I'm calling you on a recorded line today.",
    "Heads up, calls are recorded for quality purposes.",
    "This call is being taped for training purposes.",
    "For quality and training this call will be monitored and recorded.",
    "Quick note: this chat is being recorded so we can improve our service.",
    "I'll be recording our conversation today, is that okay?",
    "Our calls are monitored and may be recorded.",
    "You're on a recorded line.",
    "By staying on the line you agree to this call being recorded.",
    "So we're clear, the call is recorded.",
    "Everything we say on this call is being recorded.",
    "I am required to tell you that this call is recorded.",
    "Do you mind if I record the call for my notes?",
    # ASR-style garbles seen or plausible with tiny.en
    "This call is recorder for quality and training.",
    "This call is re-corded for quality.",
    "this call may be recoded or monitored for quality assurance",
    "just so you know, it's calling being recorded.",
    "Before we go on, I shall mention that we return our call for quantity and trading.",
    "This call may be reported for training purposes.",
    # tiny.en on 8 kHz synthetic voices: only a short anchor ("for this call", "for training") survived
    "I want you to know how it recorded in on for this call.",
    "I keep recording of Minkon for training.",
    "Hi, this is Tom. I keep on recording, I'm being called for training.",
    "I want you to know our recorder is on for this call.",
    # a call with a phrase of its own before the passive verb
    "Each call with our sales team is recorded.",
    "All calls to our help desk are monitored.",
    # the bare verb "record(s)" with the call as its object
    "We record every call for our files.",
    "Our team records calls like this to keep standards up.",
    "I record my calls so nothing gets lost.",
    "This call is recorded, and if you do not want to be recorded just say so.",
    # recording, said of oneself with nothing recorded after it
    "Oh, and we are recording now, by the way.",
    "Sorry, I should say I have been recording since you picked up.",
    "Just so you know, you are speaking on a monitored line.",
    # on tape, taped; what is said as the thing recorded (library 2026.11-4)
    "Heads up, our conversation is on tape for a quality check.",
    "Just so you know, we tape calls like this one.",
    "Everything we discuss will be recorded for our files.",
    "Everything we say today is recorded, okay?",
    # a small model's dropped plural after the bare verb
    "Our company record call like this one to check on quality.",
    # what is said, as a free relative of a speech verb, is what is recorded (library 2026.12-5)
    "Anything you tell us will be recorded.",
    "All that is said here is recorded.",
    "Whatever we talk about is being recorded.",
    "Just so you know, everything said is monitored.",
    # a negative word before it that is no subject of the recording word denies nothing
    "No, this call is recorded.",
    "No worries, the call is recorded for training.",
    "Nothing to worry about, this call is recorded for training.",
    "Nobody else is on, but this call is recorded.",
]
DECOYS = [
    "Our records show you called us last month.",
    "We have a great track record with homeowners on this call.",
    "Prices hit a record high this quarter, so call us back.",
    "He's on record as saying the line was fine.",
    "For the record, I called you last week.",
    "Do you still have a record player? Call me.",
    "We sent it by recorded delivery, so call if it's missing.",
    "That was a world record, call your friends.",
    "Your medical records are safe with us, quality matters.",
    "It's a matter of public record that we call everyone.",
    "We monitor your energy usage on this line.",
    # a recording word is no context of itself: tiny.en's words for a decoy in bench/consent.py (missing-monitor-decoy)
    "Low contrast, we can also have tremendous monitoring and may be monitor at low charge.",
    "We can also add home monitoring and it may be monitored at no charge.",
    "I recorded a song for my daughter's training.",
    "Our records indicate your account is past due, please call.",
    "We had record sales this quarter thanks to calls like this one.",
    "Let me check the records for your last call.",
    "I'll make a note of that in your record and call you back.",
    "According to our records your line was installed in 2019.",
    "We reported the line fault to the phone company.",
    "Our credit monitoring service is free for the first month of your call plan.",
    "We set a new company record for training this year.",
    "I heard a recorded message from your company on the line.",
    "We returned your call from yesterday about the quote.",
    # a call reference or purpose near a recording word that is not tied to it
    "I recorded your payment on the call last week.",
    "Monitoring your account is free with this call plan.",
    "Prices are at a record for this line of products.",
    "We keep a record of every call you make.",
    "Our video recorder deal is the best on this call.",
    "The line to our warehouse is monitored at night.",
    "We had record call volumes this winter.",
    "It was a record of all calls made to the office.",
    "She set a record this week for calls answered.",
    # a call said not to be recorded
    "This call is not recorded.",
    "Don't worry, we never record our calls.",
    "I am recording a podcast this weekend with my brother.",
    "I am recording a podcast this weekend, call me Monday.",
    "Your call with the bank last week recorded a complaint about fees.",
    "They are recording now at the studio, I will call you later.",
    "The conversation about record sales is on the agenda for our call.",
    "There is a lot of red tape on this call, sorry about that.",
    "Grab a tape measure and call me back with the size.",
    # A known false disclosure: an untied recording word matches "this is a recorded line" at 74 with one far
    # context word; the threshold (72) stays, since 75 lost a real one ("this call goes to our recording system").
    pytest.param(
        "Everything we sell is recorded in the ledger, call us for a copy.",
        marks=pytest.mark.xfail(strict=True, reason="one far context word lets a 74 fuzzy match through"),
    ),
    "What we discuss next is your call plan.",
    # what is said, but not as what is recorded, or denied
    "Like I said, your order is recorded.",
    "Whatever you say, your order is recorded.",
    "What you said about the price is recorded in your notes.",
    "Everything you buy is recorded.",
    "Nothing you say is recorded.",
    # a negative quantifier as the subject denies it as "not" does (a whole phrase matched after it too)
    "Nothing on this call is recorded.",
    "None of our calls are recorded.",
    "No part of this conversation is recorded.",
    "No calls are recorded here.",
    "Nobody is recording this call.",
    "No one records these calls.",
    "Nothing said on this line is ever recorded.",
    "None of this call is being recorded.",
    "We record call like a pro, no wait, we make calls like a pro.",
]
OBJECTIONS = [
    "Please don't record this call.",
    "Don't record me.",
    "I do not consent to being recorded.",
    "Can you turn that off?",
    "Stop recording, please.",
    "I don't want to be recorded.",
    "I don't agree to the recording.",
    "Take me off the recording.",
    "No, I'd rather not be recorded.",
    "Whoa, I didn't agree to be recorded, turn it off.",
    "I do not consent.",
    "I object to this being recorded.",
    "Hang on, you can't record me without permission.",
    "Please stop taping this call.",
    "I'm not comfortable with this being recorded.",
    "Hey, no, I don't want this call recorded.",
    "I'd prefer you didn't record this conversation.",
    # the best-scoring phrase says something else ("stop the recording"); one that agrees fits
    "Do not keep recording me.",
    "Please do not start the recording.",
    "No recording of me, please.",
    "I do not want the recording of me kept.",
    "No, no, I am not okay, just any recording.",
    "I'd like not to be recorded.",
    # tiny.en's words for "I would like this call not to be recorded" (bench/consent_heldout.py)
    "I would like to call not to be recorded.",
    # asking for the recording to go, and the tape said for the recording (phrase library 2026.12-3)
    "Please erase this recording.",
    "Delete the recording, I never agreed to it.",
    "I don't want this on tape.",
    "Wait, I never agreed to be taped.",
    "Please stop the tape.",
    "I'd like the recording stopped.",
    "I'm against being recorded.",
    "I won't allow this call to be recorded.",
    "Remove me from the recording.",
    "I do not want to be on a recording.",
    # phrase library 2026.12-4
    "I want that recording destroyed.",
    "Wipe that recording, please.",
    "Get rid of that recording.",
    "You don't have my consent.",
    "I do not wish to be recorded.",
    "Shut the recording off.",
    # one content word besides the negation's, but consent is what it speaks of
    "I never gave you permission to record me.",
    # phrase library 2026.12-6
    "Pause the recording please.",
    "Keep me off the recording.",
    "I want the recording turned off.",
]
NOT_OBJECTIONS = [
    # "the record" is a noun, not a recording one could object to (tiny.en's words in bench/consent.py,
    # missing-record-high: "no" before it had made it a negated "do not record this")
    "How much would my place go for? No, the record. So, on your feet.",
    "I don't mind being recorded.",
    "That's fine, you can record it.",
    "I do consent.",
    "Do you record these calls?",
    "Sure, go ahead and record.",
    "No problem with the recording.",
    "I'm okay with being recorded.",
    "Yes, I consent to the recording.",
    "I don't have a problem with you recording.",
    "Our records show I paid.",
    "No thanks, I'm not interested.",
    "Please take me off your list.",
    "Don't call me again.",
    "I don't remember the recording.",
    "Not sure what you recorded last time, but ok.",
    "I'm not bothered about the recording.",
    "I never record my shows.",
    "Can you keep the recording going for my notes?",
    "Did you start the recording yet?",
    "I would like a copy of the recording.",
    "I want the lights turned off in the garage.",
    "Keep the recording going, it's fine.",
    "We pause the recording when you give a card number.",
]


def test_normalise_expands_contractions_numbers_and_split_garbles() -> None:
    assert normalise("I'm recording, don't worry! It's 2 calls") == [
        "i",
        "am",
        "recording",
        "do",
        "not",
        "worry",
        "it",
        "is",
        "two",
        "calls",
    ]
    assert normalise("re-corded line") == ["recorded", "line"]
    assert normalise("You can't") == ["you", "can", "not"]


@pytest.mark.parametrize("text", DISCLOSURES)
def test_disclosure_phrasings_are_found_at_their_sentence(text: str) -> None:
    hits = detect_disclosures([seg("Hi there.", start=0.5), seg(text, start=3.0)], LIB)
    assert len(hits) == 1, hits
    assert hits[0].method == DisclosureMethod.VERBAL
    assert 3.0 <= hits[0].at_s <= 3.0 + 0.35 * 5
    assert hits[0].evidence["speaker"] == "agent" and hits[0].evidence["phrase"]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_are_not_disclosures(text: str) -> None:
    assert detect_disclosures([seg(text)], LIB) == []


def test_the_time_is_the_disclosure_sentence_not_the_greeting() -> None:
    text = "Hi, this is Mark from SunBright Solar. This call is on a recorded line. Am I speaking with Linda?"
    (hit,) = detect_disclosures([seg(text, start=1.0)], LIB)
    assert hit.at_s == pytest.approx(1.0 + 7 * 0.35)


def test_only_agent_or_unknown_speech_discloses() -> None:
    assert detect_disclosures([seg("This call is being recorded.", P)], LIB) == []
    assert detect_disclosures([seg("This call is being recorded.", U)], LIB)


INQUIRIES = [
    "Is this call being recorded?",
    "Are you recording this call?",
    "Is this call recorded?",
    "Wait, is this conversation going to be recorded?",
    "Sorry, are you recording me right now?",
    "Why is this call being recorded?",
    "Are calls on this line recorded?",
    "Am I on a recorded line?",
    "Is everything I say being recorded?",
]
ASKING_LEAVE = [
    "Is it okay if this call is recorded?",
    "Are you okay with this call being recorded for quality?",
    "Are you aware this call is recorded?",
    "Did you know that this call is being recorded for quality?",
]


@pytest.mark.parametrize("text", INQUIRIES)
@pytest.mark.parametrize("speaker", [U, A])
def test_a_question_whether_the_call_is_recorded_tells_nobody(text: str, speaker: Speaker) -> None:
    """A mono call's separation can leave the prospect's "Is this call being recorded?" unnamed: counted, it would
    make a call with no disclosure ``given``."""
    segments = [seg("Hi, this is Mark from SunBright Solar.", A, start=0.5), seg(text, speaker, start=3.0)]
    assert detect_disclosures(segments, LIB) == []
    assert assess_disclosure(segments).verdict.status == DisclosureStatus.MISSING


@pytest.mark.parametrize("text", ASKING_LEAVE)
def test_a_question_that_asks_leave_to_record_or_says_it_is_recorded_discloses(text: str) -> None:
    (hit,) = detect_disclosures([seg("Hi there.", start=0.5), seg(text, start=3.0)], LIB)
    assert 3.0 <= hit.at_s <= 3.0 + 0.35 * 3


def test_an_inquiry_does_not_hide_the_agents_disclosure_after_it() -> None:
    segments = [seg("Is this call recorded?", U, start=2.0), seg("Yes, this call is recorded for quality.", A, 4.0)]
    (hit,) = detect_disclosures(segments, LIB)
    assert hit.at_s >= 4.0


def test_segment_without_word_times_uses_its_start() -> None:
    (hit,) = detect_disclosures([Segment(A, 4.2, 7.0, "Calls are recorded for quality and training.")], LIB)
    assert hit.at_s == 4.2


@pytest.mark.parametrize("text", OBJECTIONS)
def test_objections_are_found(text: str) -> None:
    objection = detect_objection([seg("This call is recorded."), seg(text, P, start=6.0)], LIB)
    assert objection is not None and 6.0 <= objection.at_s <= 6.0 + 0.35 * 3
    assert objection.evidence["speaker"] == "prospect"


@pytest.mark.parametrize("text", NOT_OBJECTIONS)
def test_non_objections_and_negated_negations(text: str) -> None:
    assert detect_objection([seg(text, P)], LIB) is None


@pytest.mark.parametrize(
    "offer",
    [
        "If you would prefer not to be recorded, let me know.",
        "If you would rather not be recorded, just say so.",
        "Would you like not to be recorded?",
    ],
)
def test_an_offer_not_to_record_is_no_objection_even_from_an_unnamed_voice(offer: str) -> None:
    """In a mono call whose voices went unnamed the agent's offer reaches the detector as unknown speech: a wish
    said of "you" is not the speaker's own."""
    assert detect_objection([seg(offer, U)], LIB) is None
    assert detect_objection([seg(offer.replace("you would", "I would").replace("Would you", "I would"), U)], LIB)


@pytest.mark.parametrize(
    "statement",
    [
        "We delete the recording after ninety days.",
        "You can ask us to delete the recording at any time.",
        "Our system will erase the recording after a year.",
        "If you want, we can delete that recording for you.",
        "They cut the recording into short clips for training.",
        "I will remove you from the recording list.",
        "I can stop the tape whenever you like.",
        "We destroy old recordings after a year.",
    ],
)
def test_what_someone_does_to_a_recording_is_no_request_to_do_it(statement: str) -> None:
    """An unnamed mono voice may be the agent explaining retention: a request verb after a subject or an
    auxiliary is a statement."""
    assert detect_objection([seg(statement, U)], LIB) is None


@pytest.mark.parametrize(
    "statement",
    [
        "You are not on a recording list.",
        "We never delete a recording before ninety days.",
        "There is no recording of the old contract.",
    ],
)
@pytest.mark.parametrize("speaker", [P, U])
def test_a_negation_that_does_not_bind_to_the_recording_word_is_no_objection(statement: str, speaker: Speaker) -> None:
    """A phrase whose only content word is the recording word ("no recording please") has nothing else to agree
    on: a "not" three words off or a "there is no" must not lower its threshold."""
    assert detect_objection([seg(statement, speaker)], LIB) is None


@pytest.mark.parametrize(
    "asked",
    [
        "Delete the recording after ninety days.",
        "Please delete the recording at any time.",
        "Erase the recording after a year.",
    ],
)
def test_the_same_verb_opening_the_sentence_is_a_request(asked: str) -> None:
    """The statements above with the verb first: the prospect's request, from an unnamed voice too."""
    assert detect_objection([seg(asked, U)], LIB) is not None


def test_a_wish_in_the_prospects_own_words_counts_though_the_i_was_lost() -> None:
    objection = detect_objection([seg("You know, would rather not be recorded.", P)], LIB)
    assert objection is not None and objection.evidence["phrase"] == "i would rather not be recorded"


def test_agent_words_are_never_an_objection() -> None:
    assert detect_objection([seg("I can stop the recording if you like.", A)], LIB) is None


def test_no_to_a_consent_question_is_an_objection() -> None:
    segments = [seg("This call may be recorded for training. If you consent, say consent."), seg("No.", P, 8.0)]
    result = assess_disclosure(segments)
    assert result.verdict.status == DisclosureStatus.OBJECTED
    assert result.objection is not None and result.objection.at_s == 8.0


def hit(at_s: float, method: DisclosureMethod = DisclosureMethod.VERBAL) -> DisclosureHit:
    return DisclosureHit(method, at_s, 90.0, {"text": "this call is recorded"})


def test_verdict_given_late_missing() -> None:
    policy = DisclosurePolicy()
    assert decide([hit(20.0), hit(4.0)], None, policy).to_dict() == {
        "status": "given",
        "method": "verbal",
        "at_s": 4.0,
        "deadline_s": 15.0,
        "evidence": {"text": "this call is recorded"},
    }
    assert decide([hit(15.0)], None, policy).status == DisclosureStatus.GIVEN  # the deadline itself is in time
    assert decide([hit(15.5)], None, policy).status == DisclosureStatus.LATE
    missing = decide([], None, policy).to_dict()
    assert missing == {"status": "missing", "method": None, "at_s": None, "deadline_s": 15.0, "evidence": {}}


def test_objection_wins_and_keeps_the_disclosure_time() -> None:
    verdict = decide([hit(2.0)], Objection(6.0, {"text": "don't record me"}), DisclosurePolicy())
    assert verdict.status == DisclosureStatus.OBJECTED and verdict.at_s == 2.0
    assert verdict.evidence["objection"]["at_s"] == 6.0
    assert decide([], Objection(6.0), DisclosurePolicy()).status == DisclosureStatus.OBJECTED


def test_policy_methods_and_deadline() -> None:
    ivr_only = DisclosurePolicy(methods=parse_methods("ivr"), deadline_s=10.0)
    verdict = decide([hit(1.0), hit(12.0, DisclosureMethod.IVR)], None, ivr_only)
    assert (verdict.status, verdict.method, verdict.deadline_s) == (DisclosureStatus.LATE, DisclosureMethod.IVR, 10.0)
    assert parse_methods("both") == frozenset(DisclosureMethod)
    with pytest.raises(ValueError, match="verbal, ivr or both"):
        parse_methods("email")
    assert DisclosurePolicy.from_dict(ivr_only.to_dict()) == ivr_only


def test_explicit_yes_required() -> None:
    policy = DisclosurePolicy(require_explicit_yes=True)
    unconfirmed = decide([hit(3.0)], None, policy)
    assert unconfirmed.status == DisclosureStatus.MISSING and unconfirmed.at_s is None
    assert unconfirmed.evidence["reason"] == "no_consent_answer"
    assert unconfirmed.evidence["unconfirmed"]["at_s"] == 3.0
    too_late = decide([hit(3.0)], None, policy, [ConsentAnswer(30.0)])
    assert too_late.status == DisclosureStatus.MISSING
    confirmed = decide([hit(3.0)], None, policy, [ConsentAnswer(6.0, {"text": "yes"})])
    assert confirmed.status == DisclosureStatus.GIVEN and confirmed.evidence["consent"]["at_s"] == 6.0


def test_explicit_yes_end_to_end() -> None:
    policy = DisclosurePolicy(require_explicit_yes=True)
    asked = seg("This call may be recorded for training purposes. Is that okay with you?")
    assert assess_disclosure([asked, seg("Yes, that's fine.", P, 9.0)], policy).verdict.status == "given"
    assert assess_disclosure([asked, seg("What is this about?", P, 9.0)], policy).verdict.status == "missing"
    mind = seg("Do you mind if I record this call?")
    assert assess_disclosure([mind, seg("No, go ahead.", P, 6.0)], policy).verdict.status == "given"


def test_policy_phrases_extend_and_replace_the_library() -> None:
    segments = [seg("Heads up, this chinwag is being recorded.")]
    assert assess_disclosure(segments).verdict.status == "given"  # the library's fuzzy match already
    custom = DisclosurePolicy(replace_disclosure_phrases=("zz top",))
    assert assess_disclosure(segments, custom).verdict.status == "missing"
    assert LIB.version and len(LIB.disclosure) > 40 and len(LIB.decoys) > 10


def test_time_is_where_the_matched_words_start_in_an_unpunctuated_run_on() -> None:
    """ASR without punctuation gives no sentence start: the time is the matched words', not the segment's."""
    text = "hi this is tom from acme calling about your energy bill and this call is recorded for quality"
    hits = detect_disclosures([seg(text, start=3.0)], LIB)
    assert len(hits) == 1
    assert hits[0].at_s == pytest.approx(3.0 + 0.35 * 12, abs=0.01)  # "this call is recorded"


def test_a_match_that_starts_in_the_sentence_before_is_timed_from_the_recording_words_own_sentence() -> None:
    """The fuzzy alignment may begin in the sentence before ("it is | our call is recorded" is close to "this call
    is recorded"), and that sentence's start can be seconds before the disclosure was said."""
    text = "Hello, sorry, I was going to say it is... Our call is recorded for training."
    hits = detect_disclosures([seg(text, start=3.0)], LIB)
    assert len(hits) == 1
    assert hits[0].at_s == pytest.approx(3.0 + 0.35 * 9, abs=0.01)  # "Our"


def test_a_whole_phrase_match_does_not_start_a_word_early_in_the_greeting() -> None:
    """A greeting ("Hi, this is Ramel.") then "this call is being recorded": the stretch from "Ramel" on matches
    the phrase nearly as well, and its sentence start would put the disclosure in the greeting, 4.6 s early."""
    greeting = seg("Hi, this is Ramel.", A, 0.2, step=0.8)
    disclosure = seg("this call is being recorded for duality", A, 4.8)
    hits = detect_disclosures([greeting, disclosure])
    assert [h.at_s for h in hits] == [4.8]


def test_an_objection_after_a_long_pause_is_timed_where_the_speech_resumes() -> None:
    """The plain pass joined "Yes?" and, six seconds later, the objection into one sentence of one segment."""
    objection = "I don't want any recording of this."
    said = [Word("Yes,", 2.9, 3.2, 0.9)] + [
        Word(w, 8.9 + 0.3 * i, 9.15 + 0.3 * i, 0.9) for i, w in enumerate(objection.split(" "))
    ]
    joined = Segment(P, 2.9, said[-1].end_s, " ".join(w.text for w in said), tuple(said))
    found = detect_objection([joined], LIB)
    assert found is not None and found.at_s == pytest.approx(8.9)
    # without the pause, the sentence's start is its first word as before
    close = [Word("Yes,", 7.9, 8.2, 0.9), *said[1:]]
    found = detect_objection([Segment(P, 7.9, said[-1].end_s, joined.text, tuple(close))], LIB)
    assert found is not None and found.at_s == pytest.approx(7.9)
