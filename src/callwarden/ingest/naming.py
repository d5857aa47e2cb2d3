"""Call metadata read from the file names dialers give their recordings.

A watched folder often receives nothing but audio files: the dialer's naming convention is the only metadata
that comes with them. These pure functions recognise the stock conventions of VICIdial, Asterisk/FreePBX and
FreeSWITCH, plus one operator-supplied regular expression, and say which names are still being written (so
the watcher leaves them alone). Times are returned as written in the name, naive local time, because the name
does not say which zone the dialer ran in; resolving that is the ingest service's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Convention = Literal["vicidial", "asterisk", "freeswitch", "custom"]
FIELD_NAMES = frozenset({"from", "to", "agent_id", "call_id", "started_at", "direction", "campaign"})
_PATTERN_GROUPS = FIELD_NAMES | {"date", "time"}

# Only these are taken off as an extension: an Asterisk unique id ("1705329022.45") also ends in ".digits".
_AUDIO_EXTENSION = re.compile(r"\.(?:wav|wav49|gsm|mp3|ogg|oga|opus|flac|m4a|aac|amr|au|sln|ulaw|alaw|g729)$", re.I)
_PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".filepart", ".crdownload", ".download", "~")

_PHONE = r"\d{7,15}"
# VICIdial user ids are letters and digits; an all-digit id shorter than a phone number keeps them apart.
_AGENT = r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|\d{1,6})"
_FULLDATE = r"(?P<date>\d{8})-(?P<time>\d{6})"
_VICIDIAL = [
    re.compile(rf"{_FULLDATE}_(?P<to>{_PHONE})"),  # FULLDATE_CUSTPHONE, the shipped default
    re.compile(rf"{_FULLDATE}_(?P<agent_id>{_AGENT})_(?P<to>{_PHONE})"),  # FULLDATE_AGENT_CUSTPHONE
    re.compile(rf"{_FULLDATE}_(?P<to>{_PHONE})_(?P<agent_id>{_AGENT})"),  # FULLDATE_CUSTPHONE_AGENT
    re.compile(rf"(?P<campaign>[A-Za-z0-9]{{2,8}})_{_FULLDATE}_(?P<to>{_PHONE})"),  # CAMPAIGN_FULLDATE_CUSTPHONE
]
# FreePBX MixMonitor: {mode}-{to}-{from}-{YYYYMMDD}-{HHMMSS}-{uniqueid}; "from" is empty for withheld callers.
_ASTERISK = re.compile(
    r"(?P<mode>out|in|external|exten|q|rg|g|ondemand)-(?P<to>[^-]+)-(?P<from>[^-]*)-"
    r"(?P<date>\d{8})-(?P<time>\d{6})-(?P<call_id>\d+\.\d+)"
)
_ASTERISK_DIRECTIONS = {"out": "outbound", "in": "inbound", "external": "inbound"}
# FreeSWITCH's documented ${strftime(%Y-%m-%d-%H-%M-%S)}_${destination_number}_${caller_id_number}.
_FREESWITCH_DATED = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<time>\d{2}-\d{2}-\d{2})_(?P<to>[^_]+)_(?P<from>[^_]+)")
_FREESWITCH_UUID = re.compile(r"(?P<call_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.I)
_DIRECTION_WORDS = {
    "in": "inbound",
    "inbound": "inbound",
    "incoming": "inbound",
    "out": "outbound",
    "outbound": "outbound",
    "outgoing": "outbound",
}


@dataclass(frozen=True)
class NameMatch:
    """Which convention a name follows and the fields it yields (keys among `FIELD_NAMES`)."""

    convention: Convention
    fields: dict[str, str]


def compile_custom_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an operator's pattern, refusing group names we would silently ignore (a likely typo)."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"the recording name pattern is not a valid regular expression: {exc}") from None
    unknown = sorted(set(compiled.groupindex) - _PATTERN_GROUPS)
    if unknown:
        allowed = ", ".join(sorted(_PATTERN_GROUPS))
        raise ValueError(f"unknown group(s) {', '.join(unknown)} in the recording name pattern; use {allowed}")
    return compiled


def _iso_time(text: str) -> str | None:
    """ISO 8601 from the 14 digits of a date and time however punctuated (20240115-143022, 2024-01-15-14-30-22)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) != 14:
        return None
    try:
        return datetime.strptime(digits, "%Y%m%d%H%M%S").isoformat()
    except ValueError:  # 20241341-256199 has the right shape but is no time
        return None


def _fields(groups: dict[str, str | None], **fixed: str) -> dict[str, str] | None:
    """Normalise matched groups into fields; None when a time or direction in them is not a real one."""
    fields = {key: value for key, value in groups.items() if value and key in FIELD_NAMES}
    written_time = fields.get("started_at") or (groups.get("date") or "") + (groups.get("time") or "")
    if written_time:
        started_at = _iso_time(written_time)
        if started_at is None:
            return None
        fields["started_at"] = started_at
    if "direction" in fields:
        direction = _DIRECTION_WORDS.get(fields["direction"].lower())
        if direction is None:
            return None
        fields["direction"] = direction
    return {**fields, **fixed}


def _stem(filename: str) -> str:
    base = re.split(r"[\\/]", filename)[-1]
    return _AUDIO_EXTENSION.sub("", base)


def _builtin(stem: str) -> NameMatch | None:
    bare = stem.removesuffix("-all")  # VICIdial's mixed (both legs) file
    for pattern in _VICIDIAL:
        found = pattern.fullmatch(bare)
        fields = found and _fields(found.groupdict(), direction="outbound")
        if fields:
            return NameMatch("vicidial", fields)
    found = _ASTERISK.fullmatch(stem)
    if found:
        direction = _ASTERISK_DIRECTIONS.get(found["mode"])
        fields = _fields(found.groupdict(), **({"direction": direction} if direction else {}))
        if fields:
            return NameMatch("asterisk", fields)
    found = _FREESWITCH_DATED.fullmatch(stem) or _FREESWITCH_UUID.fullmatch(stem)
    fields = found and _fields(found.groupdict())
    return NameMatch("freeswitch", fields) if fields else None


def parse_recording_name(filename: str, extra_pattern: str | None = None) -> NameMatch | None:
    """Metadata from a recording's file name (a bare name or a path), or None when no convention fits.

    `extra_pattern` is the operator's own regular expression, tried first against the name without its
    audio extension and then against the whole name; its named groups are among `FIELD_NAMES`, plus `date`
    and `time`, which combine into `started_at`.
    """
    stem = _stem(filename)
    if extra_pattern:
        pattern = compile_custom_pattern(extra_pattern)
        found = pattern.fullmatch(stem) or pattern.fullmatch(re.split(r"[\\/]", filename)[-1])
        fields = found and _fields(found.groupdict())
        if fields:
            return NameMatch("custom", fields)
    return _builtin(stem)


def is_partial_name(filename: str) -> bool:
    """True for names writers use while a file is still arriving: hidden, backup-style or download suffixes."""
    base = re.split(r"[\\/]", filename)[-1]
    return base.startswith(".") or base.lower().endswith(_PARTIAL_SUFFIXES)
