"""Recording disclosure: a campaign's policy, what detection found, and the pure rule that turns it into a verdict.

Detection (``analysis.disclosure`` for speech, ``audio.prompt_match`` for pre-recorded prompts) produces
`DisclosureHit`s, at most one `Objection` and, for opt-in markets, `ConsentAnswer`s; `decide` is the only
place where they become the report's ``disclosure`` verdict, so the rule is the same wherever it is applied.

The rule, in order:
1. the prospect objected to being recorded: ``objected`` (whatever else happened; the disclosure found, if
   any, is still reported with its method and time so both can be checked);
2. otherwise the earliest hit of an accepted method: ``given`` when it starts at or before the deadline
   (seconds from the start of the recording), ``late`` after it;
3. no hit: ``missing``.
With ``require_explicit_yes`` (opt-in markets) only a disclosure followed by a prospect's consent answer within
``consent_window_s`` counts. A disclosure that got no such answer leaves the call ``missing`` (notice without
consent is not consent there); its method and time stay null and ``evidence`` carries
``{"reason": "no_consent_answer", "unconfirmed": <the disclosure's evidence and time>}`` so a reviewer sees why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from callwarden.domain.retention import (
    DEFAULT_GRACE_DAYS,
    ObjectionAction,
    check_grace_days,
    parse_objection_action,
)

DEFAULT_DEADLINE_S = 15.0
DEFAULT_CONSENT_WINDOW_S = 20.0


class DisclosureMethod(StrEnum):
    """How the prospect was told: an agent's words, or a pre-recorded prompt."""

    VERBAL = "verbal"
    IVR = "ivr"


class DisclosureStatus(StrEnum):
    """The verdict on a call's disclosure."""

    GIVEN = "given"
    LATE = "late"
    MISSING = "missing"
    OBJECTED = "objected"


def parse_methods(text: str) -> frozenset[DisclosureMethod]:
    """Accepted methods from a setting: ``verbal``, ``ivr`` or ``both`` (either one satisfies the policy)."""
    value = text.strip().lower()
    if value == "both":
        return frozenset(DisclosureMethod)
    try:
        return frozenset({DisclosureMethod(value)})
    except ValueError:
        raise ValueError(f"disclosure methods must be verbal, ivr or both, got {text!r}") from None


def describe_methods(methods: Iterable[DisclosureMethod]) -> str:
    """Inverse of `parse_methods`."""
    chosen = set(methods)
    return "both" if chosen == set(DisclosureMethod) else next(iter(chosen)).value if chosen else "none"


@dataclass(frozen=True)
class PromptReference:
    """A pre-recorded disclosure prompt to look for acoustically: a name for the report and its audio file."""

    name: str
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path}


