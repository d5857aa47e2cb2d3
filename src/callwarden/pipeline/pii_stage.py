"""The PII stage: find personal and card data in the stored transcript and store the transcript without it.

The redacted transcript is an encrypted artifact like the transcript itself (redacted text still says things
about a person); the catalogue gets only the spans' types, times, speakers, confidence and provenance, never a
word, so the report, the audio redaction and the review queue can use them without decrypting anything.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from callwarden.analysis.pii import PII_DETECTOR_VERSION, PiiSettings, TranscriptPii, find_pii_in_segments
from callwarden.domain.audit import AuditEvent, compute_hash
from callwarden.domain.transcript import Segment, Speaker
from callwarden.pipeline.pci_text import placeholder_spans, purge_card_data, with_earlier_spans
from callwarden.pipeline.stage import StageInput, StageOutput, json_artifact, pipeline_event
from callwarden.pipeline.transcribe_stage import CONSENT_FOCUS, TRANSCRIPT
from callwarden.speech.focus import FocusedPass

REDACTED_TRANSCRIPT = "transcript.redacted"
# Prospect speech the first decoding dropped was always a review reason; heard on a second try it stops being one
# only when the words came back this sure (mean word probability), which tiny.en reaches on clear speech.
REFILL_TRUSTED = 0.7


def redacted_transcript_json(found: TranscriptPii) -> dict[str, Any]:
    """The stored redacted transcript: segments with placeholders in text and words, and the detector version."""
    return {"detector": found.version, "segments": [segment.to_dict() for segment in found.segments]}


def _consent_focus(given: StageInput) -> tuple[bytes, dict[str, Any]] | None:
    """The consent-focused pass's stored words, when the transcribe stage made them."""
    if CONSENT_FOCUS not in given.upstream.get("transcribe", {}).get("artifacts", {}):
        return None
    raw = given.read_artifact(CONSENT_FOCUS)
    return raw, json.loads(raw)


def _purge_event(call_id: str, artifact: str, before: bytes, after: bytes, words: int) -> AuditEvent:
    """The audit entry that keeps a purged artifact verifiable: both hashes and how many words went."""
    return pipeline_event(
        call_id,
        "transcript.card_data_purged",
        {
            "artifact": artifact,
            "previous_sha256": hashlib.sha256(before).hexdigest(),
            "sha256": hashlib.sha256(after).hexdigest(),
            "words_removed": words,
        },
    )


def untranscribed_reasons(transcribed: Mapping[str, Any], segments: Sequence[Segment]) -> list[str]:
    """Review reasons for the prospect's speech that ASR wrote nothing for (``speech.coverage``), or heard only on
    a second try and unsure (``speech.gapfill``): nothing there could be reliably searched for personal data, so a
    person has to listen. Only the prospect's side (or a mono mix) counts: that is who reads out cards and
    socials, and an agent channel's hold music is no reason."""
    prospect = {seg.channel for seg in segments if seg.speaker is Speaker.PROSPECT}

    def theirs(channel: int | None) -> bool:
        return channel is None or not prospect or channel in prospect

    def where(stretch: Mapping[str, Any]) -> str:
        place = "the mix" if stretch["channel"] is None else f"channel {stretch['channel']}"
        return f"speech on {place} at {stretch['start_s']:.1f}-{stretch['end_s']:.1f} s"

    reasons = [
        f"{where(gap)} was not transcribed: nothing there could be checked for personal data"
        for gap in transcribed.get("untranscribed_speech", ())
        if theirs(gap["channel"])
    ]
    reasons += [
        f"{where(filled)} was heard only on a second decoding, at confidence {filled['probability']:.2f}: "
        "what it said may not be what was checked for personal data"
        for filled in transcribed.get("refilled_speech", ())
        if theirs(filled["channel"]) and filled["probability"] < REFILL_TRUSTED
    ]
    return reasons


def pii_summary(found: TranscriptPii) -> dict[str, Any]:
    """What may be stored in the clear: every span without its words, counts per type, the review verdict."""
    return {
        "detector": found.version,
        "spans": [span.to_dict() for span in found.spans],
        "answer_windows": [span.to_dict() for span in found.answer_windows],
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
        """Detect; store the redacted transcript encrypted and the spans in the clear; purge card data from the
        stored transcript and the consent-focused pass (the old blobs are shredded when this result is stored)."""
        raw_transcript = given.read_artifact(TRANSCRIPT)
        transcript = json.loads(raw_transcript)
        segments = [Segment.from_dict(raw) for raw in transcript["segments"]]
        found = find_pii_in_segments(segments, self._settings)
        found = replace(found, spans=tuple(with_earlier_spans(found.spans, placeholder_spans(segments))))
        unheard = untranscribed_reasons(given.upstream.get("transcribe", {}), segments)
        if unheard:
            found = replace(found, needs_review=True, review_reasons=(*found.review_reasons, *unheard))
        artifacts = {REDACTED_TRANSCRIPT: json_artifact(redacted_transcript_json(found))}
        audit: list[AuditEvent] = []
        purged, removed = purge_card_data(segments, found.audio_spans)
        if removed:
            artifacts[TRANSCRIPT] = json_artifact({**transcript, "segments": [seg.to_dict() for seg in purged]})
            audit.append(_purge_event(given.call_id, TRANSCRIPT, raw_transcript, artifacts[TRANSCRIPT], removed))
        focus = _consent_focus(given)
        if focus is not None:
            raw_focus, focus_json = focus
            focus_segments, focus_removed = purge_card_data(
                FocusedPass.segments_from_json(focus_json), found.audio_spans
            )
            if focus_removed:
                artifacts[CONSENT_FOCUS] = json_artifact(
                    {**focus_json, "segments": [seg.to_dict() for seg in focus_segments]}
                )
                audit.append(
                    _purge_event(given.call_id, CONSENT_FOCUS, raw_focus, artifacts[CONSENT_FOCUS], focus_removed)
                )
        return StageOutput(
            {**pii_summary(found), "card_data_purged": [event.details["artifact"] for event in audit]},
            artifacts,
            replaces=(TRANSCRIPT, CONSENT_FOCUS),
            audit=tuple(audit),
        )

    def cleanup(self) -> None:
        """Nothing held."""
