"""The guards against Whisper's failure modes, on synthetic Whisper-like output: loops, silence, drift, numbers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from callwarden.domain.transcript import Word
from callwarden.speech.guards import (
    DRIFT_REPAIRED,
    NUMBER_SPLIT,
    REPETITION_LOOP,
    AsrSegment,
    GuardSettings,
    GuardStats,
    apply_guards,
    collapse_repetitions,
    repair_times,
    split_digit_groups,
    voiced_ratio,
    window_levels_dbfs,
)

RATE = 16000


def _words(texts: list[str], start: float = 0.0, each: float = 0.3) -> list[Word]:
    """Words as faster-whisper gives them: each with its leading space."""
    return [Word(f" {t}", start + i * each, start + (i + 1) * each, 0.9) for i, t in enumerate(texts)]


def _texts(words: list[Word] | tuple[Word, ...]) -> list[str]:
    return [w.text.strip() for w in words]


def _segment(words: list[Word], **kw: float) -> AsrSegment:
    figures = {"avg_logprob": -0.3, "no_speech_prob": 0.05, "compression_ratio": 1.4, **kw}
    return AsrSegment(
        text="".join(w.text for w in words),
        start_s=words[0].start_s if words else 0.0,
        end_s=words[-1].end_s if words else 0.0,
        words=tuple(words),
        avg_logprob=figures["avg_logprob"],
        no_speech_prob=figures["no_speech_prob"],
        compression_ratio=figures["compression_ratio"],
    )


def _speech(seconds: float, *, loud: tuple[float, float] | None = None) -> np.ndarray:
    """Low noise (-70 dBFS) with a loud tone-burst standing in for speech between `loud` (seconds)."""
    rng = np.random.default_rng(1)
    audio = (rng.standard_normal(round(seconds * RATE)) * 10 ** (-70 / 20)).astype(np.float32)
    if loud:
        a, b = round(loud[0] * RATE), round(loud[1] * RATE)
        t = np.arange(b - a) / RATE
        audio[a:b] += (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    return audio


def _max_run(texts: list[str]) -> int:
    best = run = 0
    previous = None
    for text in texts:
        key = text.lower().strip(",.!?")
        run = run + 1 if key == previous else 1
        previous, best = key, max(best, run)
    return best


# --- repetition loops -------------------------------------------------------------------------------------------


def test_forty_ones_collapse_to_the_limit_and_keep_covering_the_audio() -> None:
    words = _words(["my", "card", "is", *["1"] * 40], each=0.1)
    out, loops, removed = collapse_repetitions(words, max_repeats=8)
    assert (loops, removed) == (1, 32)
    assert _texts(out) == ["my", "card", "is", *["1"] * 8]
    assert out[-1].end_s == pytest.approx(words[-1].end_s)  # a mute over the last kept "1" covers the whole loop


def test_phrase_loops_are_found_and_honest_repeats_kept() -> None:
    looped = _words(["thank", "you.", *["Thank", "you."] * 12, "bye"])
    out, loops, removed = collapse_repetitions(looped, max_repeats=8)
    assert loops == 1
    assert removed == 2 * (13 - 8)
    assert _texts(out)[-1] == "bye"
    honest = _words(["one"] * 8 + ["two", "two"])
    assert collapse_repetitions(honest, max_repeats=8) == (honest, 0, 0)


def test_loop_inside_one_word() -> None:
    words = _words(["for", "w-" * 60 + "w", "ok"])
    out, loops, removed = collapse_repetitions(words, max_repeats=8)
    assert loops == 1
    assert removed == 61 - 8
    assert out[1].text == " " + "-".join(["w"] * 8)
    assert (out[1].start_s, out[1].end_s) == (words[1].start_s, words[1].end_s)
    assert collapse_repetitions(_words(["well-known"]), 8)[1:] == (0, 0)


def test_loop_guard_through_apply_guards_flags_and_counts() -> None:
    words = _words(["walk,"] * 30, start=0.5, each=0.1)
    segments, stats = apply_guards([_segment(words)], _speech(4.0, loud=(0.4, 3.6)), RATE)
    assert len(segments) == 1
    assert REPETITION_LOOP in segments[0].flags
    assert _max_run(_texts(segments[0].words)) == 8
    assert all(w.text == "walk," for w in segments[0].words)  # stored words carry no spacing
    assert (stats.repetition_loops, stats.repeated_words_removed) == (1, 22)
    assert segments[0].text == " ".join(["walk,"] * 8)


# --- numbers ------------------------------------------------------------------------------------------------------


def test_card_number_in_one_token_splits_by_character_share() -> None:
    word = Word(" 4532-0151-1283.", 1.0, 2.4, 0.8)
    parts = split_digit_groups(word)
    assert [p.text for p in parts] == [" 4532", " 0151", " 1283."]  # spaced like Whisper's own words
    # 14 characters: "4532-" and "0151-" own 5 each, "1283" 4.
    assert [round(p.start_s, 3) for p in parts] == [1.0, 1.5, 2.0]
    assert [round(p.end_s, 3) for p in parts] == [1.5, 2.0, 2.4]
    assert all(p.probability == 0.8 for p in parts)


@pytest.mark.parametrize("text", ["4532", "4,532", "4,532.10", "3.14", "$1,200", "hello", "well-known", "1."])
def test_single_quantities_stay_one_word(text: str) -> None:
    word = Word(text, 0.0, 1.0, 0.5)
    assert split_digit_groups(word) == [word]


def test_dotted_and_comma_digit_runs_split() -> None:
    assert _texts(split_digit_groups(Word("1.1.1.1", 0.0, 1.0, 0.5))) == ["1", "1", "1", "1"]
    assert _texts(split_digit_groups(Word("(555-1234)", 0.0, 1.0, 0.5))) == ["(555", "1234)"]
    assert _texts(split_digit_groups(Word("12/25", 0.0, 1.0, 0.5))) == ["12", "25"]


def test_apply_guards_splits_numbers_then_collapses_their_loop() -> None:
    words = [Word(" card", 0.5, 0.8, 0.9), Word(" " + "1-" * 39 + "1", 0.8, 3.0, 0.4)]
    segments, stats = apply_guards([_segment(words)], _speech(4.0, loud=(0.4, 3.2)), RATE)
    assert [w.text for w in segments[0].words] == ["card", *["1"] * 8]
    assert segments[0].text == "card 1 1 1 1 1 1 1 1"
    assert stats.numbers_split == 39
    assert {NUMBER_SPLIT, REPETITION_LOOP} <= set(segments[0].flags)
    assert segments[0].words[-1].end_s == pytest.approx(3.0)


# --- hallucination in silence --------------------------------------------------------------------------------------


def test_text_over_silence_is_dropped_and_speech_kept() -> None:
    audio = _speech(6.0, loud=(0.5, 2.5))
    said = _segment(_words(["hello", "there"], start=0.6, each=0.8))
    ghost = _segment(_words(["Thank", "you."], start=4.0, each=0.5))
    segments, stats = apply_guards([said, ghost], audio, RATE)
    assert [s.text for s in segments] == ["hello there"]
    assert (stats.dropped_silent, stats.segments_in, stats.segments_out) == (1, 2, 1)


def test_whispers_own_no_speech_rule() -> None:
    audio = _speech(3.0, loud=(0.0, 3.0))
    unsure_silence = _segment(_words(["you"], start=1.0), no_speech_prob=0.9, avg_logprob=-1.5)
    confident = _segment(_words(["yes"], start=2.0), no_speech_prob=0.9, avg_logprob=-0.2)
    segments, stats = apply_guards([unsure_silence, confident], audio, RATE)
    assert [s.text for s in segments] == ["yes"]
    assert stats.dropped_no_speech == 1


def test_noise_floor_raises_the_silence_threshold() -> None:
    """Loud line hiss (-40 dBFS) is silence too: the threshold follows the channel's own floor."""
    rng = np.random.default_rng(2)
    hiss = (rng.standard_normal(5 * RATE) * 10 ** (-40 / 20)).astype(np.float32)
    segments, stats = apply_guards([_segment(_words(["Thanks", "for", "watching!"], start=1.0))], hiss, RATE)
    assert segments == []
    assert stats.dropped_silent == 1


