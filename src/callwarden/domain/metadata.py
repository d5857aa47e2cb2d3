"""What a dialer hands over with a recording (META.json), validated into one typed record.

Validation is strict about shape (a value that does not parse is an error naming the field) and lenient about
absence: a recording with no metadata is still accepted, because refusing it would lose the recording; the
missing facts make later stages assume the strictest law.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callwarden.domain.phone import PhoneNumberError, normalise_phone

DIRECTIONS = ("inbound", "outbound")
_TEXT_FIELDS = ("call_id", "agent_id", "campaign", "agent_region", "disposition", "lead_id")
# What dialers call the length of the call itself: ours, a generic name, Asterisk's CDR, VICIdial's recording_log.
DURATION_ALIASES = ("duration_s", "duration", "billsec", "length_in_sec")
KNOWN_FIELDS = frozenset((*_TEXT_FIELDS, "direction", "from", "to", "started_at", "ended_at", *DURATION_ALIASES))


class MetadataError(ValueError):
    """Metadata that cannot be accepted; the message names the field and the problem."""


@dataclass(frozen=True)
class CallMetadata:
    """Validated dialer metadata; numbers in E.164, time in UTC."""

    call_id: str | None = None
    agent_id: str | None = None
    campaign: str | None = None
    direction: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    started_at: datetime | None = None
    claimed_duration_s: float | None = None
    agent_region: str | None = None
    disposition: str | None = None
    lead_id: str | None = None
    flags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def merged_over(self, base: CallMetadata) -> CallMetadata:
        """This metadata with gaps filled from ``base`` (e.g. explicit META.json over filename hints)."""
        values: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            values[name] = mine if mine not in (None, (), {}) else getattr(base, name)
        values["flags"] = tuple(sorted(set(self.flags) | set(base.flags)))
        return CallMetadata(**values)


def parse_metadata_json(text: str, *, default_region: str, dialer_timezone: str = "UTC") -> CallMetadata:
    """Parse META.json text; invalid JSON or a non-object is a MetadataError."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"metadata is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(raw, dict):
        raise MetadataError(f"metadata must be a JSON object, got {type(raw).__name__}")
    return parse_metadata(raw, default_region=default_region, dialer_timezone=dialer_timezone)


def parse_metadata(raw: Mapping[str, Any], *, default_region: str, dialer_timezone: str = "UTC") -> CallMetadata:
    """Validate a metadata mapping; unknown keys are kept in ``extra`` rather than dropped."""
    values: dict[str, Any] = {}
    flags: list[str] = []
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise MetadataError(f"{name}: expected a string, got {type(value).__name__}")
        text = str(value).strip()
        if len(text) > 200:
            raise MetadataError(f"{name}: longer than 200 characters")
        values[name] = text or None
    direction = raw.get("direction")
    if direction is not None:
        if not isinstance(direction, str) or direction.strip().lower() not in DIRECTIONS:
            raise MetadataError(f"direction: expected 'inbound' or 'outbound', got {direction!r}")
        values["direction"] = direction.strip().lower()
    for key, attr in (("from", "from_number"), ("to", "to_number")):
        number = raw.get(key)
        if number is None:
            continue
        if not isinstance(number, str | int) or isinstance(number, bool):
            raise MetadataError(f"{key}: expected a phone number string, got {type(number).__name__}")
        try:
            parsed = normalise_phone(str(number), default_region, field=key)
        except PhoneNumberError as exc:
            raise MetadataError(str(exc)) from exc
        values[attr] = parsed.e164
        if not parsed.valid:
            flags.append(f"{key}_number_unassigned")
    if raw.get("started_at") is not None:
        values["started_at"] = parse_timestamp(raw["started_at"], dialer_timezone, field="started_at")
    claimed = next((name for name in DURATION_ALIASES if raw.get(name) is not None), None)
    if claimed is not None:
        values["claimed_duration_s"] = _parse_duration(raw[claimed], claimed)
    elif raw.get("ended_at") is not None and "started_at" in values:
        ended = parse_timestamp(raw["ended_at"], dialer_timezone, field="ended_at")
        values["claimed_duration_s"] = _parse_duration((ended - values["started_at"]).total_seconds(), "ended_at")
    extra = {k: v for k, v in raw.items() if k not in KNOWN_FIELDS}
    return CallMetadata(**values, flags=tuple(flags), extra=extra)


def parse_timestamp(value: object, dialer_timezone: str, field: str = "started_at") -> datetime:
    """ISO 8601 text to an aware UTC datetime; a time without offset is read in the dialer's time zone."""
    if not isinstance(value, str):
        raise MetadataError(f"{field}: expected an ISO 8601 string, got {type(value).__name__}")
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MetadataError(f"{field}: {value!r} is not an ISO 8601 date and time") from exc
    if moment.tzinfo is None:
        try:
            moment = moment.replace(tzinfo=ZoneInfo(dialer_timezone))
        except ZoneInfoNotFoundError as exc:
            raise MetadataError(f"unknown dialer time zone {dialer_timezone!r}") from exc
    if not 1990 <= moment.year <= 2100:
        raise MetadataError(f"{field}: {value!r} is outside the years 1990-2100")
    return moment.astimezone(UTC)


def _parse_duration(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MetadataError(f"{field}: expected a number of seconds, got {type(value).__name__}")
    try:
        seconds = float(value)
    except ValueError as exc:
        raise MetadataError(f"{field}: {value!r} is not a number of seconds") from exc
    if not 0 <= seconds <= 7 * 24 * 3600:
        raise MetadataError(f"{field}: {value!r} is not a plausible call duration")
    return seconds
