"""``callwarden analyze``: the report of one recording, computed on the spot and stored nowhere.

It runs the same steps as the pipeline (validation, transcription, speaker attribution, metrics) so an operator
can check a file, or a rules change, without ingesting anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callwarden.analysis.metrics import conversation_metrics
from callwarden.audio.probe import AudioValidationError, probe
from callwarden.config import Settings
from callwarden.domain.metadata import CallMetadata
from callwarden.pipeline.transcribe_stage import roles_for
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.services.errors import InvalidInput
from callwarden.services.speech import asr_engine, channel_roles


def analyze_file(settings: Settings, path: Path, meta: CallMetadata | None = None) -> dict[str, Any]:
    """The call report of DESIGN.md for ``path`` (fields of later stages are added as they exist)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    try:
        info = probe(path, max_duration_s=settings.max_duration_s, max_channels=settings.max_channels)
    except AudioValidationError as exc:
        raise InvalidInput(f"{path.name}: {exc}") from exc
    roles = roles_for((meta.extra if meta else {}).get("agent_channel"), channel_roles(settings))
    result = transcribe_recording(path, asr_engine(settings), roles, max_duration_s=settings.max_duration_s)
    return {
        "duration_s": round(info.duration_s, 3),
        "channels": info.channels,
        "segments": [
            {"speaker": s.speaker.value, "start_s": s.start_s, "end_s": s.end_s, "text": s.text}
            for s in result.segments
        ],
        "metrics": conversation_metrics(result.segments, info.duration_s),
        "transcription": {**result.summary(), "roles": roles.describe()},
    }
