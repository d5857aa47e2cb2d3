"""Generate src/callwarden/rules/nanp_area_codes.json: NANP area code -> region (US state, Canadian province, country).

Jurisdiction resolution needs the region of a +1 number without calling anything at run time. The region is
taken from phonenumbers' own data, so the table can be regenerated whenever phonenumbers is upgraded:

- the geocoder's prefix data: the entry for the 4-digit prefix "1NPA" names a state or province ("Texas",
  "Ontario"); where that entry is missing the longer prefixes ("Dallas, TX") vote;
- the NANP metadata: area codes of other NANP countries (Caribbean, Pacific territories) carry their own
  region code (BS, JM, PR, GU...);
- validity: non-geographic codes (toll-free 8XX, 5XX personal services, 900, Canadian 600/622/633) are listed with
  the country they belong to, or none where they are shared by the whole NANP.

Area codes put in service after the installed phonenumbers release are added from SUPPLEMENT, each with its source
and ``verified: false`` until someone checks it against NANPA. Codes that phonenumbers already knows win.

Run: .venv/bin/python scripts/make_area_codes.py  (deterministic; rerunning with the same phonenumbers is a no-op)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import phonenumbers
from phonenumbers.geodata import GEOCODE_DATA

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "callwarden" / "rules" / "nanp_area_codes.json"

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX",
    "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington State": "WA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC",
}  # fmt: skip
CA_PROVINCES = {
    "Alberta": "AB", "British Columbia": "BC", "British Colombia": "BC", "Manitoba": "MB", "New Brunswick": "NB",
    "Newfoundland and Labrador": "NL", "Nova Scotia": "NS", "Prince Edward Island": "PE", "Ontario": "ON",
    "Quebec": "QC", "Saskatchewan": "SK", "Northwest Territories": "NT", "Nunavut": "NU", "Yukon": "YT",
}  # fmt: skip
US_CODES = set(US_STATES.values())
CA_CODES = set(CA_PROVINCES.values())

# Non-geographic codes: what they are and which country's law could apply ([] = anywhere in the NANP).
NON_GEOGRAPHIC = {
    **{code: ("toll-free, shared by the whole NANP", []) for code in ("800", "833", "844", "855", "866", "877", "888")},
    **{code: ("personal communications service, NANP-wide", []) for code in ("500", "521", "522", "523", "524", "525",
                                                                            "526", "527", "528", "529", "532",
                                                                            "533", "544", "566", "577", "588")},
    "900": ("premium-rate, United States", ["US"]),
    "710": ("United States federal government", ["US"]),
    "600": ("Canadian non-geographic services", ["CA"]),
    "622": ("Canadian non-geographic services", ["CA"]),
    "633": ("Canadian non-geographic services", ["CA"]),
}  # fmt: skip

# Geographic codes in service (or announced) that the installed phonenumbers does not know yet.
NANPA = "NANPA area code planning letters (nationalnanpa.com)"
SUPPLEMENT = {
    "357": (["US-CA"], f"{NANPA}: 559/357 overlay, California"),
    "436": (["US-OH"], f"{NANPA}: 440/436 overlay, Ohio"),
    "624": (["US-NY"], f"{NANPA}: 716/624 overlay, New York"),
    "679": (["US-MI"], f"{NANPA}: 313/679 overlay, Michigan"),
    "861": (["US-IL"], f"{NANPA}: 815/779/861 overlay, Illinois"),
}


def regions_from_name(name: str) -> list[str]:
    """'Texas' -> [US-TX]; 'Dallas, TX' -> [US-TX]; 'Nova Scotia/Prince Edward Island' -> [CA-NS, CA-PE]."""
    found: list[str] = []
    for part in name.split("/"):
        part = part.strip()
        tail = part.rsplit(", ", 1)[-1].strip()
        if part in US_STATES:
            found.append(f"US-{US_STATES[part]}")
        elif part in CA_PROVINCES:
            found.append(f"CA-{CA_PROVINCES[part]}")
        elif tail in US_CODES:
            found.append(f"US-{tail}")
        elif tail in CA_CODES:
            found.append(f"CA-{tail}")
    return found


@cache
def _longer_prefix_names() -> dict[str, list[str]]:
    """English names of the NANP prefixes longer than an area code, grouped by area code."""
    names: dict[str, list[str]] = {}
    for key, by_locale in GEOCODE_DATA.items():
        if key.startswith("1") and len(key) > 4 and "en" in by_locale:
            names.setdefault(key[1:4], []).append(by_locale["en"])
    return names


def geocoded_regions(area_code: str) -> list[str]:
    """The regions phonenumbers' geocoder names for an area code, most specific evidence first."""
    prefix = "1" + area_code
    top = GEOCODE_DATA.get(prefix, {}).get("en")
    if top:
        regions = regions_from_name(top)
        if regions:
            return sorted(set(regions))
    votes: Counter[str] = Counter()
    for name in _longer_prefix_names().get(area_code, ()):
        for region in regions_from_name(name):
            votes[region] += 1
    if not votes:
        return []
    best, count = votes.most_common(1)[0]
    if count < sum(votes.values()) * 0.9:
        raise SystemExit(f"area code {area_code}: geocoder data disagrees: {dict(votes)}")
    return [best]


def is_assigned(area_code: str) -> bool:
    """True when phonenumbers accepts some number in this area code as valid."""
    for exchange in range(200, 1000, 7):
        number = phonenumbers.parse(f"+1{area_code}{exchange}4567")
        if phonenumbers.is_valid_number(number):
            return True
    return False


def build() -> dict[str, object]:
    table: dict[str, dict[str, object]] = {}
    for value in range(200, 1000):
        code = str(value)
        if code in NON_GEOGRAPHIC:
            kind, regions = NON_GEOGRAPHIC[code]
            table[code] = {"regions": regions, "kind": kind, "source": "NANPA non-geographic codes"}
            continue
        regions = geocoded_regions(code)
        source = "phonenumbers geocoder"
        if not regions:
            country = phonenumbers.region_code_for_number(phonenumbers.parse(f"+1{code}2224567"))
            if country not in (None, "US", "CA", "ZZ"):
                regions, source = [str(country)], "phonenumbers NANP metadata"
        if not regions:
            if is_assigned(code):
                raise SystemExit(f"area code {code} is valid in phonenumbers but has no region; classify it")
            continue
        table[code] = {"regions": regions, "kind": "geographic", "source": source}
    for code, (regions, source) in SUPPLEMENT.items():
        if code not in table:
            table[code] = {"regions": regions, "kind": "geographic", "source": source, "verified": False}
    return {
        "format": 1,
        "description": "NANP area code -> candidate regions (ISO 3166-2 for US states and Canadian provinces, "
        "ISO 3166-1 for other NANP countries). Generated by scripts/make_area_codes.py; do not edit by hand.",
        "generated_from": f"phonenumbers {phonenumbers.__version__}",
        "area_codes": dict(sorted(table.items())),
    }


def main() -> int:
    data = build()
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    codes = data["area_codes"]
    assert isinstance(codes, dict)
    print(f"wrote {len(codes)} area codes to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
