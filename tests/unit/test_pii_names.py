"""Names of people from the shipped name list, capitalisation and cues (``analysis.pii.names``, ``people``)."""

from __future__ import annotations

import pytest

from callwarden.analysis.pii import find_pii_in_text
from callwarden.analysis.pii.names import name_list, parse_names


def people(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_pii_in_text(text) if s.type.value == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Catherine is a very sympathetic person.", ["Catherine"]),  # listed, first in the sentence
        ("Follow up with Maureen Thibault in a couple of months.", ["Maureen Thibault"]),  # grows to the surname
        ("a film directed by Maciej Borkowski", ["Maciej Borkowski"]),  # grows back from a listed surname
        ("songwriter Zoe Young employs corporate lingo", ["Zoe Young"]),  # "Young" vouched for by "Zoe"
        ("Anna van Dijk and Shane M Culp", ["Anna van Dijk", "Shane M Culp"]),  # particle; initial
        ("the keynote is Hanne I. Kreutzmann", ["Hanne I. Kreutzmann"]),  # given name, initial, surname
        ("Name:    Emilie Broberg Phone", ["Emilie Broberg"]),  # a form's label
        ("What's your last name? Magnusson", ["Magnusson"]),  # the answer to a name question
        ("My name is Ján M. Novák", ["Ján M. Novák"]),  # letters beyond ASCII
        ("yeah this is jennifer calling back", ["jennifer"]),  # lower-case ASR after a weak cue
        ("can i speak with mark please", ["mark"]),  # an everyday word after a strong cue
        ("you were talking to mister smith", ["smith"]),
    ],
)
def test_names_are_found(text: str, names: list[str]) -> None:
    assert people(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Will my account stay active?",  # everyday word first in a sentence
        "we will mark the bill and grant the rose a summer",  # lower-case everyday words, no cue
        "I'd like the White Stripes album",  # an everyday-word name without a listed partner
        "the last Sunday before Labor Day",
        "He lives on Jackson Avenue",  # a street named after a person
        "She moved to New York last year",  # a place
        "He lives on the north side of Joaquin Suarez 2906.",  # a street, then its house number
        "we need Plan B Capital",  # an initial without a dot and no listed given name
        "this is brown",  # an everyday word after only a weak cue
    ],
)
def test_decoys_are_not_names(text: str) -> None:
    assert people(text) == []


def test_the_list_is_large_and_the_everyday_words_are_in_it() -> None:
    names = name_list()
    assert len(names.given) > 500 and len(names.surnames) > 500
    assert {"will", "may", "mark", "bill", "grant", "rose", "summer", "young", "white", "brown", "green"} <= (
        names.ambiguous
    )


def test_a_malformed_list_is_an_error_naming_the_file_and_the_list() -> None:
    with pytest.raises(ValueError, match=r"pii_names.json: surnames must be"):
        parse_names({"given": ["Ann"], "surnames": [], "ambiguous": ["Will"]})
