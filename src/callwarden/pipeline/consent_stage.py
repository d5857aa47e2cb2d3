"""The consent stage: the verdict, its record in the audit chain, and the policy's actions on the call."""

from __future__ import annotations

import json
from datetime import datetime

from callwarden.domain.transcript import Segment
from callwarden.pipeline.consent import ConsentPolicies, assess_consent, prompt_templates
from callwarden.pipeline.stage import CallChanges, StageInput, StageOutput, pipeline_event
from callwarden.pipeline.transcribe_stage import CONSENT_FOCUS, TRANSCRIPT
from callwarden.rules.loader import Rules
from callwarden.speech.focus import FocusedPass

# How the verdict is reached from the evidence; 2: a focused-pass objection needs a second hearing or the
# transcript behind it, and one without is flagged for a person instead (analysis.disclosure); 3: a first-person
# wish said of "you" ("if you would rather not be recorded") is the agent's offer, no objection (analysis.objection);
# 4: phrase library 2026.12-3 (asking for the recording to be deleted or stopped, the tape said for it), and a
# request verb after a subject or an auxiliary is a statement ("we delete the recording after ninety days");
# 5: phrase library 2026.12-4, a refusal of the recording just mentioned ("Are you recording me? Stop that.",
# analysis.objection_reply), a lone recording word's negation must bind to it ("there is no recording of the
# contract" objects to nothing), and heard_elsewhere counts hearings, not their objections; 6: an unnamed voice's
# objection in the transcript at the moment a disclosure was heard goes to a person instead (analysis.disclosure);
# 7: a question whether the call is recorded ("Is this call being recorded?") discloses nothing
# (analysis.disclosure_match); 8: a first-person refusal read by its grammar ("I will not be recorded", "I won't
# let you record me") objects (analysis.objection_refusal); 9: phrase library 2026.12-5, what is said as a free
# relative of a speech verb ("anything you tell us", "all that is said") is what is recorded, in place of five
# fixed "everything we say"-style references (analysis.disclosure_anchor); 10: a negative quantifier as the
# subject denies the recording ("none of our calls are recorded", "nobody is recording this call"); 11: phrase
# library 2026.12-6 ("pause the recording", "keep me off the recording"), and a feeling against the recording ("I'm
# not okay with you recording me") or consent taken back ("I withdraw my consent") objects
# (analysis.objection_refusal); 12: a verbal disclosure is never timed from before its recording word's own
# sentence, where the fuzzy alignment may start; 13: each hearing of the focused pass is read for disclosures on
# its own, not in time order with the others
DECISION_VERSION = 13


class ConsentStage:
    """Jurisdiction, disclosure, objection and calling hours for every call with a transcript.

    The stage version carries the rules and policy versions, so new rules or a new policy give every call a new
    input hash: re-running then adds a new consent record and never replaces the old one.
    """

    name = "consent"
    engine = "callwarden.consent"
    depends_on: tuple[str, ...] = ("transcribe",)

    def __init__(self, rules: Rules, policies: ConsentPolicies) -> None:
        self._rules = rules
        self._policies = policies
        self.version = f"{DECISION_VERSION} | rules {rules.rules_version} | policy {policies.version}"

    def able_to_run(self, given: StageInput) -> bool:
        """Every call is judged; a call without audio has no disclosure and is judged on that."""
        return True

    def run(self, given: StageInput) -> StageOutput:
        """Assess, then turn the verdict into flags, restriction and an audit entry holding the record's hash."""
        transcribed = given.upstream.get("transcribe", {})
        segments: list[Segment] = []
        focused: list[Segment] = []
        if not transcribed.get("skipped"):
            segments = [Segment.from_dict(s) for s in json.loads(given.read_artifact(TRANSCRIPT))["segments"]]
        focus = transcribed.get("consent_focus")
        if focus:  # transcripts made before the focused pass existed have none
            focused = FocusedPass.segments_from_json(json.loads(given.read_artifact(CONSENT_FOCUS)))
        policy = self._policies.for_campaign(given.metadata.get("campaign"))
        started = given.metadata.get("started_at")
        with given.open_audio() as audio:
            result = assess_consent(
                segments=segments,
                audio=audio,
                metadata=given.metadata,
                started_at=datetime.fromisoformat(started) if started else None,
                recording_sha256=given.recording_sha256,
                rules=self._rules,
                policy=policy,
                policy_version=self._policies.version,
                templates=prompt_templates(policy.prompts) if given.metadata.get("duration_s") else [],
                asr_version=f"{transcribed.get('model')} | {transcribed.get('version')}",
                focused=focused,
                focus_settings=focus,
            )
        return StageOutput(
            {**result.report(), "record": result.record},
            call_changes=CallChanges(
                disclosure_status=result.status, add_flags=result.flags(), restrict=result.restrict
            ),
            audit=(
                pipeline_event(
                    given.call_id,
                    "consent.recorded",
                    {
                        "record_hash": result.record_hash,
                        "recording_sha256": given.recording_sha256,
                        "status": result.status,
                        "consent_model": str(result.jurisdiction.consent_model),
                        "rules_version": result.jurisdiction.rules_version,
                        "restricted": result.restrict,
                    },
                ),
            ),
        )

    def cleanup(self) -> None:
        """Nothing held."""
