"""Digit runs (card, security code, expiry, SSN, account, routing and phone numbers) and what type each one is.

A run is found in the normalised text (spoken numbers already digits), so "4532 oh one five one" and
"4532-0151" are both one run. Its type comes, in order, from:
1. a keyword near it whose type fits its length ("security code ... 123", "my social is ..."), nearest first;
2. the type the conversation asked for (the context window's hint), when it fits;
3. its shape: a "+", "(area)" or extension makes a phone; 13-19 digits, or 12 without separators, a card;
   3-2-4 an SSN; other grouped runs of 7-15 digits, or 10-11 digits, a phone.
A run of more than 19 digits is several numbers ASR joined, a card among them for all we know (CREDIT_CARD,
low confidence). A run of 6 or more digits that none of these explains is still redacted (BANK_ACCOUNT, low
confidence: fail closed; an ID we have no type for, "license number ...", goes there too). Prices ("$49.99", "300
dollars"), ZIP codes, ISO dates, IP addresses, and house or unit numbers (the address detector's) are not
PII runs; shorter runs with no keyword ("three people",
"at 9 30") are left alone.
"""

from __future__ import annotations

import re

from callwarden.analysis.pii.checksums import aba_valid, luhn_valid
from callwarden.analysis.pii.finding import Finding
from callwarden.analysis.pii.phones import plausible_phone
from callwarden.analysis.pii.places import STREET_AFTER
from callwarden.analysis.pii.vocabulary import vocabulary
from callwarden.domain.pii import PiiSource, PiiType

_RUN = re.compile(
    r"(?<![\w@.\-/])"
    r"(?:\+ ?)?(?:\(\d{1,4}\) ?)?"
    r"\d+(?:(?: ?[-.] ?| | ?\(\d{1,4}\) ?)\d+)*"
    r"(?: ?(?:x|ext\.?) ?\d{1,5})?"
    r"(?![\w@]|[-/.:]\d)"
)
_NOT_A_NUMBER = re.compile(
    r"^(?:(?:19|20)\d\d-[01]\d-[0-3]\d(?: \d\d?)?"  # an ISO date (and the hour of its time)
    r"|(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})$"  # an IP address
)
_NOT_PII_BEFORE = re.compile(
    r"\b(?:zip|zip code|postal code|post code|postcode|zipcode|plz|cep)(?:\s+(?:is|was|of))?\W{0,3}$", re.IGNORECASE
)
_UNIT_BEFORE = re.compile(r"\b(?:suite|ste|apt|apartment|unit|box)\.?\s*#?\s*$", re.IGNORECASE)
_OTHER_ID = re.compile(r"\b(?:licen[cs]e|passport|id|identification|member|policy|reference)\b[\w\s#:]{0,20}$", re.I)
_EXTENSION = re.compile(r" ?(?:x|ext\.?) ?\d{1,5}$")
_CURRENCY_BEFORE = re.compile(r"[$€£¥]\s?$|\b(?:usd|eur|gbp)\s?$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s?(?:dollars?|bucks|cents?|percent|%|usd|euros?|pounds|k\b)", re.IGNORECASE)
_BEFORE_CHARS, _AFTER_CHARS = 60, 30
_FITS: dict[PiiType, tuple[int, int]] = {
    PiiType.CREDIT_CARD: (12, 19),
    PiiType.CVV: (3, 4),
    PiiType.CARD_EXPIRY: (3, 6),
    PiiType.US_SSN: (9, 9),
    PiiType.ROUTING_NUMBER: (9, 9),
    PiiType.BANK_ACCOUNT: (4, 17),
    PiiType.PHONE_NUMBER: (7, 15),
    PiiType.DATE_OF_BIRTH: (6, 8),
}
_HINT_FITS = {**_FITS, PiiType.CREDIT_CARD: (8, 20), PiiType.US_SSN: (4, 11)}  # ASR adds and drops digits
FAIL_CLOSED_DIGITS = 6


def _groups(run: str) -> list[int]:
    return [len(g) for g in re.findall(r"\d+", run)]


def _checked(kind: PiiType, digits: str, base: float, source: PiiSource) -> tuple[PiiType, float, PiiSource]:
    """Raise confidence when the type's checksum holds."""
    if (kind is PiiType.CREDIT_CARD and luhn_valid(digits)) or (kind is PiiType.ROUTING_NUMBER and aba_valid(digits)):
        return kind, 0.97, PiiSource.CHECKSUM
    return kind, base, source


