"""Street addresses beyond "number + street + suffix" (``analysis.pii.places``): PO boxes, ships, European
streets, a postcode first, and the rest of an address block up to its postcode."""

from __future__ import annotations

import pytest

from callwarden.analysis.pii import find_pii_in_text


def addresses(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_pii_in_text(text) if s.type.value == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("I live at forty-two Baker Street, apartment five", "forty-two Baker Street, apartment five"),  # spoken
        ("send it to 123 NE Broadway Ave please", "123 NE Broadway Ave"),  # a directional
        ("send it to 975 3968 Bay Street, Toronto", "975 3968 Bay Street"),  # a postcode first
        ("write to P.O. Box 242 today", "P.O. Box 242"),
        ("sent to USNS Bergman FPO AP 93757 last week", "USNS Bergman FPO AP 93757"),
        ("his address: 5049 Harjukuja 54, SEINÄJOKI", "5049 Harjukuja 54"),  # a compound ending in a street word
        ("lives at 86036 Rua do Arenque 1634, Goiânia", "86036 Rua do Arenque 1634"),  # a street word first
        ("at 770 26 rue des lieutemants Thomazo", "770 26 rue des lieutemants Thomazo"),
        ("The bus station is on Villacher Strasse 89", "Villacher Strasse 89"),
        ("808 Kálmán Imre u. 12. is the place", "808 Kálmán Imre u. 12."),
        ("eva lives at 255 hersnapvej 18, københavn", "255 hersnapvej 18"),  # lower case
        (
            "Maureen Thibault  41086 Kiannonkatu 98  Suite 464  OULU   Finland 80896",
            "41086 Kiannonkatu 98  Suite 464  OULU   Finland 80896",  # the block up to its postcode
        ),
        (
            ">3654 Brixtonlaan 380 >Suite 727 >Charleroi >Belgium 42940",
            "3654 Brixtonlaan 380 >Suite 727 >Charleroi >Belgium 42940",
        ),
    ],
)
def test_addresses_are_found(text: str, address: str) -> None:
    assert addresses(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "During 1971, the company invested heavily",  # ends like a street word, is not one
        "read Chapter 5 and Section 12 tonight",  # a capitalised word and a number
        "the meeting via Zoom 3 times",  # a street word first, then no house number but a count
        "Maureen Thibault lives at 41086 Kiannonkatu 98, Oulu and likes it",  # no postcode: no block tail
        "I moved to New York in 2019",
    ],
)
def test_decoys_are_not_addresses(text: str) -> None:
    found = addresses(text)
    if "Kiannonkatu" in text:
        assert found == ["41086 Kiannonkatu 98"]
    else:
        assert found == []
