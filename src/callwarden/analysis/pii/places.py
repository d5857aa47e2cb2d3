"""Street addresses: a house number, a street name and a street suffix, with an optional unit and city line.

"1600 Pennsylvania Avenue", "one two three main street apartment four" (spoken numbers are digits here),
"42 W. Elm St., Apt 5, Springfield, IL 62704", and a unit on its own ("Suite 501", "Apt. 595"). A number in
front of a suffix word is not enough when the words between are ordinary words ("3 people drive"), so the
street name may not hold common function words or units of time and money.
"""

from __future__ import annotations

import re

from callwarden.analysis.pii.finding import Finding
from callwarden.domain.pii import PiiSource, PiiType

_SUFFIX = (
    r"(?:street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|terrace|ter"
    r"|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crescent|cres|close|plaza|plz|alley|loop"
    r"|pike|expressway|freeway|route|rte|row|walk|gardens|heights|hts|ridge|hill|park|streets?)\b\.?"
)
_UNIT = r"(?:apt|apartment|suite|ste|unit|#|room|rm|floor|fl|building|bldg)\.?\s*#?\s*[A-Za-z0-9-]{1,6}\b"
_NOT_A_NAME = (
    r"(?!(?:the|a|an|of|to|and|or|for|in|on|at|by|we|i|you|he|she|they|it|is|are|was|people|persons?|times?"
    r"|minutes?|hours?|days?|weeks?|months?|years?|dollars?|cents?|percent|miles?|more|other|kids|cars)\b)"
)
_NAME_WORD = rf"(?:{_NOT_A_NAME}[A-Za-z][\w'’.-]*|\d+(?:st|nd|rd|th))"
_CITY = r"(?:,?\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,?\s+[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?)"
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD}\s+{_SUFFIX}"
    rf"(?:,?\s*{_UNIT})?{_CITY}?",
    re.IGNORECASE,
)
STREET_AFTER = re.compile(rf"\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD}\s+{_SUFFIX}", re.IGNORECASE)
_UNIT_ALONE = re.compile(r"\b(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d{1,6}\b", re.IGNORECASE)
_MILITARY = re.compile(r"\b(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s+APO\s+A[AEP]\s+\d{5})?")


def find_addresses(text: str) -> list[Finding]:
    """Street addresses in the normalised ``text``."""
    found = [
        Finding(PiiType.STREET_ADDRESS, m.start(), m.end(), 0.8, PiiSource.PATTERN) for m in _ADDRESS.finditer(text)
    ]
    for pattern in (_UNIT_ALONE, _MILITARY):
        found.extend(
            Finding(PiiType.STREET_ADDRESS, m.start(), m.end(), 0.7, PiiSource.PATTERN) for m in pattern.finditer(text)
        )
    return found
