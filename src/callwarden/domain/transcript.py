"""Transcripts as every later stage reads them: words with times, grouped into speaker turns.

Times are seconds from the start of the recording (after any channel split they are still on the recording's
clock, so a redaction or a consent deadline computed from them lands on the right audio).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Speaker(StrEnum):
    """Who spoke: the two parties of a sales call, or unknown when it cannot be told."""

    AGENT = "agent"
    PROSPECT = "prospect"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Word:
    """One recognised word; every word has a time span, digits included (they must be mutable)."""

    text: str
    start_s: float
    end_s: float
    probability: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "start_s": self.start_s, "end_s": self.end_s, "probability": self.probability}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Word:
        """Inverse of ``to_dict``."""
        return cls(raw["text"], float(raw["start_s"]), float(raw["end_s"]), float(raw["probability"]))


@dataclass(frozen=True)
class Segment:
    """A stretch of one speaker's speech; ``channel`` is the source channel (None for mono separation)."""

    speaker: Speaker
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()
    channel: int | None = None
    speaker_confidence: float = 1.0
    flags: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the stored transcript; the report shows a redacted subset)."""
        return {
            "speaker": self.speaker.value,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
            "channel": self.channel,
            "speaker_confidence": self.speaker_confidence,
            "flags": list(self.flags),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Segment:
        """Inverse of ``to_dict``."""
        return cls(
            speaker=Speaker(raw["speaker"]),
            start_s=float(raw["start_s"]),
            end_s=float(raw["end_s"]),
            text=raw["text"],
            words=tuple(Word.from_dict(w) for w in raw.get("words", [])),
            channel=raw.get("channel"),
            speaker_confidence=float(raw.get("speaker_confidence", 1.0)),
            flags=tuple(raw.get("flags", [])),
        )
