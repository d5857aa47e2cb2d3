"""Dates of birth and card expiry dates written as dates ("03/14/1985", "March 14th, 1985", "05/27").

A date is personal data only when the words around it say whose and what it is ("born", "date of birth",
"expires"), or the conversation asked for it (the context window's hint): "the meeting on March 3rd" is not
PII. Spoken dates arrive here already as digits ("march fourteenth nineteen eighty five" -> "march 14th 1985").
"""

from __future__ import annotations

import re

from callwarden.domain.pii import PiiType

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)?\d\d"
_SEP = r"\s?(?:[/.-]|\s|\bslash\b)\s?"
_FULL_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAY}(?:,?\s+(?:of\s+)?{_YEAR})?"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|[01]?\d{_SEP}[0-3]?\d{_SEP}{_YEAR}"
    rf"|(?:19|20)\d\d-[01]\d-[0-3]\d)\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"\b(?:[01]?\d{_SEP}{_YEAR}|{_MONTH},?\s+(?:of\s+)?{_YEAR})\b", re.IGNORECASE)
_DOB_WORDS = re.compile(r"\b(?:born|birth|birthday|dob|d\.?o\.?b\.?)\b", re.IGNORECASE)
_EXPIRY_WORDS = re.compile(r"\b(?:expir\w*|exp|valid\s+(?:thru|through|until)|good\s+(?:thru|through))\b", re.I)
_NEAR = 50


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return bool(pattern.search(text[max(0, start - _NEAR) : start]) or pattern.search(text[end : end + 15]))


def find_dates(text: str, hint: PiiType | None = None) -> list[tuple[PiiType, int, int]]:
    """Dates of birth and expiry dates in ``text`` (normalised), typed by nearby words or the hint."""
    found: list[tuple[PiiType, int, int]] = []
    for match in _FULL_DATE.finditer(text):
        if hint is PiiType.DATE_OF_BIRTH or _near(_DOB_WORDS, text, match.start(), match.end()):
            found.append((PiiType.DATE_OF_BIRTH, match.start(), match.end()))
        elif hint is PiiType.CARD_EXPIRY or _near(_EXPIRY_WORDS, text, match.start(), match.end()):
            found.append((PiiType.CARD_EXPIRY, match.start(), match.end()))
    for match in _MONTH_YEAR.finditer(text):
        if any(a <= match.start() < b for _, a, b in found):
            continue
        expiry = hint in (PiiType.CARD_EXPIRY, PiiType.CREDIT_CARD) or _near(
            _EXPIRY_WORDS, text, match.start(), match.end()
        )
        if expiry:
            found.append((PiiType.CARD_EXPIRY, match.start(), match.end()))
    return found
