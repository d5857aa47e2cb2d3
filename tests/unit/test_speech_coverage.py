"""Speech the transcript does not cover: found from energy and segment times, bleed excluded, and turned into
review reasons for the prospect's side only."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.pipeline.pii_stage import untranscribed_reasons
from callwarden.speech.activity import frame_energy
from callwarden.speech.coverage import untranscribed_speech

RATE = 8000


def segment(start_s: float, end_s: float) -> Segment:
    return Segment(Speaker.PROSPECT, start_s, end_s, "words", (), 1)


def voice(seconds: float, spans: list[tuple[float, float]], level: float = 0.3, seed: int = 0) -> np.ndarray:
    """Noise floor with syllable-modulated noise bursts where someone speaks."""
    rng = np.random.default_rng(seed)
    out = rng.normal(0, 1e-4, int(seconds * RATE))
    t = np.arange(out.size) / RATE
    for start, end in spans:
        inside = (t >= start) & (t < end)
        syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t[inside])
        out[inside] += level * syllables * rng.normal(0, 1, int(inside.sum()))
    return out.astype(np.float32)


def test_a_voiced_stretch_without_words_is_a_gap_and_covered_speech_is_not() -> None:
    prospect = voice(10.0, [(2.0, 6.0)])
    energy = frame_energy(np.stack([voice(10.0, [], seed=1), prospect]), RATE)
    gaps = untranscribed_speech(energy, 1, [segment(2.0, 3.0)], channel=1)
    [gap] = gaps
    assert gap.channel == 1
    assert gap.start_s == pytest.approx(3.3, abs=0.1) and gap.end_s == pytest.approx(6.0, abs=0.1)
    assert untranscribed_speech(energy, 1, [segment(2.0, 6.0)], channel=1) == []


def test_short_untranscribed_sounds_are_no_gap() -> None:
    """A cough or a breath (under 1.5 s) is not a dropped phrase."""
    energy = frame_energy(np.stack([voice(6.0, [], seed=1), voice(6.0, [(1.0, 2.0)])]), RATE)
    assert untranscribed_speech(energy, 1, [], channel=1) == []


def test_the_other_partys_voice_leaking_in_is_no_gap() -> None:
    agent = voice(8.0, [(1.0, 5.0)])
    leak = agent * 10 ** (-25 / 20) + voice(8.0, [], seed=3)
    energy = frame_energy(np.stack([agent, leak.astype(np.float32)]), RATE)
    assert untranscribed_speech(energy, 1, [], channel=1) == []
    assert [g.channel for g in untranscribed_speech(energy, 0, [], channel=0)] == [0], "the source channel's is"


def _segment(speaker: Speaker, channel: int | None) -> Segment:
    return Segment(speaker, 0.0, 1.0, "hello", (), channel)


def test_only_the_prospects_gaps_send_a_call_to_review() -> None:
    transcribed = {
        "untranscribed_speech": [
            {"channel": 0, "start_s": 5.0, "end_s": 9.0},  # the agent's side: hold music, no reason
            {"channel": 1, "start_s": 8.3, "end_s": 12.0},
        ]
    }
    segments = [_segment(Speaker.AGENT, 0), _segment(Speaker.PROSPECT, 1)]
    [reason] = untranscribed_reasons(transcribed, segments)
    assert "channel 1 at 8.3-12.0 s was not transcribed" in reason
    assert untranscribed_reasons({"untranscribed_speech": []}, segments) == []
    mono = {"untranscribed_speech": [{"channel": None, "start_s": 1.0, "end_s": 3.0}]}
    assert "the mix" in untranscribed_reasons(mono, [_segment(Speaker.UNKNOWN, None)])[0]
    unknown_roles = untranscribed_reasons(transcribed, [_segment(Speaker.AGENT, 0)])
    assert len(unknown_roles) == 2, "no prospect side known: every gap counts"


def test_prospect_speech_heard_only_on_a_second_decoding_needs_review_unless_it_was_sure() -> None:
    def refilled(channel: int | None, probability: float) -> dict[str, float | int | None]:
        return {"channel": channel, "start_s": 4.0, "end_s": 7.5, "words": 6, "probability": probability}

    segments = [_segment(Speaker.AGENT, 0), _segment(Speaker.PROSPECT, 1)]
    unsure = {"untranscribed_speech": [], "refilled_speech": [refilled(1, 0.42), refilled(0, 0.3)]}
    [reason] = untranscribed_reasons(unsure, segments)
    assert "channel 1 at 4.0-7.5 s was heard only on a second decoding, at confidence 0.42" in reason
    assert untranscribed_reasons({"refilled_speech": [refilled(1, 0.85)]}, segments) == []
    assert len(untranscribed_reasons({"refilled_speech": [refilled(None, 0.5)]}, segments)) == 1


def test_a_phrase_dropped_inside_a_long_segment_is_a_gap_between_its_words() -> None:
    """ASR kept one segment over the whole answer but wrote words only at its ends."""
    energy = frame_energy(np.stack([voice(10.0, [], seed=1), voice(10.0, [(1.0, 8.0)])]), RATE)
    words = (Word("the", 1.0, 1.3, 0.9), Word("routing", 1.3, 1.8, 0.9), Word("one", 7.5, 8.0, 0.9))
    segment = Segment(Speaker.PROSPECT, 1.0, 8.0, "the routing one", words, 1)
    [gap] = untranscribed_speech(energy, 1, [segment], channel=1)
    assert gap.start_s == pytest.approx(2.1, abs=0.1) and gap.end_s == pytest.approx(7.2, abs=0.1)
