"""Street addresses: a house number, a street name and a street suffix, with an optional unit and city line.

"1600 Pennsylvania Avenue", "one two three main street apartment four" (spoken numbers are digits here),
"42 W. Elm St., Apt 5, Springfield, IL 62704", and a unit on its own ("Suite 501", "Apt. 595"). A number in
front of a suffix word is not enough when the words between are ordinary words ("3 people drive"), so the
street name may not hold common function words or units of time and money. A postcode may come first ("975 3968
Bay Street"). Beyond the US form:
- PO boxes ("P.O. Box 242") and ship addresses ("USNS Bergman, FPO AP 93757");
- European streets, named by a compound ending in a street word ("Søndergade 52", "Brixtonlaan 380",
  "Loorenstrasse 149") or a street word first ("Rua do Arenque 1634", "Via Franscini 71", "26 rue des
  lieutemants Thomazo", "ul. Chrzanowska 61"), or Hungarian "u."/"utca"/"tér" ("Kálmán Imre u. 12."), with the
  house number after the name: the street word is what keeps "Chapter 5" out;
- the rest of an address block after any of these, on one line or across separators (double spaces, line
  breaks, ">"): a unit, then capitalised place words ending in a 4-5 digit postcode ("Apt. 595  LAPPEENRANTA  SK
  53650"); the postcode is what ends the block, so nothing is taken without one.
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
    rf"\b(?:\d{{3,5}}\s+)?\d{{1,6}}[A-Za-z]?\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD}\s+{_SUFFIX}"
    rf"(?:,?\s*{_UNIT})?{_CITY}?",
    re.IGNORECASE,
)
_CAP = "A-ZÀ-ÖØ-ÞĀ-ŽΑ-Ω"
_LETTERS = r"[^\W\d_]"
_STREET_END = (
    r"(?:tie|katu|kuja|polku|gade|vej|gata|gatan|vägen|väg|vegen|veien|veg|laan|straat|strasse|straße|gasse|weg"
    r"|stræde|straeti|stræti|braut|stien|allee|platz|damm)"
)
_STREET_FIRST = (  # in any case: no English word; capitalised only: English words too ("via", "avenue")
    r"(?:(?i:rua|rue|avenida|avda\.|calle|c/|piazza|praça|ul\.|ulica|strada|chemin|carrer)"
    r"|Via|Viale|Largo|Corso|Avenue|Boulevard)"
)
_STREET_WORD = r"(?:strasse|straße|str\.|gasse|weg|gate|gata|gade|vej|vei|vegen|veien|laan|straat|allee|platz)"
_PARTICLE = r"(?:de|do|da|dos|das|del|dei|della|degli|di|la|le|les|des|du|e|y|van|von)"
_HOUSE = r"\d{1,5}[A-Za-z]?\b\.?"
_EUROPEAN = re.compile(
    rf"(?:\b\d{{1,5}}\s+){{0,2}}"
    rf"(?:\b{_LETTERS}{{3,}}{_STREET_END}\s+{_HOUSE}"
    rf"|\b[{_CAP}]{_LETTERS}+\s+(?i:{_STREET_WORD})\s+{_HOUSE}"
    rf"|\b{_STREET_FIRST}\s+(?:(?i:{_PARTICLE})\s+|{_LETTERS}[\w'’-]*\s+){{0,4}}"
    rf"(?:{_HOUSE}|[{_CAP}]{_LETTERS}*)"
    rf"|\b[{_CAP}]{_LETTERS}*(?:\s+[{_CAP}]{_LETTERS}*){{0,2}}\s+(?:u\.|utca|út|útja|tér|krt\.|körút|rkp\.)\s+{_HOUSE})"
)
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?|Post\s+Office)\s+Box\s+\d{1,6}\b", re.IGNORECASE)
_SHIP = re.compile(rf"\b(?:USNS|USNV|USS|USCGC)\s+{_LETTERS}+\s*,?\s*[FAD]PO\s+A[AEP]\s+\d{{5}}\b", re.IGNORECASE)
_SEP = r"(?:[ \t]*(?:,|>|\?\?\?|\n)?[ \t]*|[ \t]{2,})"
_PLACE_WORD = rf"(?:[{_CAP}][\w'’().-]*|nan)"
_BLOCK_TAIL = re.compile(
    rf"(?:{_SEP}(?i:{_UNIT}))*(?:{_SEP}{_PLACE_WORD}(?:[ \t]{_PLACE_WORD}){{0,3}}){{1,3}}{_SEP}\d{{4,5}}\b"
)
STREET_AFTER = re.compile(rf"\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD}\s+{_SUFFIX}", re.IGNORECASE)
_UNIT_ALONE = re.compile(r"\b(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d{1,6}\b", re.IGNORECASE)
_MILITARY = re.compile(r"\b(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s+[AFD]PO\s+A[AEP]\s+\d{5})?", re.IGNORECASE)


def find_addresses(text: str) -> list[Finding]:
    """Street addresses in the normalised ``text``, each with the rest of its address block."""
    found = []
    for pattern, confidence in ((_ADDRESS, 0.8), (_EUROPEAN, 0.75), (_PO_BOX, 0.8), (_SHIP, 0.8)):
        for m in pattern.finditer(text):
            tail = _BLOCK_TAIL.match(text, m.end())
            found.append(
                Finding(
                    PiiType.STREET_ADDRESS, m.start(), tail.end() if tail else m.end(), confidence, PiiSource.PATTERN
                )
            )
    for pattern in (_UNIT_ALONE, _MILITARY):
        found.extend(
            Finding(PiiType.STREET_ADDRESS, m.start(), m.end(), 0.7, PiiSource.PATTERN) for m in pattern.finditer(text)
        )
    return found
