"""PII in standalone text: each detector, spoken forms, decoys, and exact offsets."""

from __future__ import annotations

import pytest

from callwarden.analysis.pii import find_pii_in_text, redact_text
from callwarden.analysis.pii.checksums import aba_valid, luhn_valid
from callwarden.domain.pii import PiiSource, PiiType, TextSpan


def redacted(text: str) -> str:
    return redact_text(text, find_pii_in_text(text))


def types(text: str) -> list[str]:
    return [s.type.value for s in find_pii_in_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my card is 4532 0151 1283 0366 thanks", "my card is [CREDIT_CARD] thanks"),
        ("card 4532-0151-1283-0366.", "card [CREDIT_CARD]."),
        ("four five three two oh one five one one two eight three oh three six six", "[CREDIT_CARD]"),
        ("4532 oh one five one 1283 double oh three triple six", "[CREDIT_CARD]"),
        ("it is four-five-three-two-zero-one-five-one-one-two-eight-three-zero-three-six-six", "it is [CREDIT_CARD]"),
        ("number 45320151128303667 sorry", "number [CREDIT_CARD] sorry"),
        ("my social is 460-89-9847", "my social is [US_SSN]"),
        ("my social is four six oh eight nine nine eight four seven", "my social is [US_SSN]"),
        ("call me at (555) 123-4567 tonight", "call me at [PHONE_NUMBER] tonight"),
        ("reach me on +1-984-182-0190", "reach me on [PHONE_NUMBER]"),
        ("email john.smith@gmail.com now", "email [EMAIL_ADDRESS] now"),
        ("it's john dot smith at gmail dot com", "it's [EMAIL_ADDRESS]"),
        ("the security code is one two three", "the security code is [CVV]"),
        ("it expires oh five twenty seven", "it expires [CARD_EXPIRY]"),
        ("expiration 05/27", "expiration [CARD_EXPIRY]"),
        ("I was born on march fourteenth nineteen eighty five", "I was born on [DATE_OF_BIRTH]"),
        ("routing number 021000021", "routing number [ROUTING_NUMBER]"),
        ("I live at 42 Elm Street, Apt 5", "I live at [STREET_ADDRESS]"),
        ("one two three main street", "[STREET_ADDRESS]"),
        ("my name is Jane Doe", "my name is [PERSON]"),
        ("Hi, this is Mark from SunBright Solar.", "Hi, this is [PERSON] from SunBright Solar."),
    ],
)
def test_redacts(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we are three people",
        "let's talk at 9 30 tomorrow",
        "they have a great track record",
        "it is $49.99 a month",
        "that is 1,500 dollars",
        "oh I see, go to the store for two days",
        "this is great, thank you",
        "three people drive to work",
        "the meeting on March 3rd",
        "look at the card",
        "When: 2000-04-16 11:34:35",
        "keep getting address 86.121.97.248 blocked",
        "ZIP: 75534-030",
    ],
)
def test_decoys_stay(text: str) -> None:
    assert find_pii_in_text(text) == []


def test_luhn_valid_card_is_a_checksum_hit_and_invalid_still_a_card() -> None:
    valid = find_pii_in_text("4532015112830366")
    invalid = find_pii_in_text("4532015112830367")
    assert valid[0].source is PiiSource.CHECKSUM
    assert invalid[0].type is PiiType.CREDIT_CARD
    assert invalid[0].confidence < valid[0].confidence


def test_offsets_are_into_the_original_text() -> None:
    text = "card four five three two oh one five one one two eight three oh three six six, thanks"
    [span] = find_pii_in_text(text)
    assert text[span.start : span.end] == "four five three two oh one five one one two eight three oh three six six"


def test_a_long_unknown_run_is_redacted_anyway() -> None:
    [span] = find_pii_in_text("reference 483920")
    assert span.type is PiiType.BANK_ACCOUNT
    assert span.confidence < 0.6


def test_redact_text_rejects_a_span_outside_the_text() -> None:
    with pytest.raises(ValueError, match="outside"):
        redact_text("short", [TextSpan(PiiType.CVV, 3, 9, 1.0, PiiSource.PATTERN)])


def test_house_numbers_belong_to_the_address_not_a_phone() -> None:
    assert types("send it to 975 3968 Bay Street, Toronto") == ["STREET_ADDRESS"]
    assert types("3747 3911 fourth avenue") == ["STREET_ADDRESS"]


def test_an_id_without_a_type_of_its_own_is_still_redacted() -> None:
    assert types("my driver's license number is 2270-66-1551") == ["BANK_ACCOUNT"]


@pytest.mark.parametrize(("digits", "valid"), [("021000021", True), ("011000015", True), ("021000022", False)])
def test_aba_routing_checksum(digits: str, valid: bool) -> None:
    assert aba_valid(digits) is valid


@pytest.mark.parametrize(("digits", "valid"), [("4532015112830366", True), ("79927398713", True), ("1234", False)])
def test_luhn_checksum(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_numbers_asr_joined_into_one_run_are_treated_as_card_data() -> None:
    [span] = find_pii_in_text("4-5-3-2-01-5-1-1-2-8-3-0-3-6-6-5-27-3-1-10-2 very much")
    assert span.type is PiiType.CREDIT_CARD
    assert span.confidence < 0.6  # and so the call goes to review
