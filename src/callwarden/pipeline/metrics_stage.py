"""Conversation metrics from the stored transcript: talk time, overtalk, monologues, pace, interruptions."""

from __future__ import annotations

import json

from callwarden.analysis.metrics import conversation_metrics
from callwarden.domain.transcript import Segment
from callwarden.pipeline.stage import StageInput, StageOutput
from callwarden.pipeline.transcribe_stage import TRANSCRIPT


class MetricsStage:
    """Pure arithmetic over segment times; the numbers hold no words and are stored in the clear."""

    name = "metrics"
    engine = "callwarden.analysis.metrics"
    version = "1"
    depends_on: tuple[str, ...] = ("transcribe",)

    def able_to_run(self, given: StageInput) -> bool:
        """Only when a transcript exists."""
        return not given.upstream.get("transcribe", {}).get("skipped", False)

    def run(self, given: StageInput) -> StageOutput:
        """Read the transcript, measure the conversation."""
        transcript = json.loads(given.read_artifact(TRANSCRIPT))
        segments = [Segment.from_dict(raw) for raw in transcript["segments"]]
        return StageOutput(conversation_metrics(segments, float(given.metadata.get("duration_s") or 0.0)))

    def cleanup(self) -> None:
        """Nothing held."""
