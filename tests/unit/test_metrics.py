"""Conversation metrics: hand-computed calls, edge cases, and properties that hold for any set of turns."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from callwarden.analysis.metrics import conversation_metrics
from callwarden.domain.transcript import Segment, Speaker, Word

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN


def seg(speaker: Speaker, start: float, end: float, text: str = "") -> Segment:
    return Segment(speaker, start, end, text)


def test_hand_computed_call() -> None:
    """20 s: the prospect cuts in at 4 s, the agent pitches 8-14 s over a short "uh huh", then 6 s of silence."""
    segments = [
        seg(A, 0, 5, "a b c d e"),
        seg(P, 4, 7, "f g h"),
        seg(A, 8, 10, "x y"),
        seg(A, 10.5, 14, "one two three four five six seven"),
        seg(P, 12, 12.5, "uh huh"),
    ]
    m = conversation_metrics(segments, 20.0)
    agent, prospect, unknown = m["speakers"]["agent"], m["speakers"]["prospect"], m["speakers"]["unknown"]
    assert agent["talk_s"] == pytest.approx(10.5)  # 5 + 2 + 3.5
    assert prospect["talk_s"] == pytest.approx(3.5)  # 3 + 0.5
    assert m["speech_s"] == pytest.approx(12.5)  # [0,7] [8,10] [10.5,14]
    assert m["silence_s"] == pytest.approx(7.5)
    assert m["silence_ratio"] == pytest.approx(7.5 / 20)
    assert m["longest_silence_s"] == pytest.approx(6.0)
    assert m["overtalk_s"] == pytest.approx(1.5)  # [4,5] and [12,12.5]
    assert m["talk_ratio"] == pytest.approx(10.5 / 14)
    assert m["longest_monologue"] == {"speaker": "agent", "seconds": pytest.approx(6.0), "start_s": 8.0}
    assert agent["longest_monologue_s"] == pytest.approx(6.0)
    assert prospect["longest_monologue_s"] == pytest.approx(3.0)
    assert (agent["words"], prospect["words"]) == (14, 5)
    assert agent["words_per_minute"] == pytest.approx(14 / (10.5 / 60))
    assert prospect["words_per_minute"] == pytest.approx(5 / (3.5 / 60))
    assert (agent["interruptions"], prospect["interruptions"], m["interruptions"]) == (0, 1, 1)
    assert (agent["turns"], prospect["turns"]) == (3, 2)
    assert unknown == {
        "talk_s": 0.0,
        "turns": 0,
        "words": 0,
        "words_per_minute": 0.0,
        "longest_monologue_s": 0.0,
        "interruptions": 0,
    }
    json.dumps(m, allow_nan=False)


def test_words_counted_from_word_timings_when_present() -> None:
    words = tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9) for i, w in enumerate(["one", "two", "three"]))
    m = conversation_metrics([Segment(A, 0, 1.5, "one two-three", words=words)], 3.0)
    assert m["speakers"]["agent"]["words"] == 3
    assert m["speakers"]["agent"]["words_per_minute"] == pytest.approx(3 / (1.5 / 60))


def test_talk_in_a_short_pause_ends_a_monologue() -> None:
    quiet_pause = [seg(A, 0, 3), seg(A, 4, 6)]
    assert conversation_metrics(quiet_pause, 10)["longest_monologue"]["seconds"] == pytest.approx(6.0)
    answered = [*quiet_pause, seg(P, 3.2, 3.6)]
    assert conversation_metrics(answered, 10)["speakers"]["agent"]["longest_monologue_s"] == pytest.approx(3.0)
    long_pause = [seg(A, 0, 3), seg(A, 4.6, 6)]
    assert conversation_metrics(long_pause, 10)["longest_monologue"]["seconds"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("prospect_turn", "expected"),
    [
        ((9.0, 12.0), 1),  # agent stops 1 s after the prospect starts; the prospect goes on: an interruption
        ((3.0, 3.5), 0),  # a backchannel inside the agent's talk
        ((5.0, 12.0), 0),  # overtalk, but the agent keeps going for 5 s: not taking the floor
        ((10.5, 12.0), 0),  # starts after the agent finished
    ],
)
def test_interruptions(prospect_turn: tuple[float, float], expected: int) -> None:
    m = conversation_metrics([seg(A, 0, 10), seg(P, *prospect_turn)], 15)
    assert m["speakers"]["prospect"]["interruptions"] == expected
    assert m["speakers"]["agent"]["interruptions"] == 0


def test_a_brief_pause_in_the_interrupted_turn_does_not_fake_an_interruption() -> None:
    """The agent's turn has a 0.1 s breath at 5 s; the prospect's cut-in at 4 s is judged against 10 s."""
    m = conversation_metrics([seg(A, 0, 5), seg(A, 5.1, 10), seg(P, 4, 12)], 15)
    assert m["interruptions"] == 0


def test_nobody_talking_is_json_safe() -> None:
    m = conversation_metrics([], 30.0)
    assert m["silence_s"] == 30.0 and m["silence_ratio"] == 1.0 and m["longest_silence_s"] == 30.0
    assert m["talk_ratio"] is None
    assert m["longest_monologue"] == {"speaker": None, "seconds": 0.0, "start_s": None}
    json.dumps(m, allow_nan=False)
    empty = conversation_metrics([], 0.0)
    assert empty["silence_ratio"] == 0.0 and empty["overtalk_ratio"] == 0.0
    json.dumps(empty, allow_nan=False)


def test_out_of_range_and_broken_times_are_clipped() -> None:
    m = conversation_metrics([seg(A, -2, 3), seg(P, 8, 15), seg(U, math.nan, 2), seg(A, 5, 4)], 10.0)
    assert m["speakers"]["agent"]["talk_s"] == pytest.approx(3.0)
    assert m["speakers"]["prospect"]["talk_s"] == pytest.approx(2.0)
    assert m["speakers"]["unknown"]["talk_s"] == pytest.approx(2.0)  # NaN start read as 0
    json.dumps(m, allow_nan=False)
    with pytest.raises(ValueError, match="duration_s"):
        conversation_metrics([], math.inf)


def test_same_speaker_overlap_counts_once() -> None:
    m = conversation_metrics([seg(A, 0, 4), seg(A, 2, 6)], 10)
    assert m["speakers"]["agent"]["talk_s"] == pytest.approx(6.0)
    assert m["overtalk_s"] == 0.0


_turn = st.tuples(
    st.sampled_from([A, P]),
    st.integers(min_value=-4, max_value=200),
    st.integers(min_value=0, max_value=40),
)


def _grid(segments: list[Segment], duration: float, step: float = 0.5) -> tuple[float, float]:
    """Reference speech and overtalk time by counting talkers at the middle of every half-second cell."""
    points = np.arange(0, duration, step) + step / 2
    talkers = np.zeros(points.size, dtype=int)
    for speaker in Speaker:
        mine = [s for s in segments if s.speaker == speaker]
        talking = np.zeros(points.size, dtype=bool)
        for s in mine:
            talking |= (points > s.start_s) & (points < s.end_s)
        talkers += talking
    return float((talkers >= 1).sum() * step), float((talkers >= 2).sum() * step)


@settings(max_examples=150, deadline=None)
@given(st.lists(_turn, max_size=25), st.integers(min_value=0, max_value=220))
def test_properties_for_two_parties(turns: list[tuple[Speaker, int, int]], duration_halves: int) -> None:
    duration = duration_halves / 2
    segments = [seg(who, start / 2, (start + length) / 2, "w " * (length % 5)) for who, start, length in turns]
    m = conversation_metrics(segments, duration)
    talk = m["speakers"]["agent"]["talk_s"] + m["speakers"]["prospect"]["talk_s"]
    assert talk + m["silence_s"] - m["overtalk_s"] == pytest.approx(duration, abs=1e-9)
    assert m["speech_s"] + m["silence_s"] == pytest.approx(duration, abs=1e-9)
    for ratio in ("silence_ratio", "overtalk_ratio"):
        assert 0.0 <= m[ratio] <= 1.0
    assert m["talk_ratio"] is None or 0.0 <= m["talk_ratio"] <= 1.0
    assert m["talk_ratio"] is not None or talk == 0
    assert 0.0 <= m["longest_monologue"]["seconds"] <= duration
    assert 0.0 <= m["longest_silence_s"] <= m["silence_s"] + 1e-9
    speech, overtalk = _grid(segments, duration)  # every endpoint is on the half-second grid: exact
    assert m["speech_s"] == pytest.approx(speech) and m["overtalk_s"] == pytest.approx(overtalk)
    json.dumps(m, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Speaker)), st.floats(-5, 100), st.floats(0, 30)), max_size=20))
@example(turns=[(Speaker.AGENT, 0.0, 5e-324)])  # a denormal talk time once divided by zero in words per minute
def test_properties_with_unknown_speakers(turns: list[tuple[Speaker, float, float]]) -> None:
    segments = [seg(who, start, start + length) for who, start, length in turns]
    m = conversation_metrics(segments, 90.0)
    assert m["speech_s"] + m["silence_s"] == pytest.approx(90.0)
    assert m["overtalk_s"] <= m["speech_s"] + 1e-9
    assert sum(s["talk_s"] for s in m["speakers"].values()) >= m["speech_s"] - 1e-9
    json.dumps(m, allow_nan=False)
