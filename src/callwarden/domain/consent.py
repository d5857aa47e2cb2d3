"""Consent models and the jurisdiction of a call: pure types, no law tables, no I/O.

The law itself lives in ``callwarden/rules/recording_law.json``; these types only say what a resolved
jurisdiction looks like and how consent models compare. The comparison is what matters for safety: a call is
handled under the strictest model among its parties, so the order is defined here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

PartyRole = Literal["agent", "prospect"]


class ConsentModel(StrEnum):
    """Whose consent a recording needs: one party's (the recorder's) or every party's."""

    ONE_PARTY = "one-party"
    ALL_PARTY = "all-party"

    @property
    def strictness(self) -> int:
        """Higher is stricter; all-party is stricter than one-party."""
        return _STRICTNESS[self]

    @classmethod
    def parse(cls, value: object) -> ConsentModel:
        """``"one-party"``/``"all-party"`` to a model; anything else is a ValueError naming the value."""
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        raise ValueError(f"consent model must be 'one-party' or 'all-party', got {value!r}")


_STRICTNESS = {ConsentModel.ONE_PARTY: 0, ConsentModel.ALL_PARTY: 1}


def strictest(models: Iterable[ConsentModel]) -> ConsentModel:
    """The strictest of ``models``; with none at all, all-party (nothing known means fail closed)."""
    return max(models, key=lambda model: model.strictness, default=ConsentModel.ALL_PARTY)


@dataclass(frozen=True)
class PartyJurisdiction:
    """One party's region and the consent model that applies to it.

    ``uncertain`` is True when the region is a guess (a portable or mobile number, a missing number, a region not
    in the law table); ``evidence`` says in words how the region was found, for the compliance officer.
    ``candidates`` lists every region the party may be in when the number does not pin down one (an area code
    shared by two provinces); ``region`` is then the country.
    """

    role: PartyRole
    region: str | None
    consent_model: ConsentModel
    uncertain: bool
    evidence: str
    candidates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "role": self.role,
            "region": self.region,
            "consent_model": str(self.consent_model),
            "uncertain": self.uncertain,
            "evidence": self.evidence,
        }
        if len(self.candidates) > 1:
            data["candidates"] = list(self.candidates)
        return data


@dataclass(frozen=True)
class Jurisdiction:
    """The consent model of a call (the strictest among its parties), its parties and the rules version used."""

    consent_model: ConsentModel
    parties: tuple[PartyJurisdiction, ...]
    rules_version: str

    @classmethod
    def of_parties(cls, parties: Iterable[PartyJurisdiction], rules_version: str) -> Jurisdiction:
        """The jurisdiction of a call with these parties: the strictest party's model applies to the call."""
        items = tuple(parties)
        return cls(strictest(p.consent_model for p in items), items, rules_version)

    @property
    def uncertain(self) -> bool:
        return any(p.uncertain for p in self.parties)

    def to_dict(self) -> dict[str, Any]:
        """The report's ``jurisdiction`` object (DESIGN.md), with ``uncertain`` and ``evidence`` per party."""
        return {
            "consent_model": str(self.consent_model),
            "parties": [p.to_dict() for p in self.parties],
            "rules_version": self.rules_version,
        }


HoursStatus = Literal["violation", "unknown"]


@dataclass(frozen=True)
class LocalTime:
    """The call's start in one time zone of the prospect's region."""

    zone: str
    local: datetime
    allowed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"zone": self.zone, "local": self.local.isoformat(), "allowed": self.allowed}


@dataclass(frozen=True)
class HoursVerdict:
    """A calling-hours finding: a call outside the allowed window, or one that could not be checked.

    ``unknown`` is a flag, not a pass: without a start time, a region or a rule nobody can say the call was
    placed at a lawful hour.
    """

    status: HoursStatus
    region: str | None
    reason: str
    local_times: tuple[LocalTime, ...] = ()
    window: str | None = None
    source: str | None = None
    rules: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "region": self.region,
            "reason": self.reason,
            "local_times": [t.to_dict() for t in self.local_times],
            "window": self.window,
            "source": self.source,
            "rules": list(self.rules),
        }
