"""The PII stage: find personal and card data in the stored transcript and store the transcript without it.

The redacted transcript is an encrypted artifact like the transcript itself (redacted text still says things
about a person); the catalogue gets only the spans' types, times, speakers, confidence and provenance, never a
word, so the report, the audio redaction and the review queue can use them without decrypting anything.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from callwarden.analysis.pii import PII_DETECTOR_VERSION, PiiSettings, TranscriptPii, find_pii_in_segments
from callwarden.domain.audit import compute_hash
from callwarden.domain.transcript import Segment
from callwarden.pipeline.stage import StageInput, StageOutput
from callwarden.pipeline.transcribe_stage import TRANSCRIPT

REDACTED_TRANSCRIPT = "transcript.redacted"


def redacted_transcript_json(found: TranscriptPii) -> dict[str, Any]:
    """The stored redacted transcript: segments with placeholders in text and words, and the detector version."""
    return {"detector": found.version, "segments": [segment.to_dict() for segment in found.segments]}


def pii_summary(found: TranscriptPii) -> dict[str, Any]:
    """What may be stored in the clear: every span without its words, counts per type, the review verdict."""
    return {
        "detector": found.version,
        "spans": [span.to_dict() for span in found.spans],
        "counts": dict(sorted(Counter(span.type.value for span in found.spans).items())),
        "needs_review": found.needs_review,
        "review_reasons": list(found.review_reasons),
    }


class PiiStage:
    """Runs ``find_pii_in_segments`` over every transcribed call; the version names the detector and settings."""

    name = "pii"
    engine = "callwarden.analysis.pii"
    depends_on: tuple[str, ...] = ("transcribe",)

    def __init__(self, settings: PiiSettings | None = None) -> None:
        self._settings = settings or PiiSettings()
        tuned = compute_hash(
            {
                "context_until": self._settings.context_until,
                "context_max_s": self._settings.context_max_s,
                "review_below": self._settings.review_below,
            }
        )
        self.version = f"{PII_DETECTOR_VERSION} | settings {tuned[:12]}"

    def able_to_run(self, given: StageInput) -> bool:
        """Only a transcribed call has words to search."""
        return not given.upstream.get("transcribe", {}).get("skipped", False)

    def run(self, given: StageInput) -> StageOutput:
        """Detect, then store the redacted transcript encrypted and the spans in the clear."""
        transcript = json.loads(given.read_artifact(TRANSCRIPT))
        found = find_pii_in_segments([Segment.from_dict(raw) for raw in transcript["segments"]], self._settings)
        redacted = json.dumps(redacted_transcript_json(found), ensure_ascii=False, allow_nan=False).encode()
        return StageOutput(pii_summary(found), {REDACTED_TRANSCRIPT: redacted})

    def cleanup(self) -> None:
        """Nothing held."""
