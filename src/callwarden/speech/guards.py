"""Guards against Whisper's known failure modes, as pure functions over its segments and the audio under them.

Whisper (tiny.en especially, and especially on 8 kHz telephone audio) fails in ways that matter here:
- repetition loops: a spoken card number comes back as "1-1-1-1-…" forty times, or "walk walk walk …";
- text in silence: "Thank you." over line noise, words that were never said;
- drift: word times outside the audio or the segment, running backwards, or zero long, which would make a
  redaction mute the wrong stretch of audio.
Each guard repairs or drops what it finds and counts it in `GuardStats`, so how often each failure happens is
measured on real traffic instead of assumed. Numbers get one more treatment: a word that holds several digit
groups ("4532-0151-1283") is split into one word per group, so every group has its own time and can be muted.

All times here are seconds from the start of the audio handed to the engine; the engine adds its offset after.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Word

REPETITION_LOOP = "repetition_loop"
NUMBER_SPLIT = "number_split"
DRIFT_REPAIRED = "drift_repaired"
TEMPERATURE_FALLBACK = "temperature_fallback"

_EDGE_PUNCTUATION = "\"'“”‘’([{)]}.,!?;:…$€£#*"
_DIGIT_GROUPS = re.compile(r"\d+(?:[-–—/.,:]\d+)+")
_ONE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")  # 4,532 / 4,532.10 / 3.14: one quantity
_UNIT_SEPARATORS = re.compile(r"[-–—.]")


@dataclass(frozen=True)
class AsrSegment:
    """One decoded stretch as the engine returns it, with Whisper's own confidence figures kept for audit."""

    text: str
    start_s: float
    end_s: float
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    temperature: float = 0.0
    flags: tuple[str, ...] = ()

    def shifted(self, offset_s: float) -> AsrSegment:
        """The same segment on a clock that starts `offset_s` earlier (a channel's place in the recording)."""
        if offset_s == 0.0:
            return self
        words = tuple(replace(w, start_s=w.start_s + offset_s, end_s=w.end_s + offset_s) for w in self.words)
        return replace(self, start_s=self.start_s + offset_s, end_s=self.end_s + offset_s, words=words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "words": [w.to_dict() for w in self.words],
            "avg_logprob": self.avg_logprob,
            "no_speech_prob": self.no_speech_prob,
            "compression_ratio": self.compression_ratio,
            "temperature": self.temperature,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class GuardSettings:
    """Thresholds of the guards; the defaults were chosen on tiny.en over telephone-band audio."""

    max_repeats: int = 8  # a word or phrase said more than this many times in a row is a loop
    max_ngram: int = 4  # longest repeated phrase looked for
    silence_dbfs: float = -50.0  # a 30 ms window quieter than this is silent...
    floor_margin_db: float = 10.0  # ...and so is one within this much of the channel's own noise floor,
    max_silence_dbfs: float = -35.0  # up to this level (a channel that is all speech has no floor to find)
    min_voiced_ratio: float = 0.02  # a segment with fewer loud windows than this was said over silence
    window_s: float = 0.03
    no_speech_prob: float = 0.6  # Whisper's own rule: this likely silent AND
    max_avg_logprob: float = -1.0  # this unsure: not speech
    min_word_s: float = 0.02  # every word gets at least this long, so start < end always holds


@dataclass
class GuardStats:
    """What each guard did to one transcription; all counts, summed over segments."""

    segments_in: int = 0
    segments_out: int = 0
    dropped_no_words: int = 0
    dropped_no_speech: int = 0
    dropped_silent: int = 0
    repetition_loops: int = 0
    repeated_words_removed: int = 0
    numbers_split: int = 0
    words_outside_audio: int = 0
    words_out_of_order: int = 0
    words_too_short: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))


