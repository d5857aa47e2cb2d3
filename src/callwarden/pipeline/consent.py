"""The consent assessment of one call: its jurisdiction, whether and when the prospect was told, objections,
calling hours, and the consent record that binds all of it to the recording.

Shared by the consent stage and ``callwarden analyze``. The record lists every input of the decision (rules
version and overrides, regions and how they were found, the policy, the detection engines and phrase library)
with the recording's SHA-256, and is hashed in canonical JSON; the stage writes that hash to the audit chain, so
a verdict can be re-derived and checked later. Re-running with new rules gives a new record next to the old one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callwarden.analysis.disclosure import DisclosureAssessment, assess_disclosure
from callwarden.analysis.jurisdiction import call_hours_verdicts, resolve_jurisdiction
from callwarden.analysis.pii import find_pii_in_text, redact_text
from callwarden.audio.probe import AudioSource
from callwarden.audio.prompt_match import PromptTemplate, match_prompts_in_file
from callwarden.domain.audit import compute_hash
from callwarden.domain.consent import ConsentModel, HoursVerdict, Jurisdiction
from callwarden.domain.disclosure import DisclosureMethod, DisclosurePolicy, PromptReference
from callwarden.domain.transcript import Segment
from callwarden.rules.loader import Rules

PROMPT_MATCHER = "callwarden.audio.prompt_match log-mel NCC 1"


@dataclass(frozen=True)
class ConsentPolicies:
    """Disclosure policies by campaign (``CALLWARDEN_POLICY_FILE``), with a default for every other campaign."""

    default: DisclosurePolicy
    campaigns: Mapping[str, DisclosurePolicy]
    version: str

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ConsentPolicies:
        """``{"default": {...}, "campaigns": {"name": {...}}}``; each policy as ``DisclosurePolicy.from_dict``."""
        default = DisclosurePolicy.from_dict(raw.get("default", {}))
        campaigns = {str(name): DisclosurePolicy.from_dict(p) for name, p in raw.get("campaigns", {}).items()}
        return cls(default, campaigns, compute_hash(dict(raw))[:12])

    def for_campaign(self, campaign: str | None) -> DisclosurePolicy:
        """The campaign's policy, or the default."""
        return self.campaigns.get(campaign or "", self.default)


@dataclass(frozen=True)
class ConsentAssessment:
    """Everything decided about one call's consent, and the record that proves it."""

    jurisdiction: Jurisdiction
    disclosure: DisclosureAssessment
    hours: list[HoursVerdict]
    record: dict[str, Any]
    record_hash: str
    verdict: dict[str, Any]  # the report's disclosure and objection, evidence text without personal data

    @property
    def status(self) -> str:
        """given, late, missing or objected."""
        return str(self.disclosure.verdict.status)

    def flags(self) -> tuple[str, ...]:
        """The call flags this verdict raises (the policy actions decide restriction separately)."""
        found = [] if self.status == "given" else [f"disclosure_{self.status}"]
        if self.quarantine:
            found.append("quarantined")
        found += [f"calling_hours_{verdict.status}" for verdict in self.hours]
        if self.jurisdiction.uncertain:
            found.append("jurisdiction_uncertain")
        if self.disclosure.unconfirmed and self.status != "objected":
            # one hearing heard the prospect object, or an unnamed voice objected in words also heard as the
            # disclosure: a person should listen
            found.append("objection_unconfirmed")
        return tuple(dict.fromkeys(found))

    @property
    def quarantine(self) -> bool:
        """A call recorded without the notice all-party law requires: compliance eyes only until reviewed."""
        return self.status == "missing" and self.jurisdiction.consent_model == ConsentModel.ALL_PARTY

    @property
    def restrict(self) -> bool:
        """Objected and quarantined calls are restricted to compliance and admin."""
        return self.status == "objected" or self.quarantine

    def report(self) -> dict[str, Any]:
        """The report's ``jurisdiction``, ``disclosure``, ``objection`` and ``calling_hours`` fields."""
        return {
            "jurisdiction": self.jurisdiction.to_dict(),
            **self.verdict,
            "calling_hours": [verdict.to_dict() for verdict in self.hours],
            "consent_record": {"hash": self.record_hash, "rules_version": self.jurisdiction.rules_version},
        }


def prompt_templates(prompts: Sequence[PromptReference]) -> list[PromptTemplate]:
    """Load the reference audio of pre-recorded prompts (a missing or broken file is an error naming it)."""
    return [PromptTemplate.from_file(prompt) for prompt in prompts]


def assess_consent(
    *,
    segments: Sequence[Segment],
    audio: AudioSource,
    metadata: Mapping[str, Any],
    started_at: datetime | None,
    recording_sha256: str,
    rules: Rules,
    policy: DisclosurePolicy,
    policy_version: str,
    templates: Sequence[PromptTemplate],
    asr_version: str,
    focused: Sequence[Segment] = (),
    focus_settings: Mapping[str, Any] | None = None,
) -> ConsentAssessment:
    """Decide the call's consent verdict and build its record; `focused` holds the consent-focused ASR pass's
    segments (extra evidence) and `focus_settings` how that pass ran (``FocusedPass.describe``), both None/empty
    when it did not run."""
    jurisdiction = resolve_jurisdiction(
        metadata.get("from"), metadata.get("to"), metadata.get("direction"), metadata.get("agent_region"), rules
    )
    matches = match_prompts_in_file(audio, templates) if templates and policy.accepts(DisclosureMethod.IVR) else []
    assessment = assess_disclosure(segments, policy, [m.to_hit() for m in matches if m.matched], focused=focused)
    # Calling-hours rules protect people who are called: an inbound call (the prospect dialled) is not checked.
    inbound = str(metadata.get("direction") or "").lower() == "inbound"
    hours = [] if inbound else call_hours_verdicts(started_at, jurisdiction, rules)
    verdict = without_personal_data(assessment.to_report())
    record = {
        "recording_sha256": recording_sha256,
        "rules_version": jurisdiction.rules_version,
        "jurisdiction": jurisdiction.to_dict(),
        "policy": {"version": policy_version, **policy.to_dict()},
        "engines": {
            "asr": asr_version,
            "consent_focused_asr": _without_cost(focus_settings),
            "phrase_library": assessment.library_version,
            "prompt_matcher": PROMPT_MATCHER if templates else None,
        },
        "prompt_matches": [
            {"name": m.name, "at_s": m.at_s, "score": round(m.score, 4), "matched": m.matched} for m in matches
        ],
        "verdict": verdict,
        "calling_hours": [verdict.to_dict() for verdict in hours],
        "started_at": started_at.isoformat() if started_at else None,
    }
    return ConsentAssessment(jurisdiction, assessment, hours, record, compute_hash(record), verdict)


EVIDENCE_TEXT = ("text", "matched")


def without_personal_data(value: Any) -> Any:
    """``value`` with the evidence strings (``text``, ``matched``) redacted: the verdict and the consent record
    are stored in the clear, and a disclosure sentence can hold a name ("this is Mark, am I speaking with
    Linda?"), an objection a phone number."""
    if isinstance(value, dict):
        return {
            key: redact_text(item, find_pii_in_text(item))
            if key in EVIDENCE_TEXT and isinstance(item, str)
            else without_personal_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_personal_data(item) for item in value]
    return value


def _without_cost(focus_settings: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The focused pass's settings as a decision input: what it took to compute is not one (it varies by run)."""
    return {k: v for k, v in focus_settings.items() if k != "compute_s"} if focus_settings else None
