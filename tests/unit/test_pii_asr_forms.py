"""PII the way tiny.en really writes a call: digits read out as lists, garbled agent requests, bare numbers.

The prospect turns below are what tiny.en made of synthetic calls (bench/redaction_audio.py); the ordinary
sentences are what a prospect says on a sales call with numbers in it, which must stay readable.
"""

from __future__ import annotations

import itertools

import pytest

from callwarden.analysis.pii import find_pii_in_segments, find_pii_in_text, redact_text, spoken
from callwarden.analysis.pii.windows import requested_type
from callwarden.domain.pii import PiiType
from callwarden.domain.transcript import Segment, Speaker, Word

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN


def seg(speaker: Speaker, start: float, end: float, text: str) -> Segment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    timed = tuple(Word(w, start + i * step, start + (i + 1) * step, 0.9) for i, w in enumerate(tokens))
    return Segment(speaker, start, end, text, timed, channel=0 if speaker is A else 1)


def typed(text: str) -> list[tuple[str, str]]:
    return [(s.type.value, text[s.start : s.end]) for s in find_pii_in_text(text)]


def call(*turns: tuple[Speaker, str]) -> list[Segment]:
    return [seg(who, 4.0 * i, 4.0 * i + 3.5, text) for i, (who, text) in enumerate(turns)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Okay, you can call me at 512, 5, 5, 5, 0, 1, 4, 7.", [("PHONE_NUMBER", "512, 5, 5, 5, 0, 1, 4, 7")]),
        (
            "Okay, 5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, it's 4, 2.",
            [("CREDIT_CARD", "5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2"), ("CVV", "4, 2")],
        ),
        ("Okay. Chair, it is 4532-015112830366 and 39.", [("CREDIT_CARD", "4532-015112830366"), ("CVV", "39")]),
        ("card 4532 0151 1283 0366, 04/27", [("CREDIT_CARD", "4532 0151 1283 0366"), ("CARD_EXPIRY", "04/27")]),
        ("it's 4532, 0151, 1283, 0366", [("CREDIT_CARD", "4532, 0151, 1283, 0366")]),
        ("my number is 512, 555, 0147", [("PHONE_NUMBER", "512, 555, 0147")]),
        ("social is 123. 45. 6789", [("US_SSN", "123. 45. 6789")]),
        ("5 5 5 5 4 4 4 4 3 3 3 3 2 2 2 2", [("CREDIT_CARD", "5 5 5 5 4 4 4 4 3 3 3 3 2 2 2 2")]),
    ],
)
def test_digits_read_out_as_a_list_are_one_number(text: str, expected: list[tuple[str, str]]) -> None:
    assert typed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1, 2 or 3 people",
        "between 9 and 5",
        "we could do 9, 10, 11 or noon",
        "we looked at it in 2019, 2020, 2021, 2022",
        "that is 1,500 dollars",
        "the plans are 49, 59 and 99",
        "sizes 8, 10, 12",
        "a few hundred dollars",
        "a hundred and fifty panels",
        "the first thousand dollars are free",
        "five double twenty",
    ],
)
def test_lists_of_quantities_are_not_one_number(text: str) -> None:
    assert find_pii_in_text(text) == []


def test_every_pair_of_number_words_normalises_without_error() -> None:
    vocab = sorted(spoken._STRONG | spoken._WEAK)
    for pair in itertools.product(vocab, repeat=2):
        assert isinstance(spoken.words_to_digits(list(pair)), str), pair
    assert spoken.words_to_digits(["hundred"]) == "100"


def test_a_short_number_after_a_card_is_its_code_or_its_expiry() -> None:
    assert typed("4532 0151 1283 0366 and the code 739") == [("CREDIT_CARD", "4532 0151 1283 0366"), ("CVV", "739")]
    assert typed("4532015112830366 then 1227")[1] == ("CARD_EXPIRY", "1227")
    assert typed("4532015112830366 for 20 dollars") == [("CREDIT_CARD", "4532015112830366")]


GARBLED_CARD_CALL = call(
    (A, "Hello, this is Sam from Sunrise Solar, this call is recorded."),
    (P, "Okay."),
    (A, "Can I take your current number from a bit on its clean?"),
    (P, "Okay. Chair, it is 4532-015112830366"),
    (A, "Take hold on in the back."),
    (P, "and 739."),
)


def test_garbled_card_requests_still_type_the_answers() -> None:
    result = find_pii_in_segments(GARBLED_CARD_CALL)
    assert result.segments[3].text.endswith("[CREDIT_CARD]")
    assert result.segments[5].text == "and [CVV]"  # the word "739." with its full stop
    assert result.needs_review


def test_a_bare_run_after_a_garbled_payment_talk_gets_the_payment_type() -> None:
    result = find_pii_in_segments(
        call(
            (A, "Well, in the long time, we're on the front. It's on the front. And it's my free digit code."),
            (P, "Okay, it's 402."),
            (A, "Hmm, and when is it good till, the expire."),
            (P, "oh four twenty seven"),
        )
    )
    assert [s.type for s in result.spans] == [PiiType.CVV, PiiType.CARD_EXPIRY]
    assert result.needs_review