def _strip_edges(text: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation) of a word."""
    core = text.lstrip(_EDGE_PUNCTUATION)
    lead = text[: len(text) - len(core)]
    stripped = core.rstrip(_EDGE_PUNCTUATION)
    return lead, stripped, core[len(stripped) :]


def _key(text: str) -> str:
    """What two words must share to count as the same word in a repetition: case and punctuation ignored."""
    core = re.sub(r"[^\w]", "", text.lower())
    return core or text.strip()


def split_digit_groups(word: Word) -> list[Word]:
    """One word per digit group of "4532-0151-1283" or "1.1.1.1", times shared out by character count.

    A single quantity ("4,532", "3.14") and a plain number ("4532") stay one word. Leading and trailing
    punctuation stay on the first and last part.
    """
    text = word.text.lstrip()
    space = word.text[: len(word.text) - len(text)]
    lead, core, trail = _strip_edges(text)
    if not _DIGIT_GROUPS.fullmatch(core) or _ONE_NUMBER.fullmatch(core):
        return [word]
    groups = list(re.finditer(r"\d+", core))
    # A group owns its digits and the separator after it, so times track where each group is spoken.
    bounds = [m.start() for m in groups[1:]] + [len(core)]
    starts = [0, *bounds[:-1]]
    span = word.end_s - word.start_s
    parts = []
    for i, (m, a, b) in enumerate(zip(groups, starts, bounds, strict=True)):
        text = (space + lead if i == 0 else " ") + m.group() + (trail if i == len(groups) - 1 else "")
        start = word.start_s + span * a / len(core)
        end = word.start_s + span * b / len(core)
        parts.append(Word(text, start, end, word.probability))
    return parts


def _collapse_units(text: str, max_repeats: int) -> tuple[str, int]:
    """Collapse a loop inside one word ("w-w-w-w-…", "one-one-one-…"); returns (text, units removed)."""
    units = _UNIT_SEPARATORS.split(text)
    if len(units) <= max_repeats:
        return text, 0
    separators = _UNIT_SEPARATORS.findall(text)
    kept_units, kept_seps, removed, run = [units[0]], [], 0, 1
    for sep, unit in zip(separators, units[1:], strict=True):
        run = run + 1 if _key(unit) == _key(kept_units[-1]) and _key(unit) else 1
        if run > max_repeats:
            removed += 1
            continue
        kept_seps.append(sep)
        kept_units.append(unit)
    if not removed:
        return text, 0
    collapsed = kept_units[0] + "".join(s + u for s, u in zip(kept_seps, kept_units[1:], strict=True))
    return collapsed, removed


def _run_length(keys: list[str], i: int, n: int) -> int:
    """How many times keys[i:i+n] occurs back to back from i."""
    if i + n > len(keys):
        return 0
    count, j = 1, i + n
    while j + n <= len(keys) and keys[j : j + n] == keys[i : i + n]:
        count, j = count + 1, j + n
    return count


def collapse_repetitions(words: list[Word], max_repeats: int = 8, max_ngram: int = 4) -> tuple[list[Word], int, int]:
    """Trim every word or phrase (up to `max_ngram` words) repeated more than `max_repeats` times in a row.

    The first `max_repeats` occurrences are kept and the last kept word is stretched to the end of the run,
    so the audio the loop covered stays covered (a redaction over it still mutes all of it). Loops inside a
    single word ("1-1-1-…") are collapsed the same way. Returns (words, loops found, words removed).
    """
    loops = removed = 0
    inner: list[Word] = []
    for word in words:
        text, dropped = _collapse_units(word.text, max_repeats)
        if dropped:
            loops, removed = loops + 1, removed + dropped
            word = replace(word, text=text)
        inner.append(word)
    keys = [_key(w.text) for w in inner]
    out: list[Word] = []
    i = 0
    while i < len(inner):
        for n in range(1, max_ngram + 1):
            count = _run_length(keys, i, n)
            if count > max_repeats:
                keep = inner[i : i + n * max_repeats]
                run_end = inner[i + n * count - 1].end_s
                out.extend(keep[:-1])
                out.append(replace(keep[-1], end_s=max(keep[-1].end_s, run_end)))
                loops, removed = loops + 1, removed + n * (count - max_repeats)
                i += n * count
                break
        else:
            out.append(inner[i])
            i += 1
    return out, loops, removed


def window_levels_dbfs(
    audio: npt.NDArray[np.float32], sample_rate: int, window_s: float = 0.03
) -> npt.NDArray[np.float64]:
    """RMS level of each consecutive window of the audio, in dBFS (silence floors at -120)."""
    width = max(1, round(window_s * sample_rate))
    count = math.ceil(audio.size / width)
    padded = np.zeros(count * width, dtype=np.float64)
    padded[: audio.size] = audio
    power = np.square(padded).reshape(count, width).mean(axis=1)
    levels: npt.NDArray[np.float64] = 10.0 * np.log10(np.maximum(power, 1e-12))
    return levels


def silence_threshold_dbfs(levels: npt.NDArray[np.float64], settings: GuardSettings) -> float:
    """Silent means below the absolute threshold, or within `floor_margin_db` of this channel's noise floor
    (its 10th-percentile window), but never above `max_silence_dbfs`."""
    if levels.size == 0:
        return settings.silence_dbfs
    floor = float(np.percentile(levels, 10))
    return max(settings.silence_dbfs, min(floor + settings.floor_margin_db, settings.max_silence_dbfs))


def voiced_ratio(
    levels: npt.NDArray[np.float64], threshold_dbfs: float, start_s: float, end_s: float, window_s: float
) -> float:
    """Share of the windows between start and end that are louder than the threshold."""
    first = max(0, math.floor(start_s / window_s))
    last = min(levels.size, max(first + 1, math.ceil(end_s / window_s)))
    span = levels[first:last]
    return float(np.mean(span > threshold_dbfs)) if span.size else 0.0


def _bounds(segment: AsrSegment) -> tuple[float, float]:
    if segment.words:
        return segment.words[0].start_s, segment.words[-1].end_s
    return segment.start_s, segment.end_s


def repair_times(
    segments: list[AsrSegment], duration_s: float, min_word_s: float, stats: GuardStats
) -> list[AsrSegment]:
    """Clamp words into the audio, make times run forwards and every word last; segment bounds follow words."""
    out = []
    previous_end = 0.0
    min_word_s = min(min_word_s, duration_s / 2) if duration_s > 0 else min_word_s
    for segment in sorted(segments, key=lambda s: _bounds(s)[0]):
        words, repaired = [], False
        for word in segment.words:
            start, end = word.start_s, word.end_s
            if not (0.0 <= start <= duration_s and 0.0 <= end <= duration_s) or math.isnan(start + end):
                stats.words_outside_audio += 1
                start = min(max(0.0 if math.isnan(start) else start, 0.0), duration_s)
                end = min(max(start if math.isnan(end) else end, 0.0), duration_s)
                repaired = True
            if start < previous_end - 1e-6:
                stats.words_out_of_order += 1
                start, end, repaired = previous_end, max(end, previous_end), True
            if end - start < min_word_s - 1e-9:
                stats.words_too_short += 1
                end = min(duration_s, start + min_word_s)
                start = min(start, end - min_word_s)  # at the very end of the audio, reach back instead
                repaired = True
            words.append(replace(word, start_s=start, end_s=end))
            previous_end = max(previous_end, end)
        if words:
            start_s, end_s = words[0].start_s, max(w.end_s for w in words)
        else:
            start_s = min(max(segment.start_s, 0.0), duration_s)
            end_s = min(max(segment.end_s, start_s), duration_s)
        flags = (*segment.flags, DRIFT_REPAIRED) if repaired else segment.flags
        out.append(replace(segment, words=tuple(words), start_s=start_s, end_s=end_s, flags=flags))
    return out


def _joined(words: list[Word]) -> tuple[str, tuple[Word, ...]]:
    """The segment's text and its words with their spacing stripped.

    Whisper's words carry their leading space, and a word without one continues the previous word ("w",
    "-w"), so the text is the words concatenated, and the stored words are stripped.
    """
    text = "".join(w.text for w in words).strip()
    return text, tuple(replace(w, text=w.text.strip()) for w in words)


def apply_guards(
    segments: list[AsrSegment],
    audio: npt.NDArray[np.float32],
    sample_rate: int,
    settings: GuardSettings | None = None,
) -> tuple[list[AsrSegment], GuardStats]:
    """Run every guard over one transcription of `audio`; returns the kept segments and what was done."""
    settings = settings or GuardSettings()
    stats = GuardStats(segments_in=len(segments))
    levels = window_levels_dbfs(audio, sample_rate, settings.window_s)
    threshold = silence_threshold_dbfs(levels, settings)
    kept: list[AsrSegment] = []
    for segment in segments:
        words = [w for w in segment.words if w.text.strip()]
        if not words:
            stats.dropped_no_words += 1
            continue
        flags = list(segment.flags)
        split = [part for word in words for part in split_digit_groups(word)]
        if len(split) != len(words):
            stats.numbers_split += len(split) - len(words)
            flags.append(NUMBER_SPLIT)
        words, loops, removed = collapse_repetitions(split, settings.max_repeats, settings.max_ngram)
        if loops:
            stats.repetition_loops += loops
            stats.repeated_words_removed += removed
            flags.append(REPETITION_LOOP)
        if segment.no_speech_prob > settings.no_speech_prob and segment.avg_logprob < settings.max_avg_logprob:
            stats.dropped_no_speech += 1
            continue
        start_s, end_s = words[0].start_s, words[-1].end_s
        if voiced_ratio(levels, threshold, start_s, end_s, settings.window_s) < settings.min_voiced_ratio:
            stats.dropped_silent += 1
            continue
        text, stripped = _joined(words)
        kept.append(replace(segment, text=text, words=stripped, flags=tuple(dict.fromkeys(flags))))
    repaired = repair_times(kept, audio.size / sample_rate, settings.min_word_s, stats)
    stats.segments_out = len(repaired)
    return repaired, stats
