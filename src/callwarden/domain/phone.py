"""Phone numbers as dialers write them, normalised to E.164.

Dialers hand over numbers in every shape ("(415) 555-0100", "14155550100", "+44 20 7946 0958"); the catalogue
stores one canonical form so that a dispute search by number finds the call whatever the dialer wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers


class PhoneNumberError(ValueError):
    """A value that cannot be a phone number."""


@dataclass(frozen=True)
class PhoneNumber:
    """A normalised number; ``valid`` is False for numbers of a possible length that no carrier assigns."""

    e164: str
    valid: bool
    region: str | None


def normalise_phone(raw: str, default_region: str, field: str = "number") -> PhoneNumber:
    """Parse ``raw`` (with or without a country code) into E.164, or raise naming the field and value."""
    text = raw.strip()
    if not text:
        raise PhoneNumberError(f"{field}: empty phone number")
    try:
        parsed = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError(f"{field}: {raw!r} is not a phone number ({exc})") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneNumberError(f"{field}: {raw!r} is not a phone number (impossible length for its country)")
    return PhoneNumber(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        valid=phonenumbers.is_valid_number(parsed),
        region=phonenumbers.region_code_for_number(parsed),
    )
