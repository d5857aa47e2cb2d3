"""Conversation metrics of one call, from its speaker turns: who talked how much, silence, overtalk, pace.

Everything is interval arithmetic over the turns (merged per speaker, clipped to the recording), so a
two-hour call costs no more than sorting its turns. The result goes straight into the call report's JSON:
every number is finite, a speaker who never spoke reads 0, and a ratio with nothing to divide is ``None``.

Definitions (seconds from the start of the recording):
- talk time: the union of a speaker's turns; speech: the union of everyone's; silence: duration − speech.
- overtalk: time during which two or more speakers talk at once.
- talk ratio: the agent's share of agent + prospect talk time.
- longest monologue: a run of one speaker's talk whose pauses are each shorter than `monologue_gap_s` and
  during which nobody else starts talking (the other side's "uh-huh" over the speaker does not end it).
- words per minute: a speaker's words over their talk minutes.
- interruption: a speaker starts while another is talking, the other stops within `interruption_window_s`,
  and the newcomer is still talking when the other stops (they took the floor; a short backchannel that
  ends first is not an interruption). Counted for the one who interrupts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Segment, Speaker

Intervals = npt.NDArray[np.float64]  # shape (n, 2): sorted, disjoint [start, end) pairs
_MIN_PACE_S = 0.01  # below this much talk a pace is noise (and a denormal talk time divides by zero)
_SAME_TURN_GAP_S = 0.25  # pauses this short inside one speaker's talk do not end their turn (for interruptions)


def _union(intervals: Intervals, *, bridge_s: float = 0.0) -> Intervals:
    """Sorted disjoint union of intervals, also joining ones separated by at most `bridge_s`."""
    if intervals.shape[0] == 0:
        return intervals.reshape(0, 2)
    ordered = intervals[np.argsort(intervals[:, 0], kind="stable")]
    reach = np.maximum.accumulate(ordered[:, 1])
    new_run = np.concatenate(([True], ordered[1:, 0] > reach[:-1] + bridge_s))
    run_id = np.cumsum(new_run) - 1
    ends = np.zeros(int(run_id[-1]) + 1)
    np.maximum.at(ends, run_id, ordered[:, 1])
    return np.column_stack((ordered[new_run, 0], ends))


def _length(intervals: Intervals) -> float:
    return float((intervals[:, 1] - intervals[:, 0]).sum()) if intervals.size else 0.0


def _covered(intervals: Intervals, points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Length of `intervals` (disjoint, sorted) lying before each point: a piecewise-linear cumulative."""
    if intervals.shape[0] == 0:
        return np.zeros_like(points)
    xs = intervals.reshape(-1)
    lengths = intervals[:, 1] - intervals[:, 0]
    ys = np.column_stack((np.concatenate(([0.0], np.cumsum(lengths)[:-1])), np.cumsum(lengths))).reshape(-1)
    return np.asarray(np.interp(points, xs, ys, left=0.0, right=float(ys[-1])), dtype=np.float64)


def _overtalk(by_speaker: dict[Speaker, Intervals]) -> float:
    """Time with at least two speakers talking: sweep the +1/−1 boundaries of every speaker's union."""
    parts = [u for u in by_speaker.values() if u.size]
    if len(parts) < 2:
        return 0.0
    bounds = np.concatenate(parts)
    times = np.concatenate((bounds[:, 0], bounds[:, 1]))
    steps = np.concatenate((np.ones(len(bounds)), -np.ones(len(bounds))))
    order = np.lexsort((steps, times))  # at equal times ends (−1) come first: touching turns do not overlap
    times, active = times[order], np.cumsum(steps[order])
    return float((np.diff(times) * (active[:-1] >= 2)).sum())


def _longest_monologue(talk: Intervals, others: Intervals, gap_s: float) -> tuple[float, float | None]:
    """(seconds, start) of the speaker's longest run of talk bridged only across short, quiet pauses."""
    if talk.shape[0] == 0:
        return 0.0, None
    gap_start, gap_end = talk[:-1, 1], talk[1:, 0]
    interrupted = _covered(others, gap_end) - _covered(others, gap_start) > 0
    bridged = (gap_end - gap_start < gap_s) & ~interrupted
    run_starts = np.flatnonzero(np.concatenate(([True], ~bridged)))
    run_ends = np.concatenate((run_starts[1:] - 1, [talk.shape[0] - 1]))
    lengths = talk[run_ends, 1] - talk[run_starts, 0]
    best = int(np.argmax(lengths))
    return float(lengths[best]), float(talk[run_starts[best], 0])


