"""Personal and payment data found in what was said: the types, and where each finding sits.

Two shapes, because two consumers need different coordinates: text redaction works on character offsets
(``TextSpan``), audio redaction and the call report on seconds of the recording (``PiiSpan``). Both carry how
sure the detector was and why it fired, so a reviewer can see whether a span came from a checksum-valid number,
from a pattern, or only from the context (the agent had just asked for the card), and so low confidence can
send a call to human review instead of being trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from callwarden.domain.transcript import Speaker


class PiiType(StrEnum):
    """The types of DESIGN.md; the placeholder in redacted text is ``[TYPE]``."""

    CREDIT_CARD = "CREDIT_CARD"
    CVV = "CVV"
    CARD_EXPIRY = "CARD_EXPIRY"
    US_SSN = "US_SSN"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    ROUTING_NUMBER = "ROUTING_NUMBER"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    STREET_ADDRESS = "STREET_ADDRESS"
    PERSON = "PERSON"

    @property
    def placeholder(self) -> str:
        """What replaces the span in redacted text."""
        return f"[{self.value}]"

    @property
    def is_pci(self) -> bool:
        """Card data that PCI DSS 3.3.1 forbids keeping after authorisation, even in the stored original."""
        return self in (PiiType.CREDIT_CARD, PiiType.CVV)


class PiiSource(StrEnum):
    """Why a span was flagged: a checksum-valid number, a recognised pattern, or the conversation's context."""

    CHECKSUM = "checksum"
    PATTERN = "pattern"
    CONTEXT = "context"


@dataclass(frozen=True)
class TextSpan:
    """A finding in a piece of text: ``start``/``end`` are character offsets into that text (end exclusive)."""

    type: PiiType
    start: int
    end: int
    confidence: float
    source: PiiSource

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by ``callwarden redact-text``."""
        return {"type": self.type.value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class PiiSpan:
    """A finding in a call: seconds from the start of the recording, and whose speech it was.

    ``channel`` is the recording channel the speech came from (None for mono), so audio redaction can mute the
    right channel; ``segment`` is the index of the transcript segment it was found in.
    """

    type: PiiType
    speaker: Speaker
    start_s: float
    end_s: float
    confidence: float
    source: PiiSource
    segment: int
    channel: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the report's ``pii[]`` entries, plus provenance."""
        return {
            "type": self.type.value,
            "speaker": self.speaker.value,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "confidence": round(self.confidence, 3),
            "source": self.source.value,
            "segment": self.segment,
            "channel": self.channel,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PiiSpan:
        """Inverse of ``to_dict``."""
        return cls(
            type=PiiType(raw["type"]),
            speaker=Speaker(raw["speaker"]),
            start_s=float(raw["start_s"]),
            end_s=float(raw["end_s"]),
            confidence=float(raw["confidence"]),
            source=PiiSource(raw["source"]),
            segment=int(raw["segment"]),
            channel=raw.get("channel"),
        )
