"""Load, validate and override the shipped law tables (recording consent, calling hours, time zones, area codes).

The law is data, not code: ``recording_law.json`` carries every entry with its source and a ``verified`` flag so
that counsel can review it, and the operator can override an entry (say, decide that an unclear state is
one-party) with a JSON file. An override is never silent: the loaded rules list each one with its reason, and the
version reported on every call becomes ``<version>+override:<first 8 hex of the override file's SHA-256>``, so a
report always says which law it was judged under.

A malformed file is an error naming the file and the entry, raised at load time rather than on some later call.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from callwarden.domain.consent import ConsentModel

LAW_FILE = "recording_law.json"
AREA_CODE_FILE = "nanp_area_codes.json"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
_ENTRY_FIELDS = {"name", "consent_model", "statute", "note", "source", "verified", "unclear", "disclosure", "members"}
_OVERRIDE_FIELDS = {"consent_model", "reason"}


class RulesError(ValueError):
    """A rules or override file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class LawEntry:
    """The consent law of one region, with where it comes from and how sure we are of it."""

    region: str
    name: str
    consent_model: ConsentModel
    statute: str | None
    note: str
    source: str
    verified: bool
    unclear: bool = False
    disclosure: str | None = None
    group: str | None = None
    override_reason: str | None = None


@dataclass(frozen=True)
class HoursWindow:
    """Calls allowed on ``days`` (0 = Monday) from ``start`` (inclusive) to ``end`` (exclusive), local time."""

    days: frozenset[int]
    start: time
    end: time

    def allows(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True)