def _interruptions(newcomer: Intervals, holder: Intervals, window_s: float) -> int:
    """How often `newcomer` starts inside a `holder` turn that ends within `window_s`, outlasting it."""
    if newcomer.shape[0] == 0 or holder.shape[0] == 0:
        return 0
    starts, ends = newcomer[:, 0], newcomer[:, 1]
    index = np.searchsorted(holder[:, 0], starts, side="right") - 1
    inside = index >= 0
    holder_start = np.where(inside, holder[np.maximum(index, 0), 0], np.inf)
    holder_end = np.where(inside, holder[np.maximum(index, 0), 1], -np.inf)
    taken = (holder_start < starts) & (holder_end > starts) & (holder_end - starts <= window_s) & (ends > holder_end)
    return int(taken.sum())


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def conversation_metrics(
    segments: Sequence[Segment],
    duration_s: float,
    *,
    monologue_gap_s: float = 1.5,
    interruption_window_s: float = 2.0,
) -> dict[str, Any]:
    """The call's conversation metrics as a JSON-safe dict (see the module docstring for the definitions)."""
    if not math.isfinite(duration_s) or duration_s < 0:
        raise ValueError(f"duration_s must be a finite, non-negative number of seconds, got {duration_s!r}")
    raw: dict[Speaker, list[tuple[float, float]]] = {speaker: [] for speaker in Speaker}
    words: dict[Speaker, int] = dict.fromkeys(Speaker, 0)
    turns: dict[Speaker, int] = dict.fromkeys(Speaker, 0)
    for segment in segments:
        start = min(max(_finite(segment.start_s), 0.0), duration_s)
        end = min(max(_finite(segment.end_s), start), duration_s)
        if end > start:
            raw[segment.speaker].append((start, end))
            turns[segment.speaker] += 1
        words[segment.speaker] += len(segment.words) if segment.words else len(segment.text.split())
    talk = {s: _union(np.array(v, dtype=np.float64).reshape(-1, 2)) for s, v in raw.items()}
    everyone = _union(np.concatenate(list(talk.values())))
    speech_s = _length(everyone)
    silence_s = max(0.0, duration_s - speech_s)
    silence_gaps = np.concatenate((everyone[:, 0], [duration_s])) - np.concatenate(([0.0], everyone[:, 1]))

    speakers: dict[str, dict[str, Any]] = {}
    best_monologue: tuple[float, float | None, Speaker | None] = (0.0, None, None)
    for speaker in Speaker:
        talk_s = _length(talk[speaker])
        others = _union(np.concatenate([talk[o] for o in Speaker if o != speaker]))
        monologue_s, monologue_at = _longest_monologue(talk[speaker], others, monologue_gap_s)
        if monologue_s > best_monologue[0]:
            best_monologue = (monologue_s, monologue_at, speaker)
        floor = _union(talk[speaker], bridge_s=_SAME_TURN_GAP_S)
        interruptions = sum(
            _interruptions(floor, _union(talk[o], bridge_s=_SAME_TURN_GAP_S), interruption_window_s)
            for o in Speaker
            if o != speaker
        )
        speakers[speaker.value] = {
            "talk_s": talk_s,
            "turns": turns[speaker],
            "words": words[speaker],
            "words_per_minute": words[speaker] * 60.0 / talk_s if talk_s >= _MIN_PACE_S else 0.0,
            "longest_monologue_s": monologue_s,
            "interruptions": interruptions,
        }
    agent_s, prospect_s = speakers["agent"]["talk_s"], speakers["prospect"]["talk_s"]
    overtalk_s = _overtalk(talk)
    return {
        "duration_s": duration_s,
        "speech_s": speech_s,
        "silence_s": silence_s,
        "silence_ratio": silence_s / duration_s if duration_s > 0 else 0.0,
        "longest_silence_s": max(0.0, float(silence_gaps.max())),
        "overtalk_s": overtalk_s,
        "overtalk_ratio": overtalk_s / duration_s if duration_s > 0 else 0.0,
        "talk_ratio": agent_s / (agent_s + prospect_s) if agent_s + prospect_s > 0 else None,
        "longest_monologue": {
            "speaker": best_monologue[2].value if best_monologue[2] else None,
            "seconds": best_monologue[0],
            "start_s": best_monologue[1],
        },
        "interruptions": sum(int(s["interruptions"]) for s in speakers.values()),
        "speakers": speakers,
    }