@dataclass(frozen=True)
class DisclosurePolicy:
    """A campaign's disclosure rules.

    ``extra_*`` phrases are added to the shipped library; ``replace_*`` ones, when not empty, are used instead
    of it. ``prompts`` are the campaign's pre-recorded prompts (``analyze --prompt`` adds more).
    ``on_objection`` and ``objection_grace_days`` say what happens to an objected call's audio
    (``domain.retention``).
    """

    methods: frozenset[DisclosureMethod] = frozenset(DisclosureMethod)
    deadline_s: float = DEFAULT_DEADLINE_S
    require_explicit_yes: bool = False
    consent_window_s: float = DEFAULT_CONSENT_WINDOW_S
    extra_disclosure_phrases: tuple[str, ...] = ()
    extra_objection_phrases: tuple[str, ...] = ()
    extra_consent_phrases: tuple[str, ...] = ()
    replace_disclosure_phrases: tuple[str, ...] = ()
    replace_objection_phrases: tuple[str, ...] = ()
    prompts: tuple[PromptReference, ...] = ()
    on_objection: ObjectionAction = ObjectionAction.DELETE_AFTER_OBJECTION
    objection_grace_days: float = DEFAULT_GRACE_DAYS

    def __post_init__(self) -> None:
        if not self.methods:
            raise ValueError("a disclosure policy must accept at least one method")
        if self.deadline_s < 0 or self.consent_window_s <= 0:
            raise ValueError("deadline_s must be >= 0 and consent_window_s > 0")
        check_grace_days(self.objection_grace_days)

    def accepts(self, method: DisclosureMethod) -> bool:
        return method in self.methods

    def to_dict(self) -> dict[str, Any]:
        return {
            "methods": describe_methods(self.methods),
            "deadline_s": self.deadline_s,
            "require_explicit_yes": self.require_explicit_yes,
            "consent_window_s": self.consent_window_s,
            "extra_disclosure_phrases": list(self.extra_disclosure_phrases),
            "extra_objection_phrases": list(self.extra_objection_phrases),
            "extra_consent_phrases": list(self.extra_consent_phrases),
            "replace_disclosure_phrases": list(self.replace_disclosure_phrases),
            "replace_objection_phrases": list(self.replace_objection_phrases),
            "prompts": [p.to_dict() for p in self.prompts],
            "on_objection": self.on_objection.value,
            "objection_grace_days": self.objection_grace_days,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DisclosurePolicy:
        """From campaign configuration (JSON); missing keys take the defaults."""

        def strings(key: str) -> tuple[str, ...]:
            return tuple(str(p) for p in raw.get(key, ()))

        return cls(
            methods=parse_methods(str(raw.get("methods", "both"))),
            deadline_s=float(raw.get("deadline_s", DEFAULT_DEADLINE_S)),
            require_explicit_yes=bool(raw.get("require_explicit_yes", False)),
            consent_window_s=float(raw.get("consent_window_s", DEFAULT_CONSENT_WINDOW_S)),
            extra_disclosure_phrases=strings("extra_disclosure_phrases"),
            extra_objection_phrases=strings("extra_objection_phrases"),
            extra_consent_phrases=strings("extra_consent_phrases"),
            replace_disclosure_phrases=strings("replace_disclosure_phrases"),
            replace_objection_phrases=strings("replace_objection_phrases"),
            prompts=tuple(PromptReference(str(p["name"]), str(p["path"])) for p in raw.get("prompts", ())),
            on_objection=parse_objection_action(raw.get("on_objection", ObjectionAction.DELETE_AFTER_OBJECTION)),
            objection_grace_days=_days(raw.get("objection_grace_days", DEFAULT_GRACE_DAYS)),
        )


def _days(value: object) -> float:
    """A number of days from JSON (a bool or a string is a mistake, not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"objection_grace_days must be a number of days; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class DisclosureHit:
    """One place a disclosure was found. ``evidence``: for verbal hits text, score, speaker and matched phrase;
    for IVR hits the prompt name, correlation and channel."""

    method: DisclosureMethod
    at_s: float
    score: float
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method.value, "at_s": self.at_s, "score": self.score, "evidence": dict(self.evidence)}


@dataclass(frozen=True)
class Objection:
    """The prospect declining to be recorded: when, and what was said."""

    at_s: float
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"at_s": self.at_s, "evidence": dict(self.evidence)}


@dataclass(frozen=True)
class ConsentAnswer:
    """A prospect's explicit yes to being recorded (opt-in markets)."""

    at_s: float
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DisclosureVerdict:
    """The report's ``disclosure`` field."""

    status: DisclosureStatus
    method: DisclosureMethod | None
    at_s: float | None
    deadline_s: float
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "method": self.method.value if self.method else None,
            "at_s": self.at_s,
            "deadline_s": self.deadline_s,
            "evidence": dict(self.evidence),
        }


def _consent_after(hit: DisclosureHit, consents: Sequence[ConsentAnswer], window_s: float) -> ConsentAnswer | None:
    for answer in sorted(consents, key=lambda a: a.at_s):
        if hit.at_s <= answer.at_s <= hit.at_s + window_s:
            return answer
    return None


def decide(
    disclosure_hits: Iterable[DisclosureHit],
    objection: Objection | None,
    policy: DisclosurePolicy,
    consents: Sequence[ConsentAnswer] = (),
) -> DisclosureVerdict:
    """The disclosure verdict (see the module docstring for the rule)."""
    hits = sorted((h for h in disclosure_hits if policy.accepts(h.method)), key=lambda h: (h.at_s, -h.score))
    chosen: DisclosureHit | None = None
    consent: ConsentAnswer | None = None
    unconfirmed: DisclosureHit | None = None
    for hit in hits:
        if not policy.require_explicit_yes:
            chosen = hit
            break
        consent = _consent_after(hit, consents, policy.consent_window_s)
        if consent is not None:
            chosen = hit
            break
        unconfirmed = unconfirmed or hit
    evidence: dict[str, Any] = dict(chosen.evidence) if chosen else {}
    if chosen is not None and consent is not None:
        evidence["consent"] = {"at_s": consent.at_s, **dict(consent.evidence)}
    if objection is not None:
        shown = chosen or unconfirmed
        evidence = dict(shown.evidence) if shown else {}
        evidence["objection"] = objection.to_dict()
        return DisclosureVerdict(
            DisclosureStatus.OBJECTED,
            shown.method if shown else None,
            shown.at_s if shown else None,
            policy.deadline_s,
            evidence,
        )
    if chosen is None:
        if unconfirmed is not None:
            evidence = {"reason": "no_consent_answer", "unconfirmed": unconfirmed.to_dict()}
        return DisclosureVerdict(DisclosureStatus.MISSING, None, None, policy.deadline_s, evidence)
    status = DisclosureStatus.GIVEN if chosen.at_s <= policy.deadline_s else DisclosureStatus.LATE
    return DisclosureVerdict(status, chosen.method, chosen.at_s, policy.deadline_s, evidence)