class CallingHoursRule:
    """When telemarketing calls may be placed in a region; a day without a window allows no calls."""

    region: str
    name: str
    windows: tuple[HoursWindow, ...]
    source: str
    verified: bool
    note: str = ""

    def allows(self, local: datetime) -> bool:
        return any(window.allows(local) for window in self.windows)

    def describe(self) -> str:
        """Human-readable windows, e.g. ``Mon-Fri 09:00-21:30; Sat-Sun 10:00-18:00``."""
        parts = []
        for window in self.windows:
            days = sorted(window.days)
            if len(days) > 1 and days[-1] - days[0] == len(days) - 1:
                span = f"{DAYS[days[0]].title()}-{DAYS[days[-1]].title()}"
            else:
                span = ",".join(DAYS[d].title() for d in days)
            parts.append(f"{span} {window.start:%H:%M}-{window.end:%H:%M}")
        covered = set().union(*(w.days for w in self.windows))
        closed = [DAYS[d].title() for d in range(7) if d not in covered]
        if closed:
            parts.append(f"no calls {', '.join(closed)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class AreaCode:
    """A NANP area code and the region(s) it may belong to; no regions means anywhere in the NANP."""

    code: str
    regions: tuple[str, ...]
    kind: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class AppliedOverride:
    """One operator override, kept with the rules so that reports can show it."""

    region: str
    consent_model: ConsentModel
    previous: ConsentModel | None
    reason: str


@dataclass(frozen=True)
class Rules:
    """Everything jurisdiction resolution needs, loaded from the shipped files plus any operator overrides."""

    version: str
    default_model: ConsentModel
    regions: Mapping[str, LawEntry]
    calling_hours: Mapping[str, CallingHoursRule]
    time_zones: Mapping[str, tuple[str, ...]]
    area_codes: Mapping[str, AreaCode]
    overrides: tuple[AppliedOverride, ...] = ()
    override_sha256: str | None = None
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def rules_version(self) -> str:
        """The version to report: the file's, plus the override file's hash when overrides were applied."""
        if self.override_sha256 is None:
            return self.version
        return f"{self.version}+override:{self.override_sha256[:8]}"

    def law_for(self, region: str | None) -> LawEntry | None:
        return self.regions.get(region) if region else None

    def uniform_model(self, country: str) -> ConsentModel | None:
        """The model shared by a country and all its subregions, or None where they differ or nothing is known."""
        models = {e.consent_model for r, e in self.regions.items() if r == country or r.startswith(country + "-")}
        return models.pop() if len(models) == 1 else None

    def zones_for(self, region: str) -> tuple[str, ...]:
        """IANA zones of a region; a country without its own list gets the union of its subregions'."""
        if region in self.time_zones:
            return self.time_zones[region]
        zones: dict[str, None] = {}
        for name, listed in sorted(self.time_zones.items()):
            if name.startswith(region + "-"):
                zones.update(dict.fromkeys(listed))
        return tuple(zones)


def _fail(origin: str, where: str, problem: str) -> RulesError:
    return RulesError(f"{origin}: {where}: {problem}")


def _text(raw: Mapping[str, Any], key: str, origin: str, where: str, *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise _fail(origin, f"{where}.{key}", f"expected a non-empty string, got {value!r}")
    return value


def _flag(raw: Mapping[str, Any], key: str, origin: str, where: str, default: bool | None = None) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise _fail(origin, f"{where}.{key}", f"expected true or false, got {value!r}")
    return value


def _model(value: object, origin: str, where: str) -> ConsentModel:
    try:
        return ConsentModel.parse(value)
    except ValueError as exc:
        raise _fail(origin, where, str(exc)) from exc


def _object(value: object, origin: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(origin, where, f"expected an object, got {type(value).__name__}")
    return value


def _law_entry(region: str, raw: object, origin: str, where: str, group: str | None = None) -> LawEntry:
    item = _object(raw, origin, where)
    unknown = set(item) - _ENTRY_FIELDS
    if unknown:
        raise _fail(origin, where, f"unknown field(s) {sorted(unknown)}")
    return LawEntry(
        region=region,
        name=_text(item, "name", origin, where) or region,
        consent_model=_model(item.get("consent_model"), origin, f"{where}.consent_model"),
        statute=_text(item, "statute", origin, where, optional=True),
        note=_text(item, "note", origin, where, optional=True) or "",
        source=_text(item, "source", origin, where) or "",
        verified=_flag(item, "verified", origin, where),
        unclear=_flag(item, "unclear", origin, where, default=False),
        disclosure=_text(item, "disclosure", origin, where, optional=True),
        group=group,
    )


def _clock(value: object, origin: str, where: str) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise _fail(origin, where, f"expected HH:MM, got {value!r}")
    try:
        return time.fromisoformat(value)
    except ValueError as exc:
        raise _fail(origin, where, f"expected HH:MM, got {value!r}") from exc


def _hours_rule(region: str, raw: object, origin: str, where: str) -> CallingHoursRule:
    item = _object(raw, origin, where)
    windows_raw = item.get("windows")
    if not isinstance(windows_raw, list) or not windows_raw:
        raise _fail(origin, f"{where}.windows", "expected a non-empty list")
    windows: list[HoursWindow] = []
    seen: set[int] = set()
    for index, window_raw in enumerate(windows_raw):
        at = f"{where}.windows[{index}]"
        window = _object(window_raw, origin, at)
        days_raw = window.get("days")
        if not isinstance(days_raw, list) or not days_raw or any(d not in DAYS for d in days_raw):
            raise _fail(origin, f"{at}.days", f"expected a list of {', '.join(DAYS)}, got {days_raw!r}")
        days = frozenset(DAYS.index(d) for d in days_raw)
        if days & seen:
            raise _fail(origin, f"{at}.days", "a day appears in two windows")
        seen |= days
        start, end = _clock(window.get("start"), origin, f"{at}.start"), _clock(window.get("end"), origin, f"{at}.end")
        if not start < end:
            raise _fail(origin, at, f"start {start:%H:%M} is not before end {end:%H:%M}")
        windows.append(HoursWindow(days, start, end))
    return CallingHoursRule(
        region=region,
        name=_text(item, "name", origin, where) or region,
        windows=tuple(windows),
        source=_text(item, "source", origin, where) or "",
        verified=_flag(item, "verified", origin, where),
        note=_text(item, "note", origin, where, optional=True) or "",
    )


def _region_key(key: object, origin: str, where: str) -> str:
    if not isinstance(key, str) or not _REGION.match(key):
        raise _fail(origin, where, f"region {key!r} is not like 'US', 'US-CA' or 'CA-ON'")
    return key


def parse_recording_law(raw: object, origin: str = LAW_FILE) -> Rules:
    """Validate the recording-law document; the result has no area codes (see :func:`parse_area_codes`)."""
    doc = _object(raw, origin, "document")
    version = doc.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise _fail(origin, "version", f"expected YYYY.MM.N, got {version!r}")
    default = _object(doc.get("default"), origin, "default")
    default_model = _model(default.get("consent_model"), origin, "default.consent_model")
    regions: dict[str, LawEntry] = {}
    for key, entry in _object(doc.get("regions"), origin, "regions").items():
        region = _region_key(key, origin, f"regions.{key}")
        regions[region] = _law_entry(region, entry, origin, f"regions.{region}")
    groups: dict[str, tuple[str, ...]] = {}
    for name, group_raw in _object(doc.get("groups", {}), origin, "groups").items():
        where = f"groups.{name}"
        members = _object(group_raw, origin, where).get("members")
        if not isinstance(members, list) or not members:
            raise _fail(origin, f"{where}.members", "expected a non-empty list of region codes")
        groups[name] = tuple(_region_key(m, origin, f"{where}.members") for m in members)
        for member in groups[name]:
            if member in regions:
                raise _fail(origin, f"{where}.members", f"{member} also has its own entry in regions")
            entry = _law_entry(member, group_raw, origin, where, group=name)
            regions[member] = replace(entry, name=f"{entry.name} ({member})")
    hours: dict[str, CallingHoursRule] = {}
    for key, rule in _object(doc.get("calling_hours", {}), origin, "calling_hours").items():
        region = _region_key(key, origin, f"calling_hours.{key}")
        hours[region] = _hours_rule(region, rule, origin, f"calling_hours.{region}")
    zones: dict[str, tuple[str, ...]] = {}
    for key, listed in _object(doc.get("time_zones", {}), origin, "time_zones").items():
        region = _region_key(key, origin, f"time_zones.{key}")
        if not isinstance(listed, list) or not listed or not all(isinstance(z, str) and "/" in z for z in listed):
            raise _fail(origin, f"time_zones.{region}", f"expected a list of IANA zone names, got {listed!r}")
        zones[region] = tuple(listed)
    for region in hours:
        if not any(z == region or z.startswith(region + "-") for z in zones):
            raise _fail(origin, f"calling_hours.{region}", "no time zones listed for this region")
    return Rules(
        version=version,
        default_model=default_model,
        regions=MappingProxyType(regions),
        calling_hours=MappingProxyType(hours),
        time_zones=MappingProxyType(zones),
        area_codes=MappingProxyType({}),
        groups=MappingProxyType(groups),
    )


def parse_area_codes(raw: object, origin: str = AREA_CODE_FILE) -> Mapping[str, AreaCode]:
    """Validate the NANP area-code table."""
    doc = _object(raw, origin, "document")
    table: dict[str, AreaCode] = {}
    for code, entry_raw in _object(doc.get("area_codes"), origin, "area_codes").items():
        where = f"area_codes.{code}"
        if not re.fullmatch(r"[2-9]\d\d", code):
            raise _fail(origin, where, "an area code is three digits, the first 2-9")
        entry = _object(entry_raw, origin, where)
        regions = entry.get("regions")
        if not isinstance(regions, list):
            raise _fail(origin, f"{where}.regions", f"expected a list, got {regions!r}")
        table[code] = AreaCode(
            code=code,
            regions=tuple(_region_key(r, origin, f"{where}.regions") for r in regions),
            kind=_text(entry, "kind", origin, where) or "",
            source=_text(entry, "source", origin, where) or "",
            verified=_flag(entry, "verified", origin, where, default=True),
        )
    return MappingProxyType(table)


def _read_json(text: str, origin: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{origin}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc


@cache
def load_shipped_rules() -> Rules:
    """The rules shipped in the package (cached: the files do not change while the process runs)."""
    package = resources.files("callwarden.rules")
    law = parse_recording_law(_read_json(package.joinpath(LAW_FILE).read_text("utf-8"), LAW_FILE), LAW_FILE)
    codes = parse_area_codes(_read_json(package.joinpath(AREA_CODE_FILE).read_text("utf-8"), AREA_CODE_FILE))
    return replace(law, area_codes=codes)


def apply_overrides(rules: Rules, raw: object, sha256: str, origin: str = "overrides") -> Rules:
    """Rules with the operator's overrides applied and recorded; ``raw`` maps region (or group) to an override.

    ``{"US-DE": {"consent_model": "one-party", "reason": "counsel memo 2026-03"}}``. A reason is required: an
    override without one could not be audited. A group name (``EU``) overrides each member without its own entry.
    """
    doc = _object(raw, origin, "document")
    regions = dict(rules.regions)
    applied: list[AppliedOverride] = []
    for key, item_raw in doc.items():
        where = str(key)
        item = _object(item_raw, origin, where)
        unknown = set(item) - _OVERRIDE_FIELDS
        if unknown:
            raise _fail(origin, where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_OVERRIDE_FIELDS)}")
        model = _model(item.get("consent_model"), origin, f"{where}.consent_model")
        reason = _text(item, "reason", origin, where) or ""
        targets = rules.groups.get(key) if isinstance(key, str) else None
        for region in targets or (_region_key(key, origin, where),):
            if targets and region in doc:
                continue
            shipped = rules.regions.get(region)
            base = shipped or LawEntry(region, region, model, None, "Added by operator override.", "operator", False)
            regions[region] = replace(base, consent_model=model, override_reason=reason)
            previous = shipped.consent_model if shipped else None
            applied.append(AppliedOverride(region, model, previous, reason))
    return replace(
        rules,
        regions=MappingProxyType(regions),
        overrides=rules.overrides + tuple(applied),
        override_sha256=sha256,
    )


def load_override_file(rules: Rules, path: str | Path) -> Rules:
    """Apply the operator's override file at ``path``; its SHA-256 goes into the reported rules version."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise RulesError(f"{file}: cannot read the override file ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(f"{file}: not UTF-8 text") from exc
    return apply_overrides(rules, _read_json(text, str(file)), hashlib.sha256(data).hexdigest(), str(file))


def load_rules(override_path: str | Path | None = None) -> Rules:
    """The shipped rules, with the operator's override file applied when one is configured."""
    rules = load_shipped_rules()
    return rules if override_path is None else load_override_file(rules, override_path)
