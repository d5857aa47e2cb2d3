"""PII detection in text and call transcripts (see ``text`` and ``transcript``); the public API."""

from callwarden.analysis.pii.text import find_pii_in_text, redact_text
from callwarden.analysis.pii.transcript import (
    PII_DETECTOR_VERSION,
    PiiSettings,
    TranscriptPii,
    find_pii_in_segments,
)

__all__ = [
    "PII_DETECTOR_VERSION",
    "PiiSettings",
    "TranscriptPii",
    "find_pii_in_segments",
    "find_pii_in_text",
    "redact_text",
]
