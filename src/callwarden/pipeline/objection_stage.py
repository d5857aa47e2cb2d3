"""Policy actions after the consent verdict: an objected call's audio is scheduled for deletion as policy says.

Restriction and quarantine are the consent stage's (they must hold the moment the verdict is stored); this
stage only plans what is deleted and when. Nothing is deleted here: the deletion is scheduled with a grace
period, so compliance can review the call or put it on legal hold, and the retention service runs it when due.
"""

from __future__ import annotations

import json

from callwarden.domain.disclosure import DisclosureStatus
from callwarden.domain.retention import plan_objection_deletion
from callwarden.domain.transcript import Segment
from callwarden.pipeline.consent import ConsentPolicies
from callwarden.pipeline.stage import CallChanges, StageInput, StageOutput
from callwarden.pipeline.transcribe_stage import TRANSCRIPT


class PolicyActionsStage:
    """Turns an ``objected`` verdict into a scheduled deletion (or none, when the policy only restricts).

    The version carries the policy version, so a new policy re-evaluates every call; scheduling is once per call
    and scope, so re-running never adds a second deletion.
    """

    name = "policy_actions"
    engine = "callwarden.retention"
    depends_on: tuple[str, ...] = ("transcribe", "consent")

    def __init__(self, policies: ConsentPolicies) -> None:
        self._policies = policies
        self.version = f"1 | policy {policies.version}"

    def able_to_run(self, given: StageInput) -> bool:
        """Only an objected call has anything to do here."""
        disclosure = given.upstream.get("consent", {}).get("disclosure") or {}
        return disclosure.get("status") == DisclosureStatus.OBJECTED.value

    def run(self, given: StageInput) -> StageOutput:
        """Plan the deletion the campaign's policy asks for, from where the objecting turn ends."""
        consent = given.upstream["consent"]
        objection = consent.get("objection") or {}
        policy = self._policies.for_campaign(given.metadata.get("campaign"))
        segments: list[Segment] = []
        if not given.upstream.get("transcribe", {}).get("skipped"):
            segments = [Segment.from_dict(s) for s in json.loads(given.read_artifact(TRANSCRIPT))["segments"]]
        request = plan_objection_deletion(
            policy.on_objection,
            objection_at_s=float(objection.get("at_s") or 0.0),
            segments=segments,
            duration_s=float(given.metadata.get("duration_s") or 0.0),
            grace_days=policy.objection_grace_days,
            policy_version=self._policies.version,
        )
        data = {"on_objection": policy.on_objection.value, "deletion": request.to_dict() if request else None}
        return StageOutput(data, call_changes=CallChanges(schedule_deletion=request) if request else None)

    def cleanup(self) -> None:
        """Nothing held."""
