"""Voiced stretches the first decoding dropped are decoded again on their own (speech.gapfill)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from callwarden.domain.transcript import Word
from callwarden.speech.activity import frame_energy
from callwarden.speech.engine import SAMPLE_RATE, AsrResult, AsrStats, Float32Array
from callwarden.speech.gapfill import GAP_FILLED, fill_gaps
from callwarden.speech.guards import AsrSegment, GuardStats


def result(*segments: AsrSegment) -> AsrResult:
    stats = AsrStats(0.0, 0.0, 0.0, 0, GuardStats())
    words = [word for segment in segments for word in segment.words]
    return AsrResult("fake", "fake", "1", words, list(segments), (), stats)


def said(*words: tuple[str, float, float]) -> AsrSegment:
    timed = tuple(Word(text, start, end, 0.9) for text, start, end in words)  # stripped, as the guards leave them
    text = " ".join(word.text for word in timed)
    return AsrSegment(text, timed[0].start_s, timed[-1].end_s, timed, -0.3, 0.01, 1.2)


@dataclass
class ClipEngine:
    """Hears `script` (words on the recording's clock) in whatever clip it is given; records the clips."""

    script: list[AsrSegment]
    clips: list[tuple[float, float]] = field(default_factory=list)
    vad: bool = True
    name: str = "fake"
    model: str = "fake"
    version: str = "1"

    def transcribe(self, audio: Float32Array, *, offset_s: float = 0.0) -> AsrResult:
        end = offset_s + audio.size / SAMPLE_RATE
        self.clips.append((round(offset_s, 2), round(end, 2)))
        return result(*(s for s in self.script if s.start_s < end and s.end_s > offset_s))

    def prompted(self, initial_prompt: str) -> ClipEngine:
        return self

    def unfiltered(self) -> ClipEngine:
        self.vad = False
        return self


def mono_call() -> tuple[Float32Array, np.ndarray]:
    """Ten seconds at 16 kHz: speech from 1 to 3 s and from 5 to 8.5 s."""
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 1e-4, 10 * SAMPLE_RATE)
    t = np.arange(audio.size) / SAMPLE_RATE
    for start, end in ((1.0, 3.0), (5.0, 8.5)):
        inside = (t >= start) & (t < end)
        audio[inside] += 0.3 * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t[inside])) * rng.normal(0, 1, int(inside.sum()))
    samples = audio.astype(np.float32)
    return samples, frame_energy(samples, SAMPLE_RATE)


FIRST = said(("hello", 1.1, 1.5), ("there", 1.6, 2.9))
DROPPED = said(("this", 5.1, 5.4), ("call", 5.5, 5.9), ("is", 6.0, 6.2), ("recorded", 6.3, 8.3))


def test_a_dropped_phrase_is_decoded_alone_without_vad_and_joins_the_transcript() -> None:
    audio, energy = mono_call()
    engine = ClipEngine([FIRST, DROPPED])
    filled, [refill] = fill_gaps(engine, audio, result(FIRST), energy, 0, None)
    assert not engine.vad, "the second decoding runs without VAD"
    assert refill.words == 4 and refill.probability == pytest.approx(0.9)
    assert refill.to_dict()["channel"] is None and refill.gap.start_s == pytest.approx(5.0, abs=0.1)
    [(start, end)] = engine.clips
    assert start == pytest.approx(4.7, abs=0.15) and end == pytest.approx(8.8, abs=0.15)
    assert [s.text for s in filled.segments] == ["hello there", "this call is recorded"]
    assert filled.segments[1].flags == (GAP_FILLED,) and filled.segments[0].flags == ()
    assert [w.text.strip() for w in filled.words] == ["hello", "there", "this", "call", "is", "recorded"]
    assert GAP_FILLED in filled.flags


def test_words_heard_outside_the_gap_are_not_added_twice() -> None:
    audio, energy = mono_call()
    spill = said(("there", 4.55, 4.7), ("this", 5.1, 5.4), ("call", 5.5, 8.3))  # the padding heard a neighbour
    engine = ClipEngine([spill])
    filled, _ = fill_gaps(engine, audio, result(FIRST), energy, 0, None)
    assert [s.text for s in filled.segments] == ["hello there", "this call"]
    assert filled.segments[1].start_s == 5.1


def test_a_phrase_dropped_inside_a_long_segment_keeps_the_words_in_time_order() -> None:
    audio, energy = mono_call()
    long_one = said(("hello", 1.1, 1.5), ("there", 1.6, 2.9), ("bye", 8.6, 8.9))  # ends after the dropped phrase
    filled, [refill] = fill_gaps(ClipEngine([DROPPED]), audio, result(long_one), energy, 0, None)
    assert [w.text for w in filled.words] == ["hello", "there", "this", "call", "is", "recorded", "bye"]
    assert refill.words == 4


def test_a_covered_recording_costs_no_second_decoding() -> None:
    audio, energy = mono_call()
    engine = ClipEngine([])
    first = result(FIRST, DROPPED)
    assert fill_gaps(engine, audio, first, energy, 0, None) == (first, [])
    assert engine.clips == []


def test_a_gap_the_second_decoding_cannot_hear_stays_a_gap() -> None:
    audio, energy = mono_call()
    engine = ClipEngine([])
    first = result(FIRST)
    assert fill_gaps(engine, audio, first, energy, 0, None) == (first, [])
    assert len(engine.clips) == 1


def test_the_other_channels_leak_is_not_decoded() -> None:
    audio, _ = mono_call()
    floor = np.random.default_rng(3).normal(0, 1e-4, audio.size)
    leak = (audio * 10 ** (-25 / 20) + floor).astype(np.float32)
    energy = frame_energy(np.stack([audio, leak]), SAMPLE_RATE)
    engine = ClipEngine([DROPPED])
    assert fill_gaps(engine, leak, result(), energy, 1, 1)[0].segments == []
    assert engine.clips == []
