"""Phone numbers told from the postcodes and house numbers of postal addresses (``analysis.pii.phones``)."""

from __future__ import annotations

import pytest

from callwarden.analysis.pii import find_pii_in_text


def phones(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_pii_in_text(text) if s.type.value == "PHONE_NUMBER"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Can someone call me on 9472 7916", "9472 7916"),
        ("They're not answering at 78 651 450", "78 651 450"),
        ("my number is 555 1234", "555 1234"),
        ("reach the desk on 60-56-85-91 today", "60-56-85-91"),
        ("Apt. 5, Springfield, 781 1704 office", "781 1704"),  # after an address, but a phone word follows
        ("Please have the manager call me at 0494 92 82 32", "0494 92 82 32"),
        ("the UK mobile 07700 063 966 is mine", "07700 063 966"),  # a 5-digit group with its trunk 0
        ("he lives at (555) 123-4567", "(555) 123-4567"),  # dialled form: parentheses make it a phone
        (
            "it is five five five, one two three, four five six seven",
            "five five five, one two three, four five six seven",
        ),
    ],
)
def test_phone_numbers_are_found(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "Looking to support MysticWeb in Quinta de São Tiago 3610-114 in its mission",  # 4-3: a postcode
        "Juliusz lives at 28919 136 Filadelfeos Str., Klirou",  # postcode then house number
        "Please return to 94941 2505 Heatherleigh Suite 620",  # 5-digit group without a trunk 0
        "The restaurant is at 9816 214 Pavlou Drandaki",  # an address verb right before
        "The letter arrived at 636 1812 Rue De La Gare",
        "04862 Victor Hugo u. 49. Suite 638\nHania Bazid, 43 73313",  # postcode after the unit
        "My zip code is 90010-170",
    ],
)
def test_address_numbers_are_not_phones(text: str) -> None:
    assert phones(text) == []