def _by_keyword(text: str, start: int, end: int, n: int) -> PiiType | None:
    """The nearest keyword before the run (then after it) whose type fits ``n`` digits."""
    before = text[max(0, start - _BEFORE_CHARS) : start].lower()
    after = text[end : end + _AFTER_CHARS].lower()
    hits: list[tuple[int, PiiType]] = []
    for kind, pattern in vocabulary().keywords:
        lo, hi = _FITS.get(kind, (0, -1))
        if not lo <= n <= hi:
            continue
        hits.extend((len(before) - m.end(), kind) for m in pattern.finditer(before))
        hits.extend((_AFTER_CHARS * 2 + m.start(), kind) for m in pattern.finditer(after))
    return min(hits, key=lambda hit: hit[0])[1] if hits else None


def _by_hint(hint: PiiType, digits: str) -> PiiType | None:
    n = len(digits)
    if hint is PiiType.CREDIT_CARD and n <= 6:  # what follows a card in the same answer: expiry, then code
        month = int(digits[:2]) if n in (4, 6) else int(digits[:1])
        return PiiType.CARD_EXPIRY if n != 3 and 1 <= month <= 12 else PiiType.CVV
    lo, hi = _HINT_FITS.get(hint, (1, 64))
    return hint if lo <= n <= hi else None


def _by_shape(run: str, digits: str) -> tuple[PiiType, float] | None:
    n, groups = len(digits), _groups(run)
    grouped = len(groups) > 1
    if (run.startswith(("+", "(")) or _EXTENSION.search(run)) and 7 <= n <= 15:
        return PiiType.PHONE_NUMBER, 0.85
    card_groups = (all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4) or groups in ([4, 6, 5], [4, 6, 4])
    if 13 <= n <= 19 or (n == 12 and (not grouped or card_groups)):
        if not grouped or card_groups:
            return PiiType.CREDIT_CARD, 0.75
        if n <= 15:
            return PiiType.PHONE_NUMBER, 0.7
        return PiiType.CREDIT_CARD, 0.6
    if n == 9 and groups == [3, 2, 4]:
        return PiiType.US_SSN, 0.9
    if n == 9 and not grouped:
        return PiiType.US_SSN, 0.55
    if 10 <= n <= 11 or (grouped and 7 <= n <= 15):
        return PiiType.PHONE_NUMBER, 0.8
    if 7 <= n <= 8:
        return PiiType.PHONE_NUMBER, 0.5
    if n > 19:  # several numbers read as one (ASR joined them): may hold a card, so PCI rules apply
        return PiiType.CREDIT_CARD, 0.5
    if n >= FAIL_CLOSED_DIGITS:
        return PiiType.BANK_ACCOUNT, 0.4
    return None


def classify_run(text: str, start: int, end: int, hint: PiiType | None = None) -> Finding | None:
    """The type of the run ``text[start:end]``, or None when it is not PII (see the module docstring)."""
    run = text[start:end]
    if _CURRENCY_BEFORE.search(text[max(0, start - 5) : start]) or _CURRENCY_AFTER.search(text[end : end + 10]):
        return None
    if _NOT_A_NUMBER.match(run) or _NOT_PII_BEFORE.search(text[max(0, start - 15) : start]):
        return None
    before = text[max(0, start - _BEFORE_CHARS) : start]
    if _UNIT_BEFORE.search(before) or STREET_AFTER.match(text[end : end + 60]):
        return None  # a house or unit number: the address detector owns it
    digits = re.sub(r"\D", "", _EXTENSION.sub("", run))
    if len(digits) >= FAIL_CLOSED_DIGITS and _OTHER_ID.search(before):
        return Finding(PiiType.BANK_ACCOUNT, start, end, 0.5, PiiSource.PATTERN)  # an ID we have no type for
    kind = _by_keyword(text, start, end, len(digits))
    if kind is not None:
        checked = _checked(kind, digits, 0.9, PiiSource.PATTERN)
        return Finding(checked[0], start, end, checked[1], checked[2])
    if hint is not None and (kind := _by_hint(hint, digits)) is not None:
        checked = _checked(kind, digits, 0.8, PiiSource.CONTEXT)
        return Finding(checked[0], start, end, checked[1], checked[2])
    shaped = _by_shape(run, digits)
    if shaped is None:
        return None
    dialled = run.startswith(("+", "(")) or _EXTENSION.search(run)
    if shaped[0] is PiiType.PHONE_NUMBER and not dialled and not plausible_phone(text, start, end, _groups(run)):
        return None  # a postcode or house number: part of an address, not a phone
    checked = _checked(shaped[0], digits, shaped[1], PiiSource.PATTERN)
    return Finding(checked[0], start, end, checked[1], checked[2])


def find_runs(text: str, hint: PiiType | None = None) -> list[Finding]:
    """Typed digit runs in the normalised ``text``."""
    found = (classify_run(text, m.start(), m.end(), hint) for m in _RUN.finditer(text))
    return [f for f in found if f is not None]
