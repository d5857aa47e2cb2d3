"""``callwarden analyze``: the report of one recording, computed on the spot and stored nowhere.

It runs the same steps as the pipeline (validation, transcription, speaker attribution, metrics, consent, PII
detection and redaction) so an operator can check a file, a policy or a rules change without ingesting anything.
The report's transcript is redacted, as everywhere; the redacted audio is written only where asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from callwarden.analysis.metrics import conversation_metrics
from callwarden.analysis.pii import find_pii_in_segments
from callwarden.audio.probe import AudioValidationError, probe
from callwarden.config import Settings
from callwarden.domain.disclosure import PromptReference
from callwarden.domain.metadata import CallMetadata
from callwarden.pipeline.consent import assess_consent
from callwarden.pipeline.pii_stage import untranscribed_reasons
from callwarden.pipeline.redact_stage import write_redacted_audio
from callwarden.pipeline.transcribe_stage import roles_for
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.services.consent_config import checked_prompt_templates, consent_policies, consent_rules
from callwarden.services.errors import InvalidInput
from callwarden.services.redaction_config import redaction_settings
from callwarden.services.redaction_text import pii_settings
from callwarden.services.speech import asr_engine, channel_roles
from callwarden.speech.focus import FocusSettings


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def analyze_file(
    settings: Settings,
    path: Path,
    meta: CallMetadata | None = None,
    prompts: Sequence[Path] = (),
    redacted_audio: Path | None = None,
) -> dict[str, Any]:
    """The call report of DESIGN.md for ``path``; ``prompts`` add reference audio of pre-recorded notices;
    ``redacted_audio`` names a WAV to write the redacted recording to."""
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    if redacted_audio is not None and not redacted_audio.parent.is_dir():
        raise InvalidInput(f"cannot write the redacted audio to {redacted_audio}: {redacted_audio.parent} is no folder")
    meta = meta or CallMetadata()
    try:
        info = probe(path, max_duration_s=settings.max_duration_s, max_channels=settings.max_channels)
    except AudioValidationError as exc:
        raise InvalidInput(f"{path.name}: {exc}") from exc
    policies = consent_policies(settings)
    policy = policies.for_campaign(meta.campaign)
    references = tuple(PromptReference(p.stem, str(p)) for p in prompts)
    policy = replace(policy, prompts=(*policy.prompts, *references))
    templates = checked_prompt_templates(policy.prompts)  # before the minutes of transcription: a bad file fails now
    roles = roles_for(meta.extra.get("agent_channel"), channel_roles(settings))
    engine = asr_engine(settings)
    result = transcribe_recording(path, engine, roles, max_duration_s=settings.max_duration_s, focus=FocusSettings())
    consent = assess_consent(
        segments=result.segments,
        audio=path,
        metadata={
            "from": meta.from_number,
            "to": meta.to_number,
            "direction": meta.direction,
            "agent_region": meta.agent_region,
        },
        started_at=meta.started_at,
        recording_sha256=_sha256(path),
        rules=consent_rules(settings),
        policy=policy,
        policy_version=policies.version,
        templates=templates,
        asr_version=f"{engine.model} | {engine.version}",
        focused=result.focused.segments if result.focused else (),
        focus_settings=result.focused.describe() if result.focused else None,
    )
    found = find_pii_in_segments(result.segments, pii_settings(settings))
    unheard = untranscribed_reasons(result.summary(), result.segments)
    if redacted_audio is not None:
        try:
            write_redacted_audio(
                path, found.audio_spans, redaction_settings(settings), redacted_audio, channels=info.channels
            )
        except OSError as exc:
            raise InvalidInput(f"cannot write the redacted audio to {redacted_audio}: {exc}") from exc
    return {
        "duration_s": round(info.duration_s, 3),
        "channels": info.channels,
        **consent.report(),
        "segments": [
            {"speaker": s.speaker.value, "start_s": s.start_s, "end_s": s.end_s, "text": s.text} for s in found.segments
        ],
        "pii": found.report(),
        "pii_review": {
            "needs_review": found.needs_review or bool(unheard),
            "reasons": [*found.review_reasons, *unheard],
        },
        "metrics": conversation_metrics(result.segments, info.duration_s),
        "transcription": {**result.summary(), "roles": roles.describe()},
    }
