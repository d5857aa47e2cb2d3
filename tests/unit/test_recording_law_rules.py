"""The shipped law tables say what shared/reference/recording-law.md says; overrides are never silent."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callwarden.domain.consent import ConsentModel
from callwarden.rules.loader import (
    AREA_CODE_FILE,
    LAW_FILE,
    RulesError,
    load_override_file,
    load_rules,
    load_shipped_rules,
    parse_area_codes,
    parse_recording_law,
)

ONE, ALL = ConsentModel.ONE_PARTY, ConsentModel.ALL_PARTY
REPO = Path(__file__).resolve().parents[2]

# recording-law.md: the all-party table (statutes as written there) and the unclear states.
ALL_PARTY = {
    "CA": "Penal Code 632, 632.7, 637.2",
    "CT": "Gen. Stat. 52-570d (civil)",
    "FL": "Stat. 934.03(2)(d)",
    "IL": "720 ILCS 5/14-2",
    "MD": "Cts & Jud Proc 10-402",
    "MA": "G.L. c.272 s.99",
    "MT": "MCA 45-8-213",
    "NV": "NRS 200.620",
    "NH": "RSA 570-A:2",
    "PA": "18 Pa.C.S. 5703, 5704",
    "WA": "RCW 9.73.030",
}
UNCLEAR = {"DE": ("2402(c)(4)", "1335(a)(4)"), "MI": ("Sullivan v. Gray", "Project Veritas")}
STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]
ONE_PARTY = [s for s in STATES if s not in ALL_PARTY and s not in UNCLEAR]
PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]


@pytest.fixture(scope="module")
def rules() -> Any:
    return load_shipped_rules()


def law_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(resources.files("callwarden.rules").joinpath(LAW_FILE).read_text("utf-8"))
    return doc


def test_version_is_reported_plainly_without_overrides(rules: Any) -> None:
    assert rules.version == law_doc()["version"]
    assert rules.rules_version == rules.version
    assert rules.default_model is ALL


def test_every_state_and_dc_is_present() -> None:
    assert len(STATES) == 51
    assert {f"US-{s}" for s in STATES} <= set(load_shipped_rules().regions)


@pytest.mark.parametrize("state", sorted(ALL_PARTY))
def test_all_party_states_match_the_reference(rules: Any, state: str) -> None:
    entry = rules.regions[f"US-{state}"]
    assert entry.consent_model is ALL
    assert entry.statute == ALL_PARTY[state]
    assert ALL_PARTY[state] in entry.source
    assert "rcfp.org" in entry.source
    assert not entry.unclear


@pytest.mark.parametrize("state", sorted(UNCLEAR))
def test_unclear_states_default_to_all_party_and_are_flagged(rules: Any, state: str) -> None:
    entry = rules.regions[f"US-{state}"]
    assert entry.consent_model is ALL
    assert entry.unclear
    assert not entry.verified
    text = f"{entry.statute} {entry.note}"
    for fact in UNCLEAR[state]:
        assert fact in text


@pytest.mark.parametrize("state", ONE_PARTY)
def test_other_states_and_dc_are_one_party(rules: Any, state: str) -> None:
    entry = rules.regions[f"US-{state}"]
    assert entry.consent_model is ONE
    assert entry.source
    assert entry.verified


def test_reference_notes_are_carried(rules: Any) -> None:
    assert "in-person" in rules.regions["US-OR"].note
    assert "federal" in rules.regions["US-VT"].note.lower()
    assert "UNVERIFIED" in rules.regions["US-PA"].note and "5704(15)" in rules.regions["US-PA"].note
    assert "Smith v. LoanMe" in rules.regions["US-CA"].note
    assert "Ditech" in rules.regions["US-NV"].note
    assert rules.regions["US"].consent_model is ONE and rules.regions["US"].statute == "18 U.S.C. 2511(2)(d)"
    assert "Kearney" in rules.regions["US"].note


def test_disclosure_notes(rules: Any) -> None:
    assert "itself be recorded" in (rules.regions["US-WA"].disclosure or "")
    assert "outset" in (rules.regions["US-CA"].disclosure or "")
    ct = rules.regions["US-CT"].disclosure or ""
    assert "verbal notice" in ct.lower() and "15 seconds" in ct
    assert "PIPEDA" in (rules.regions["CA-ON"].disclosure or "")


def test_canada_is_one_party_everywhere(rules: Any) -> None:
    for region in ["CA", *(f"CA-{p}" for p in PROVINCES)]:
        assert rules.regions[region].consent_model is ONE, region
        assert "s.184" in (rules.regions[region].statute or "")
    assert rules.uniform_model("CA") is ONE
    assert rules.uniform_model("US") is None


def test_other_markets(rules: Any) -> None:
    assert rules.regions["PH"].consent_model is ALL and "4200" in (rules.regions["PH"].statute or "")
    for region in ("GB", "AU", "IN"):
        assert rules.regions[region].consent_model is ALL and rules.regions[region].source
    assert not rules.regions["IN"].verified
    for member in EU:
        entry = rules.regions[member]
        assert entry.group == "EU" and entry.consent_model is ALL and "GDPR" in (entry.statute or "")


def test_every_entry_has_a_source_and_a_verified_flag() -> None:
    doc = law_doc()
    for region, entry in doc["regions"].items():
        assert entry["source"].strip(), region
        assert isinstance(entry["verified"], bool), region


def test_calling_hours_rules(rules: Any) -> None:
    federal = rules.calling_hours["US"]
    assert (federal.windows[0].start, federal.windows[0].end) == (time(8), time(21))
    assert "64.1200(c)(1)" in federal.source
    for state in ("US-FL", "US-OK"):
        assert rules.calling_hours[state].windows[0].end == time(20)
    assert rules.calling_hours["CA"].describe() == "Mon-Fri 09:00-21:30; Sat-Sun 10:00-18:00"
    assert rules.calling_hours["AU"].describe() == "Mon-Fri 09:00-20:00; Sat 09:00-17:00; no calls Sun"


def test_time_zones_cover_every_state_and_province(rules: Any) -> None:
    for region in [f"US-{s}" for s in STATES] + [f"CA-{p}" for p in PROVINCES]:
        zones = rules.zones_for(region)
        assert zones, region
        for zone in zones:
            ZoneInfo(zone)
    assert set(rules.zones_for("US-FL")) == {"America/New_York", "America/Chicago"}
    assert set(rules.zones_for("US-TX")) == {"America/Chicago", "America/Denver"}
    assert "America/Phoenix" in rules.zones_for("US-AZ")
    assert "Pacific/Honolulu" in rules.zones_for("US")  # a country's zones are its subregions' union


def test_area_codes_cover_every_state_province_and_new_overlays(rules: Any) -> None:
    regions = {r for code in rules.area_codes.values() for r in code.regions}
    assert {f"US-{s}" for s in STATES} <= regions
    assert {f"CA-{p}" for p in PROVINCES} <= regions
    overlays = {
        "350": "US-CA", "369": "US-CA", "738": "US-CA", "357": "US-CA", "945": "US-TX", "726": "US-TX",
        "472": "US-NC", "826": "US-VA", "948": "US-VA", "327": "US-AR", "283": "US-OH", "436": "US-OH",
        "835": "US-PA", "363": "US-NY", "329": "US-NY", "624": "US-NY", "645": "US-FL", "728": "US-FL",
        "448": "US-FL", "983": "US-CO", "557": "US-MO", "235": "US-MO", "274": "US-WI", "861": "US-IL",
        "679": "US-MI", "742": "CA-ON", "753": "CA-ON", "683": "CA-ON", "382": "CA-ON", "942": "CA-ON",
        "368": "CA-AB", "263": "CA-QC", "354": "CA-QC", "428": "CA-NB", "474": "CA-SK", "584": "CA-MB",
        "879": "CA-NL", "257": "CA-BC", "242": "BS", "876": "JM", "787": "PR", "671": "GU",
    }  # fmt: skip
    for code, region in overlays.items():
        assert rules.area_codes[code].regions == (region,), code
    assert rules.area_codes["800"].regions == ()
    assert set(rules.area_codes["867"].regions) == {"CA-NT", "CA-NU", "CA-YT"}


def test_area_code_table_is_what_the_script_generates() -> None:
    spec = importlib.util.spec_from_file_location("make_area_codes", REPO / "scripts" / "make_area_codes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads(resources.files("callwarden.rules").joinpath(AREA_CODE_FILE).read_text("utf-8"))
    assert module.build() == shipped, "run scripts/make_area_codes.py and commit the result"


def write(tmp_path: Path, data: object, name: str = "overrides.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_override_is_applied_and_reflected_in_the_version(tmp_path: Path) -> None:
    path = write(tmp_path, {"US-DE": {"consent_model": "one-party", "reason": "counsel memo 2026-03"}})
    rules = load_rules(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rules.override_sha256 == sha
    assert rules.rules_version == f"{rules.version}+override:{sha[:8]}"
    assert rules.regions["US-DE"].consent_model is ONE
    assert rules.regions["US-DE"].override_reason == "counsel memo 2026-03"
    (applied,) = rules.overrides
    assert (applied.region, applied.previous, applied.consent_model) == ("US-DE", ALL, ONE)
    assert load_shipped_rules().regions["US-DE"].consent_model is ALL  # the cached shipped rules are untouched
    assert load_rules().rules_version == rules.version


def test_group_override_and_new_region(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "EU": {"consent_model": "one-party", "reason": "memo A"},
            "DK": {"consent_model": "all-party", "reason": "Danish DPA"},
            "PR": {"consent_model": "one-party", "reason": "memo B"},
        },
    )
    rules = load_rules(path)
    assert rules.regions["FR"].consent_model is ONE
    assert rules.regions["DK"].consent_model is ALL
    assert rules.regions["PR"].consent_model is ONE and not rules.regions["PR"].verified


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"US-DE": {"consent_model": "two-party", "reason": "x"}}, "US-DE.consent_model"),
        ({"US-DE": {"consent_model": "one-party"}}, "US-DE.reason"),
        ({"US-DE": {"consent_model": "one-party", "reason": "x", "verified": True}}, "unknown field"),
        ({"Delaware": {"consent_model": "one-party", "reason": "x"}}, "Delaware"),
        (["US-DE"], "expected an object"),
    ],
)
def test_malformed_override_file_names_the_entry(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(RulesError, match=message.replace(".", r"\.")):
        load_rules(write(tmp_path, data))


def test_unreadable_or_invalid_override_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid JSON"):
        load_override_file(load_shipped_rules(), bad)


def _broken(path: list[str], value: object) -> dict[str, Any]:
    doc = law_doc()
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["regions", "US-CA", "consent_model"], "two-party", "regions.US-CA.consent_model"),
        (["regions", "US-TX", "source"], KeyError, "regions.US-TX.source"),
        (["regions", "US-TX", "verified"], "yes", "regions.US-TX.verified"),
        (["regions", "US-TX", "colour"], "red", "regions.US-TX: unknown field"),
        (["regions", "Texas"], {}, "regions.Texas"),
        (["version"], "latest", "version"),
        (["calling_hours", "US-FL", "windows"], [{"days": ["mon"], "start": "20:00", "end": "08:00"}], "US-FL"),
        (["calling_hours", "US-FL", "windows"], [{"days": ["funday"], "start": "08:00", "end": "20:00"}], "days"),
        (["calling_hours", "AU", "windows", 0, "start"], "9am", "calling_hours.AU.windows[0].start"),
        (["time_zones", "US-TX"], "Texas", "time_zones.US-TX"),
        (["groups", "EU", "members"], [], "groups.EU.members"),
    ],
)
def test_malformed_law_file_names_the_entry(path: list[Any], value: object, message: str) -> None:
    with pytest.raises(RulesError, match=r"recording_law\.json: .*" + message.replace(".", r"\.").replace("[", r"\[")):
        parse_recording_law(_broken(path, value))


def test_malformed_area_code_file_names_the_entry() -> None:
    with pytest.raises(RulesError, match=r"area_codes\.415\.regions"):
        parse_area_codes({"area_codes": {"415": {"regions": ["California"], "kind": "geographic", "source": "x"}}})
    with pytest.raises(RulesError, match=r"area_codes\.15"):
        parse_area_codes({"area_codes": {"15": {"regions": [], "kind": "x", "source": "x"}}})