def test_voiced_ratio_and_levels() -> None:
    audio = _speech(2.0, loud=(1.0, 2.0))
    levels = window_levels_dbfs(audio, RATE, 0.03)
    assert levels.size == math.ceil(2.0 / 0.03)
    assert levels[:30].max() < -60
    assert levels[-20:].min() > -20
    assert voiced_ratio(levels, -50.0, 0.0, 0.9, 0.03) == 0.0
    assert voiced_ratio(levels, -50.0, 1.05, 1.95, 0.03) == 1.0
    assert voiced_ratio(levels, -50.0, 5.0, 6.0, 0.03) == 0.0  # beyond the audio: nothing voiced


def test_words_that_are_only_spaces_and_empty_segments_go() -> None:
    empty = _segment([Word("  ", 0.0, 0.1, 0.1)])
    segments, stats = apply_guards([empty], _speech(1.0, loud=(0.0, 1.0)), RATE)
    assert segments == []
    assert stats.dropped_no_words == 1


# --- drift -------------------------------------------------------------------------------------------------------


def test_words_outside_the_audio_backwards_or_zero_long_are_repaired() -> None:
    words = [
        Word("a", -0.4, 0.2, 0.9),  # starts before the audio
        Word("b", 0.5, 0.5, 0.9),  # zero long
        Word("c", 0.3, 0.9, 0.9),  # runs backwards
        Word("d", 1.9, 2.6, 0.9),  # ends after the audio
        Word("e", 2.7, 2.7, 0.9),  # wholly after the audio, zero long
    ]
    stats = GuardStats()
    (segment,) = repair_times([_segment(words)], 2.0, 0.02, stats)
    times = [(w.start_s, w.end_s) for w in segment.words]
    assert all(0.0 <= a < b <= 2.0 for a, b in times)
    assert all(b1 <= a2 + 1e-9 for (_, b1), (a2, _) in itertools.pairwise(times[:-1]))
    assert stats.words_outside_audio == 3
    assert stats.words_out_of_order >= 1
    assert stats.words_too_short >= 2
    assert DRIFT_REPAIRED in segment.flags
    assert (segment.start_s, segment.end_s) == (times[0][0], max(b for _, b in times))


