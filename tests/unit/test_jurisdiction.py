"""Jurisdiction resolution: each party's region and model, and the strictest-party rule for the call."""

from __future__ import annotations

from typing import Any

import pytest

from callwarden.analysis.jurisdiction import resolve_jurisdiction
from callwarden.domain.consent import ConsentModel, Jurisdiction, PartyJurisdiction, strictest
from callwarden.rules.loader import Rules, load_rules, load_shipped_rules

ONE, ALL = ConsentModel.ONE_PARTY, ConsentModel.ALL_PARTY
TX, CA_AGENT = "+15125550100", "+14155550100"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_shipped_rules()


def prospect(j: Jurisdiction) -> PartyJurisdiction:
    (party,) = [p for p in j.parties if p.role == "prospect"]
    return party


def test_strictness_order() -> None:
    assert ALL.strictness > ONE.strictness
    assert strictest([ONE, ALL, ONE]) is ALL
    assert strictest([ONE, ONE]) is ONE
    assert strictest([]) is ALL  # nothing known: fail closed
    assert ConsentModel.parse(" All-Party ") is ALL
    with pytest.raises(ValueError, match="two-party"):
        ConsentModel.parse("two-party")


def test_california_prospect_and_texas_agent_is_all_party(rules: Rules) -> None:
    j = resolve_jurisdiction(TX, "+14155550123", "outbound", "US-TX", rules)
    assert j.consent_model is ALL
    agent, pros = j.parties
    assert (agent.role, agent.region, agent.consent_model, agent.uncertain) == ("agent", "US-TX", ONE, False)
    assert (pros.role, pros.region, pros.consent_model) == ("prospect", "US-CA", ALL)
    assert pros.uncertain and "portable" in pros.evidence and "415" in pros.evidence


def test_texas_agent_and_new_york_prospect_is_one_party(rules: Rules) -> None:
    j = resolve_jurisdiction(TX, "+12125550168", "outbound", "US-TX", rules)
    assert j.consent_model is ONE
    assert prospect(j).region == "US-NY"


def test_all_party_agent_makes_the_call_all_party(rules: Rules) -> None:
    j = resolve_jurisdiction("+13055550100", "+12125550168", "outbound", "US-FL", rules)
    assert j.consent_model is ALL
    assert prospect(j).consent_model is ONE


def test_canadian_and_canadian_is_one_party(rules: Rules) -> None:
    j = resolve_jurisdiction("+14165550100", "+16045550188", "outbound", "CA-ON", rules)
    assert j.consent_model is ONE
    assert prospect(j).region == "CA-BC"


def test_outbound_prospect_is_the_called_party_inbound_the_caller(rules: Rules) -> None:
    out = resolve_jurisdiction(TX, "+14155550123", "outbound", "US-TX", rules)
    inbound = resolve_jurisdiction(TX, "+14155550123", "inbound", "US-TX", rules)
    assert prospect(out).region == "US-CA" and out.consent_model is ALL
    assert prospect(inbound).region == "US-TX" and inbound.consent_model is ONE


def test_unknown_direction_treats_both_numbers_as_prospects(rules: Rules) -> None:
    j = resolve_jurisdiction(TX, "+14155550123", None, "US-TX", rules)
    regions = [p.region for p in j.parties if p.role == "prospect"]
    assert regions == ["US-TX", "US-CA"]
    assert j.consent_model is ALL


def test_unknown_numbers_and_agent_are_all_party_and_uncertain(rules: Rules) -> None:
    j = resolve_jurisdiction(None, None, None, None, rules)
    assert j.consent_model is ALL
    assert len(j.parties) == 3
    assert all(p.uncertain and p.consent_model is ALL and p.region is None for p in j.parties)
    garbage = resolve_jurisdiction(TX, "not a number", "outbound", "US-TX", rules)
    assert garbage.consent_model is ALL and prospect(garbage).uncertain


@pytest.mark.parametrize("number", ["4155550123", "13812345678", "02079460958"])
def test_a_number_without_country_code_is_not_guessed(rules: Rules, number: str) -> None:
    # Read as international, these would be Swiss (+41), NANP and Egyptian (+20): a national San Francisco number,
    # a Chinese mobile and a London number. Without "+" or "00" nothing says which, so the strictest rule applies.
    party = prospect(resolve_jurisdiction(TX, number, "outbound", "US-TX", rules))
    assert party.region is None and party.uncertain and party.consent_model is ALL
    assert "no country code" in party.evidence


def test_the_international_prefix_00_is_a_country_code(rules: Rules) -> None:
    party = prospect(resolve_jurisdiction(TX, "00442079460958", "outbound", "US-TX", rules))
    assert (party.region, party.uncertain) == ("GB", False)


def test_toll_free_and_unknown_state_are_all_party(rules: Rules) -> None:
    j = resolve_jurisdiction(TX, "+18005550100", "outbound", "US-TX", rules)
    assert j.consent_model is ALL and prospect(j).region is None and "toll-free" in prospect(j).evidence
    agent_us = resolve_jurisdiction(TX, "+12125550168", "outbound", "US", rules)
    assert agent_us.parties[0].consent_model is ALL and agent_us.parties[0].uncertain


