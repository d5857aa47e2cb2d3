"""The redaction self-check: listen again to every redacted window and fail closed if anything is still there.

Every vendor disclaims the accuracy of its redaction; callwarden measures its own on every call. Each window of
the redacted audio (widened by a margin, so speech that slipped past a window's edge is heard too) is
re-transcribed with the same ASR engine that made the transcript. Anything that looks like personal data in
what comes back (a digit, a spoken digit or number word, or a detector hit) counts as a leak, and one leak is
enough to send the call to human review. The result holds no words, only where and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callwarden.analysis.pii import find_pii_in_text
from callwarden.audio.probe import AudioSource
from callwarden.audio.redact import MuteWindow, window_audio
from callwarden.speech.engine import SAMPLE_RATE, AsrEngine

_NUMBER_WORDS = (
    "zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred"
    "|thousand|double|triple"
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)


def audible_pii(text: str) -> list[str]:
    """Why ``text`` (heard inside a redacted window) still looks like personal data; empty when it does not.

    "oh" alone is an interjection; it counts only next to another number word, as in "four oh one".
    """
    reasons = []
    if _DIGIT.search(text):
        reasons.append("digits")
    words = _NUMBER_WORD.findall(text)
    if any(word.lower() != "oh" for word in words):
        reasons.append("number_words")
    reasons += sorted({span.type.value for span in find_pii_in_text(text)})
    return reasons


@dataclass(frozen=True)
class SelfCheck:
    """How many windows were re-transcribed, and the ones where something was still heard."""

    model: str
    margin_s: float
    windows_checked: int
    leaks: tuple[dict[str, Any], ...]

    @property
    def leaks_found(self) -> int:
        return len(self.leaks)

    def to_dict(self) -> dict[str, Any]:
        """Stored in the clear with the redact stage's output: positions and reasons only."""
        return {
            "model": self.model,
            "margin_s": self.margin_s,
            "windows_checked": self.windows_checked,
            "leaks_found": self.leaks_found,
            "leaks": list(self.leaks),
        }


def check_redaction(
    engine: AsrEngine, redacted: AudioSource, windows: Sequence[MuteWindow], *, margin_s: float
) -> SelfCheck:
    """Re-transcribe each window of ``redacted`` (plus ``margin_s`` each side) and collect what still sounds
    like personal data."""
    leaks: list[dict[str, Any]] = []
    clips = window_audio(redacted, windows, margin_s=margin_s, target_rate=SAMPLE_RATE) if windows else []
    for window, clip in zip(windows, clips, strict=True):
        heard = engine.transcribe(clip).text if clip.size else ""
        reasons = audible_pii(heard)
        if reasons:
            leaks.append({**window.to_dict(), "reasons": reasons})
    return SelfCheck(engine.model, margin_s, len(windows), tuple(leaks))