@pytest.mark.parametrize(
    ("asking", "kind"),
    [
        ("Can I take your current number from a bit on its clean?", PiiType.CREDIT_CARD),
        ("And the three digit code?", PiiType.CVV),
        ("Could you read me the free digit code on the back?", PiiType.CVV),
        ("What is the long number on the front?", PiiType.CREDIT_CARD),
        ("What is the best number to reach you?", PiiType.PHONE_NUMBER),
    ],
)
def test_garbled_requests_open_a_window(asking: str, kind: PiiType) -> None:
    asked = requested_type(asking)
    assert asked is not None and asked[0] is kind


@pytest.mark.parametrize(
    "asking",
    [
        "What's the current number of people in the house?",
        "Can I call you back tomorrow?",
        "Which side is on the front of the house?",
        "Is the meter on the back of the garage?",
        "Could you check the security light?",
        "What's the number of panels you want?",
    ],
)
def test_ordinary_questions_open_no_window(asking: str) -> None:
    assert requested_type(asking) is None


ORDINARY = [
    "We pay about 240 a month for power.",
    "My bill was 185 last month.",
    "We moved here in 2015.",
    "The house is 2400 square feet.",
    "We have 3 kids and 2 dogs.",
    "Can you come at 930 on Tuesday?",
    "I get home around 530.",
    "The roof is about 12 years old.",
    "We'd need maybe 20 panels.",
    "It was built in 1998.",
    "Our budget is 15000 for the whole thing.",
    "I think it costs 199 a month.",
    "We use 900 kilowatt hours in summer.",
    "That's over 300 dollars.",
    "The quote said 24500 before the tax credit.",
    "We've been with them since 2010.",
    "I work from 9 to 5.",
    "There are 4 bedrooms and 2 bathrooms.",
    "I'm 45, my wife is 43.",
    "The system is 6 kilowatts.",
    "We got 2 quotes already, one was 18000.",
    "Call back after 6 pm.",
    "Give me 10 minutes.",
    "It's about 1500 square feet upstairs.",
    "We spent 800 on the new water heater.",
    "The panels would be on the south side, 3 rows of 8.",
    "My neighbour paid 22000 in 2021.",
    "Okay, 30 years is a long loan.",
    "Between 150 and 200 a month.",
    "Maybe 2 or 3 weeks from now.",
    "The meter reads 4521 kwh for the year.",
    "We have 2 cars, one is electric.",
    "We bought the house in 2008, the roof in 2019.",
    "My electric is like 275.",
]


def test_ordinary_numbers_in_prospect_turns_stay_readable() -> None:
    turns = [seg(A, 0.0, 3.0, "So tell me a bit about your home and your energy use.")]
    turns += [seg(P, 4.0 + 4 * i, 7.0 + 4 * i, text) for i, text in enumerate(ORDINARY)]
    result = find_pii_in_segments(turns)
    flagged = {result.segments[s.segment].text for s in result.spans}
    assert not flagged
    assert [s.text for s in result.segments[1:]] == ORDINARY


def test_ordinary_numbers_stay_readable_after_payment_talk_too() -> None:
    turns = [seg(A, 0.0, 3.0, "The deposit goes on your card, no code needed.")]
    turns += [seg(P, 4.0 + 2 * i, 5.5 + 2 * i, text) for i, text in enumerate(ORDINARY)]  # all within the topic's reach
    result = find_pii_in_segments(turns)
    assert [s.text for s in result.segments[1:]] == ORDINARY


def test_a_bare_number_nothing_explains_is_redacted_for_review() -> None:
    result = find_pii_in_segments(call((A, "Okay, go ahead."), (P, "it's 4417, that one.")))
    assert result.segments[1].text == "it's [BANK_ACCOUNT] that one."
    assert result.needs_review
    agent = find_pii_in_segments(
        call(
            (A, "It's 4417, that one."),
        )
    )
    assert agent.spans == ()  # the agent's own bare numbers are not a prospect's data


def test_redacted_text_of_a_read_out_keeps_the_words_around_it() -> None:
    text = "Okay, you can call me at 512, 5, 5, 5, 0, 1, 4, 7. Thanks."
    assert redact_text(text, find_pii_in_text(text)) == "Okay, you can call me at [PHONE_NUMBER]. Thanks."


def test_a_request_tiny_en_ran_into_the_next_turn_still_opens_a_window() -> None:
    result = find_pii_in_segments(
        [
            seg(A, 5.8, 14.1, "What the email address should we will have it with it in the hour."),
            seg(P, 4.2, 11.3, "Okay, it's yong.midnastymail.com"),
        ]
    )
    assert result.segments[1].text == "Okay, it's [EMAIL_ADDRESS]"


def test_a_code_tiny_en_cut_to_two_digits_in_its_own_turn_is_still_the_code() -> None:
    result = find_pii_in_segments(
        call(
            (A, "It's on the front. And it's my free digit code."), (P, "It's 4, 2."), (P, "I'm 42 and my wife is 43.")
        )
    )
    assert result.segments[1].text == "It's [CVV]"
    heard_as_or = find_pii_in_segments(call((A, "And it's my free digit code."), (P, "It's 4 or 2.")))
    assert heard_as_or.segments[1].text == "It's [CVV]"
    assert result.segments[2].text == "I'm 42 and my wife is 43."  # topic does not reach past 3-digit runs
