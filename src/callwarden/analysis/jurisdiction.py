"""Which consent law applies to a call, and whether it was placed at a lawful hour for the prospect.

Each party's region comes from what the dialer knows: the prospect's number (a NANP area code gives a US state or
Canadian province, any other number its country) and the agent site's configured region. Numbers are weak
evidence of where a person is: US and Canadian numbers are portable and mobiles travel, so such parties are
marked ``uncertain`` with the evidence spelled out, and anything unknown resolves to the strictest plausible rule
(all-party, unless the whole country has one rule). The call is handled under the strictest model among its
parties, the practice the reference recommends for interstate calls (Kearney v. Salomon Smith Barney).

Calling hours are checked in the prospect's local time in every zone of the prospect's region: a call is lawful
only if it is lawful wherever in that region the prospect may be. An unknown start time, region or rule is
reported as ``unknown``: a flag, never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import phonenumbers

from callwarden.domain.consent import (
    ConsentModel,
    HoursVerdict,
    Jurisdiction,
    LocalTime,
    PartyJurisdiction,
    PartyRole,
    strictest,
)
from callwarden.rules.loader import CallingHoursRule, Rules

_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def resolve_jurisdiction(
    from_number: str | None,
    to_number: str | None,
    direction: str | None,
    agent_region: str | None,
    rules: Rules,
) -> Jurisdiction:
    """The call's jurisdiction: the agent (from the site's region) and the prospect(s) (from their numbers).

    The prospect is the called party on outbound calls and the caller on inbound ones; with no direction either
    number may be the prospect's, so both are treated as prospects (fail closed).
    """
    agent = agent_party(agent_region, rules)
    kind = (direction or "").strip().lower()
    if kind == "outbound":
        prospects = [number_party("prospect", to_number, rules)]
    elif kind == "inbound":
        prospects = [number_party("prospect", from_number, rules)]
    else:
        prospects = [number_party("prospect", n, rules, note="direction unknown") for n in (from_number, to_number)]
    return Jurisdiction.of_parties([agent, *prospects], rules.rules_version)


def region_model(region: str | None, rules: Rules) -> tuple[ConsentModel, str, bool]:
    """The consent model for a region, words explaining it, and whether the region is too coarse to be sure.

    A subregion (``US-TX``) uses its own entry; a country (``US``, ``GB``) uses the country's rule only where the
    country and all its subregions agree; anything not in the table gets the default (all-party).
    """
    if not region:
        return rules.default_model, f"region unknown: {rules.default_model} by default", True
    country, _, sub = region.partition("-")
    entry = rules.law_for(region) if sub else None
    if entry is not None:
        notes = [f"{region} {entry.consent_model}"]
        if entry.override_reason:
            notes.append(f"operator override: {entry.override_reason}")
        elif entry.unclear:
            notes.append("law unclear, all-party unless counsel overrides")
        if not entry.verified:
            notes.append("entry not verified")
        return entry.consent_model, "; ".join(notes), False
    uniform = rules.uniform_model(country)
    has_subregions = any(r.startswith(country + "-") for r in rules.regions)
    if uniform is not None:
        entry = rules.law_for(country) or rules.law_for(region)
        note = f"{region}: {uniform} throughout {country}"
        if entry is not None and not entry.verified:
            note += "; entry not verified"
        if entry is not None and entry.override_reason:
            note += f"; operator override: {entry.override_reason}"
        return uniform, note, bool(sub) or has_subregions
    if has_subregions:
        return rules.default_model, f"{region}: subregion unknown and {country} law differs by subregion", True
    return rules.default_model, f"{region}: not in the rules table, {rules.default_model} by default", True


def agent_party(agent_region: str | None, rules: Rules) -> PartyJurisdiction:
    """The agent's party from the site's configured region (``US-TX``); missing or malformed means uncertain."""
    region = (agent_region or "").strip().upper() or None
    if region is None:
        model, note, _ = region_model(None, rules)
        return PartyJurisdiction("agent", None, model, True, f"agent region not configured; {note}")
    model, note, uncertain = region_model(region, rules)
    return PartyJurisdiction("agent", region, model, uncertain, f"configured agent region {region}; {note}")


def number_party(role: PartyRole, number: str | None, rules: Rules, note: str = "") -> PartyJurisdiction:
    """A party located by phone number: NANP area code to state/province, elsewhere the country."""
    prefix = f"{note}; " if note else ""
    text = (number or "").strip()
    if not text:
        model, why, _ = region_model(None, rules)
        return PartyJurisdiction(role, None, model, True, f"{prefix}no number; {why}")
    international = _international_form(text)
    if international is None:
        model, why, _ = region_model(None, rules)
        return PartyJurisdiction(
            role, None, model, True, f"{prefix}{text!r} has no country code (not +... or 00...); {why}"
        )
    try:
        parsed = phonenumbers.parse(international, None)
    except phonenumbers.NumberParseException:
        model, why, _ = region_model(None, rules)
        return PartyJurisdiction(role, None, model, True, f"{prefix}{text!r} is not a phone number; {why}")
    if parsed.country_code == 1:
        return _nanp_party(role, parsed, rules, prefix)
    region = phonenumbers.region_code_for_number(parsed)
    unassigned = region is None
    if unassigned:  # a number no carrier has: its country code's main country, flagged uncertain
        region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    if region in (None, "ZZ", "001"):
        model, why, _ = region_model(None, rules)
        return PartyJurisdiction(role, None, model, True, f"{prefix}+{parsed.country_code} is not one country; {why}")
    kind = phonenumbers.number_type(parsed)
    mobile = kind in _MOBILE_TYPES
    model, why, coarse = region_model(region, rules)
    where = f"country code +{parsed.country_code} -> {region}"
    if unassigned:
        where += " (number not assigned in any region: main country of its code)"
    elif mobile:
        where += " (mobile number: the person may be elsewhere)"
    return PartyJurisdiction(role, region, model, unassigned or mobile or coarse, f"{prefix}{where}; {why}")


def _international_form(text: str) -> str | None:
    """``text`` as ``+<country code>...``, or None where it carries no country code.

    Only ``+`` and the ``00`` international prefix say which country a number is in. A bare digit string does not:
    ``4155550123`` is a San Francisco number written nationally and ``+41 55 550 123`` is Swiss, and
    ``13812345678`` may be a Chinese mobile as well as a NANP number missing its ``+``. Guessing would pick a
    country's law from a misreading, so such a number is left unlocated (the strictest rule) for the metadata
    layer, which knows the dialer's default region, to have normalised first.
    """
    if text.startswith("+"):
        return text
    if text.startswith("00"):
        return "+" + text[2:]
    return None


def _nanp_party(role: PartyRole, parsed: phonenumbers.PhoneNumber, rules: Rules, prefix: str) -> PartyJurisdiction:
    area = str(parsed.national_number)[:3]
    entry = rules.area_codes.get(area)
    if entry is None or not entry.regions:
        kind = f"{entry.kind} " if entry else "unlisted "
        model, why, _ = region_model(None, rules)
        return PartyJurisdiction(role, None, model, True, f"{prefix}area code {area} is {kind}(no region); {why}")
    candidates = entry.regions
    checked = [region_model(c, rules) for c in candidates]
    model = strictest(m for m, _, _ in checked)
    countries = {c.partition("-")[0] for c in candidates}
    region = candidates[0] if len(candidates) == 1 else (countries.pop() if len(countries) == 1 else None)
    found = "/".join(candidates)
    why = "; ".join(w for _, w, _ in checked)
    portable = candidates[0].startswith(("US", "CA"))
    mobile = phonenumbers.number_type(parsed) in _MOBILE_TYPES
    evidence = f"{prefix}area code {area} -> {found} ({entry.source})"
    if portable:
        evidence += "; US/Canadian numbers are portable, the person may live elsewhere"
    elif mobile:
        evidence += "; mobile number, the person may be elsewhere"
    if not entry.verified:
        evidence += "; area code entry not verified"
    uncertain = portable or mobile or len(candidates) > 1 or any(c for _, _, c in checked)
    return PartyJurisdiction(role, region, model, uncertain, f"{evidence}; {why}", candidates)


def _checks(region: str, rules: Rules) -> list[tuple[CallingHoursRule, tuple[str, ...]]]:
    """The (rule, zones) pairs that must all allow a call to someone in ``region``."""
    country, _, sub = region.partition("-")
    checks: list[tuple[CallingHoursRule, tuple[str, ...]]] = []
    if sub:
        zones = rules.zones_for(region)
        for name in (country, region):
            if name in rules.calling_hours and zones:
                checks.append((rules.calling_hours[name], zones))
        return checks
    if country in rules.calling_hours:
        checks.append((rules.calling_hours[country], rules.zones_for(country)))
    for name, rule in sorted(rules.calling_hours.items()):
        if name.startswith(country + "-"):  # subregion unknown: the stricter local rules may apply too
            checks.append((rule, rules.zones_for(name)))
    return [(rule, zones) for rule, zones in checks if zones]


def calling_hours_violation(
    started_at_utc: datetime | None,
    prospect_region: str | Sequence[str] | None,
    rules: Rules,
) -> HoursVerdict | None:
    """None when the call was placed inside every applicable window in every zone of the prospect's region.

    ``prospect_region`` is a region (``US-FL``) or the candidate regions of a shared area code. A naive start time
    is read as UTC. Returns a ``violation`` naming the local time(s), the window and its source, or ``unknown``
    when the start time, the region or a rule for it is missing.
    """
    if isinstance(prospect_region, str):
        regions: tuple[str, ...] = (prospect_region,) if prospect_region.strip() else ()
    else:
        regions = tuple(prospect_region or ())
    label = "/".join(regions) or None
    if started_at_utc is None:
        return HoursVerdict("unknown", label, "call start time unknown: calling hours cannot be checked")
    if not regions:
        return HoursVerdict("unknown", None, "prospect region unknown: calling hours cannot be checked")
    moment = started_at_utc if started_at_utc.tzinfo else started_at_utc.replace(tzinfo=UTC)
    local_times: dict[str, LocalTime] = {}
    broken: dict[str, CallingHoursRule] = {}
    applied: dict[str, CallingHoursRule] = {}
    missing: list[str] = []
    for region in regions:
        checks = _checks(region, rules)
        if not checks:
            missing.append(region)
        for rule, zones in checks:
            applied[rule.region] = rule
            for zone in zones:
                local = moment.astimezone(ZoneInfo(zone))
                allowed = rule.allows(local)
                if not allowed:
                    broken[rule.region] = rule
                before = local_times.get(zone)
                local_times[zone] = LocalTime(zone, local, allowed and (before is None or before.allowed))
    times = tuple(local_times.values())
    if broken:
        bad = [t for t in times if not t.allowed]
        at = ", ".join(f"{t.local:%a %H:%M} {t.zone}" for t in bad)
        return HoursVerdict(
            "violation", label, f"outside calling hours at {at}", times, _describe(broken.values()),
            _sources(broken.values()), tuple(broken),
        )  # fmt: skip
    if missing:
        reason = f"no calling-hours rule or time zone for {', '.join(missing)}: calling hours cannot be checked"
        return HoursVerdict(
            "unknown", label, reason, times, _describe(applied.values()) or None, _sources(applied.values()) or None,
            tuple(applied),
        )  # fmt: skip
    return None


def call_hours_verdicts(
    started_at_utc: datetime | None, jurisdiction: Jurisdiction, rules: Rules
) -> list[HoursVerdict]:
    """Calling-hours findings for every prospect of a call (outbound calls: the hours protect the called party)."""
    verdicts = []
    for party in jurisdiction.parties:
        if party.role == "prospect":
            where: Sequence[str] | None = party.candidates or ((party.region,) if party.region else None)
            verdict = calling_hours_violation(started_at_utc, where, rules)
            if verdict is not None:
                verdicts.append(verdict)
    return verdicts


def _describe(rules: Iterable[CallingHoursRule]) -> str:
    return "; ".join(f"{rule.name}: {rule.describe()}" for rule in rules)


def _sources(rules: Iterable[CallingHoursRule]) -> str:
    return "; ".join(rule.source for rule in rules)