def test_segments_come_back_in_time_order_and_clean_ones_untouched() -> None:
    late = _segment(_words(["later"], start=2.0))
    early = _segment(_words(["first"], start=0.5))
    stats = GuardStats()
    out = repair_times([late, early], 3.0, 0.02, stats)
    assert [s.words[0].text for s in out] == [" first", " later"]
    assert out[0] == early
    assert stats.to_dict()["words_out_of_order"] == 0


def test_shifted_moves_everything_by_the_offset() -> None:
    segment = _segment(_words(["x", "y"], start=1.0))
    moved = segment.shifted(10.0)
    assert (moved.start_s, moved.end_s) == (11.0, 11.6)
    assert [(w.start_s, w.end_s) for w in moved.words] == [(11.0, 11.3), (11.3, pytest.approx(11.6))]
    assert segment.shifted(0.0) is segment


def test_settings_are_honoured() -> None:
    words = _words(["no"] * 5)
    out, loops, _ = collapse_repetitions(words, max_repeats=3)
    assert (len(out), loops) == (3, 1)
    settings = GuardSettings(max_repeats=3, min_voiced_ratio=0.0)
    segments, stats = apply_guards([_segment(words)], _speech(2.0), RATE, settings)
    assert len(segments[0].words) == 3  # min_voiced_ratio 0 keeps even a segment over silence
    assert stats.dropped_silent == 0
