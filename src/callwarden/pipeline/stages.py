"""The ordered list of stages every call goes through; later issues append theirs."""

from __future__ import annotations

from callwarden.analysis.pii import PiiSettings
from callwarden.pipeline.consent import ConsentPolicies
from callwarden.pipeline.consent_stage import ConsentStage
from callwarden.pipeline.decode_stage import DecodeStage
from callwarden.pipeline.metrics_stage import MetricsStage
from callwarden.pipeline.objection_stage import PolicyActionsStage
from callwarden.pipeline.pii_stage import PiiStage
from callwarden.pipeline.redact_stage import RedactionSettings, RedactStage
from callwarden.pipeline.stage import Stage
from callwarden.pipeline.transcribe_stage import TranscribeStage
from callwarden.rules.loader import Rules
from callwarden.speech.engine import AsrEngine
from callwarden.speech.speakers import ChannelRoles


def default_stages(
    engine: AsrEngine,
    roles: ChannelRoles,
    rules: Rules,
    policies: ConsentPolicies,
    *,
    pii: PiiSettings | None = None,
    redaction: RedactionSettings | None = None,
) -> list[Stage]:
    """Stages in the order they run (redaction last, so it renders the recording as policy left it)."""
    return [
        DecodeStage(),
        TranscribeStage(engine, roles),
        MetricsStage(),
        ConsentStage(rules, policies),
        PolicyActionsStage(policies),
        PiiStage(pii),
        RedactStage(engine, redaction),
    ]
