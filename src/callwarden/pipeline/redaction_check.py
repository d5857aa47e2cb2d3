"""The redaction self-check: listen again to every redacted window and fail closed if anything is still there.

Every vendor disclaims the accuracy of its redaction; callwarden measures its own on every call. Each window of
the redacted audio (widened by a margin, so speech that slipped past a window's edge is heard too) is
re-transcribed with the same ASR engine that made the transcript. Anything that looks like personal data in
what comes back (a digit or a spoken number where a number was hidden, or a detector hit) counts as a leak, and
one leak is enough to send the call to human review. The result holds no words, only where and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callwarden.analysis.pii import find_pii_in_text
from callwarden.audio.probe import AudioSource
from callwarden.audio.redact import MuteWindow, window_audio
from callwarden.domain.pii import PiiSpan, PiiType
from callwarden.speech.engine import SAMPLE_RATE, AsrEngine

_NUMBER_WORDS = (
    "zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred"
    "|thousand|double|triple"
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)


WORDY_TYPES = frozenset({PiiType.PERSON, PiiType.EMAIL_ADDRESS, PiiType.STREET_ADDRESS})  # said in words


def audible_pii(text: str, redacted: frozenset[PiiType] | None = None) -> list[str]:
    """Why ``text`` (heard inside a redacted window) still looks like personal data; empty when it does not.

    ``redacted`` is what the window hid (None: unknown, everything counts). A digit or a number word is a leak
    where a number was hidden; where only a name was (a tone over "Robert"), ASR hearing "one" in the beep is not
    one, but a detector hit still is. "oh" alone is an interjection; it counts only next to another number word.
    """
    reasons = []
    numeric = redacted is None or bool(redacted - WORDY_TYPES)
    if numeric and _DIGIT.search(text):
        reasons.append("digits")
    words = _NUMBER_WORD.findall(text)
    if numeric and any(word.lower() != "oh" for word in words):
        reasons.append("number_words")
    reasons += sorted({span.type.value for span in find_pii_in_text(text)})
    return reasons


def _hidden(window: MuteWindow, spans: Sequence[PiiSpan]) -> frozenset[PiiType]:
    """The types of the spans a window covers (on its channel, or any channel for a window over all)."""
    return frozenset(
        span.type
        for span in spans
        if span.start_s < window.end_s
        and span.end_s > window.start_s
        and (window.channel is None or span.channel in (None, window.channel))
    )


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
    engine: AsrEngine,
    redacted: AudioSource,
    windows: Sequence[MuteWindow],
    *,
    margin_s: float,
    spans: Sequence[PiiSpan] | None = None,
) -> SelfCheck:
    """Re-transcribe each window of ``redacted`` (plus ``margin_s`` each side) and collect what still sounds
    like personal data; ``spans`` (what the windows were made from) say what each window hid."""
    leaks: list[dict[str, Any]] = []
    clips = window_audio(redacted, windows, margin_s=margin_s, target_rate=SAMPLE_RATE) if windows else []
    for window, clip in zip(windows, clips, strict=True):
        heard = engine.transcribe(clip).text if clip.size else ""
        reasons = audible_pii(heard, None if spans is None else _hidden(window, spans))
        if reasons:
            leaks.append({**window.to_dict(), "reasons": reasons})
    return SelfCheck(engine.model, margin_s, len(windows), tuple(leaks))