def test_uncertain_canadian_is_still_one_party(rules: Rules) -> None:
    shared = resolve_jurisdiction("+14165550100", "+19025550100", "outbound", "CA-ON", rules)
    party = prospect(shared)
    assert party.region == "CA" and party.candidates == ("CA-NS", "CA-PE") and party.uncertain
    assert shared.consent_model is ONE
    agent_ca = resolve_jurisdiction("+14165550100", "+14165550101", "outbound", "CA", rules)
    assert agent_ca.consent_model is ONE


@pytest.mark.parametrize(
    ("number", "region", "model", "uncertain"),
    [
        ("+442079460958", "GB", ALL, False),  # London fixed line
        ("+447400123456", "GB", ALL, True),  # mobile
        ("+447700900123", "GB", ALL, True),  # not assigned: main country of +44
        ("+61291234567", "AU", ALL, False),
        ("+61412345678", "AU", ALL, True),
        ("+639171234567", "PH", ALL, True),
        ("+4930123456", "DE", ALL, False),  # Germany via the EU group, not Delaware
        ("+18765550100", "JM", ALL, True),  # NANP but not in the law table: all-party by default
    ],
)
def test_international_numbers(rules: Rules, number: str, region: str, model: ConsentModel, uncertain: bool) -> None:
    j = resolve_jurisdiction(number, "+14165550100", "inbound", "CA-ON", rules)
    party = prospect(j)
    assert (party.region, party.consent_model, party.uncertain) == (region, model, uncertain)
    assert j.consent_model is ALL


def test_report_shape(rules: Rules) -> None:
    data = resolve_jurisdiction(TX, "+14155550123", "outbound", "US-TX", rules).to_dict()
    assert data["consent_model"] == "all-party"
    assert data["rules_version"] == rules.rules_version
    assert [p["role"] for p in data["parties"]] == ["agent", "prospect"]
    for party in data["parties"]:
        assert {"role", "region", "consent_model", "uncertain", "evidence"} <= set(party)
        assert party["consent_model"] in ("one-party", "all-party")


def test_override_changes_the_model_and_the_version(tmp_path: Any) -> None:
    path = tmp_path / "o.json"
    path.write_text('{"US-DE": {"consent_model": "one-party", "reason": "counsel memo 2026-03"}}', encoding="utf-8")
    shipped = resolve_jurisdiction(TX, "+13025550100", "outbound", "US-TX", load_shipped_rules())
    overridden = resolve_jurisdiction(TX, "+13025550100", "outbound", "US-TX", load_rules(path))
    assert shipped.consent_model is ALL and "unclear" in prospect(shipped).evidence
    assert overridden.consent_model is ONE and "counsel memo" in prospect(overridden).evidence
    assert "+override:" in overridden.rules_version


ALL_PARTY_STATES = {"CA", "CT", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA", "DE", "MI"}
AREA_CODES = {
    "AL": ["205", "256"], "AK": ["907"], "AZ": ["602", "520"], "AR": ["501", "479"], "CA": ["213", "415", "619"],
    "CO": ["303", "719"], "CT": ["203", "860"], "DE": ["302"], "DC": ["202"], "FL": ["305", "850", "813"],
    "GA": ["404", "912"], "HI": ["808"], "ID": ["208"], "IL": ["312", "217"], "IN": ["317", "219"], "IA": ["515"],
    "KS": ["785", "316"], "KY": ["502", "606"], "LA": ["504"], "ME": ["207"], "MD": ["410", "301"],
    "MA": ["617", "413"], "MI": ["313", "906"], "MN": ["612"], "MS": ["601"], "MO": ["314", "816"],
    "MT": ["406"], "NE": ["402", "308"], "NV": ["702", "775"], "NH": ["603"], "NJ": ["201", "973"],
    "NM": ["505"], "NY": ["212", "716"], "NC": ["919", "704"], "ND": ["701"], "OH": ["614", "216"],
    "OK": ["405", "918"], "OR": ["503", "541"], "PA": ["215", "412"], "RI": ["401"], "SC": ["803"],
    "SD": ["605"], "TN": ["615", "901"], "TX": ["512", "214", "915"], "UT": ["801"], "VT": ["802"],
    "VA": ["804", "703"], "WA": ["206", "509"], "WV": ["304"], "WI": ["414", "608"], "WY": ["307"],
}  # fmt: skip
PROVINCE_CODES = {
    "AB": "403", "BC": "604", "MB": "204", "NB": "506", "NL": "709", "ON": "416", "QC": "514", "SK": "306",
}  # fmt: skip


@pytest.mark.parametrize(
    ("state", "area_code"), [(state, code) for state, codes in AREA_CODES.items() for code in codes]
)
def test_area_code_sample_per_state(rules: Rules, state: str, area_code: str) -> None:
    party = prospect(resolve_jurisdiction(TX, f"+1{area_code}5550100", "outbound", "US-TX", rules))
    assert party.region == f"US-{state}"
    assert party.consent_model is (ALL if state in ALL_PARTY_STATES else ONE)
    assert party.uncertain


@pytest.mark.parametrize(("province", "area_code"), sorted(PROVINCE_CODES.items()))
def test_area_code_sample_per_province(rules: Rules, province: str, area_code: str) -> None:
    party = prospect(resolve_jurisdiction(TX, f"+1{area_code}5550100", "outbound", "CA-ON", rules))
    assert (party.region, party.consent_model) == (f"CA-{province}", ONE)


def test_every_state_is_reachable_by_some_area_code(rules: Rules) -> None:
    assert set(AREA_CODES) == {r[3:] for c in rules.area_codes.values() for r in c.regions if r.startswith("US-")}
