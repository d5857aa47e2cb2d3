"""What the recogniser heard where a failed verdict lacked something: tells failures the text side could still
fix from those no reading of the words can.

A disclosure or objection the verdict missed is either in the words and misread by the detectors, or not in the
words at all: tiny.en heard "we record all conversations" as "we resolve all the compensation" in every one of its
four decodings of that call (the transcript and three focused hearings). Only the first kind is worth another
phrase or rule; counting the second says how far the recogniser alone bounds accuracy. A decoding "heard" the
moment when a word within ``REACH_S`` of it is a recording word (the phrase library's, or a garble of one) or one
of the objection detector's cue words (``analysis.objection.OBJECTION_CUE_WORDS``); without one, no detector
reading those words could have found it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from callwarden.analysis.disclosure_text import PhraseLibrary, normalise, recording_word
from callwarden.analysis.objection import OBJECTION_CUE_WORDS
from callwarden.speech.focus import hearing_of

REACH_S = 3.0  # a word this close to the true moment may be what was heard of it
TRANSCRIPT = "transcript"


@dataclass(frozen=True)
class HeardWord:
    """One word of one decoding of a call: the stored transcript's, or a focused hearing's."""

    decoding: str
    text: str
    at_s: float


def record_decodings() -> dict[str, list[HeardWord]]:
    """Wrap the transcription that ``analyze_file`` calls so every call's decodings are kept, by file stem: the
    transcript's words and each focused hearing's (``speech.focus.hearing_of`` names it)."""
    import callwarden.services.analyze as analyze

    kept: dict[str, list[HeardWord]] = {}
    real: Callable[..., Any] = analyze.transcribe_recording  # type: ignore[attr-defined]  # imported there

    def keeping(path: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(path, *args, **kwargs)
        words = [HeardWord(TRANSCRIPT, w.text, w.start_s) for s in result.segments for w in s.words]
        if result.focused is not None:
            words += [HeardWord(hearing_of(s), w.text, w.start_s) for s in result.focused.segments for w in s.words]
        kept[path.stem] = words
        return result

    analyze.transcribe_recording = keeping  # type: ignore[attr-defined,assignment]
    return kept


def _telling(text: str, library: PhraseLibrary) -> bool:
    return any(recording_word(word, library) is not None or word in OBJECTION_CUE_WORDS for word in normalise(text))


def heard_near(words: Sequence[HeardWord], at_s: float, library: PhraseLibrary) -> list[str]:
    """The decodings with a recording or objection word within ``REACH_S`` of `at_s`, in a stable order."""
    return sorted({w.decoding for w in words if abs(w.at_s - at_s) <= REACH_S and _telling(w.text, library)})


def words_near(words: Sequence[HeardWord], at_s: float, reach_s: float = 2 * REACH_S) -> dict[str, str]:
    """Each decoding's words within `reach_s` of `at_s`, in time order: what a reader of a failure needs to tell
    a misreading of the words from a moment the recogniser never heard."""
    near: dict[str, list[HeardWord]] = {}
    for word in words:
        if abs(word.at_s - at_s) <= reach_s:
            near.setdefault(word.decoding, []).append(word)
    return {
        name: " ".join(w.text.strip() for w in sorted(got, key=lambda w: w.at_s)) for name, got in sorted(near.items())
    }


def lacked_moment(truth: Any, predicted_status: str) -> tuple[str, float] | None:
    """What a wrong verdict lacked and when it was said: the objection of an objected call heard as something
    else, or the disclosure of a given or late call heard as missing; None for other failures (a decoy taken for a
    disclosure, a disclosure put on the wrong side of the deadline)."""
    if truth.status == "objected" and predicted_status != "objected" and truth.objection_s is not None:
        return "objection", truth.objection_s
    if truth.status in ("given", "late") and predicted_status == "missing" and truth.disclosure_s is not None:
        return "disclosure", truth.disclosure_s
    return None
