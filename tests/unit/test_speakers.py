"""Speaker assignment, pure: channel roles and merging, bleed, energy speech spans, mono separation, roles."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.speech.activity import frame_energy, speech_spans
from callwarden.speech.mono import ClusterSpan, MonoSeparation, separate_mono
from callwarden.speech.roles import assign_roles, mono_segments
from callwarden.speech.speakers import ChannelRoles, channel_speech, merge_channel_segments, suppress_bleed

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN
RATE = 16000


def seg(start: float, end: float, text: str = "", speaker: Speaker = U) -> Segment:
    return Segment(speaker, start, end, text)


def words(text: str, start: float, end: float) -> list[Word]:
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [Word(t, start + i * step, start + (i + 1) * step, 0.9) for i, t in enumerate(tokens)]


# --- stereo -------------------------------------------------------------------------------------------------


def test_channel_roles_default_parse_and_unknown() -> None:
    assert ChannelRoles().role(0) == A and ChannelRoles.vicidial().role(1) == P
    swapped = ChannelRoles.parse(" Prospect , agent ")
    assert (swapped.role(0), swapped.role(1), swapped.role(2)) == (P, A, U)
    with pytest.raises(ValueError, match="channel roles"):
        ChannelRoles.parse("agent,customer")


def test_merge_orders_joins_and_keeps_overlaps() -> None:
    per_channel = {
        0: [seg(0.0, 2.0, "hi this is mark"), seg(2.3, 4.0, "from sunbright"), seg(5.0, 9.0, "we offer panels")],
        1: [seg(8.0, 10.0, "who is this"), seg(4.5, 4.8, "yes")],
    }
    merged = merge_channel_segments(per_channel)
    assert [(s.speaker, s.start_s, s.end_s, s.channel) for s in merged] == [
        (A, 0.0, 4.0, 0),  # joined across a 0.3 s pause
        (P, 4.5, 4.8, 1),
        (A, 5.0, 9.0, 0),  # not joined to the 0-4 s turn: the prospect spoke in between
        (P, 8.0, 10.0, 1),  # overlaps the agent's turn, both kept whole
    ]
    assert merged[0].text == "hi this is mark from sunbright"


def test_merge_joins_words_and_uses_the_configured_roles() -> None:
    first = Segment(U, 0.0, 1.0, "hello", words=tuple(words("hello", 0.0, 1.0)), speaker_confidence=0.9)
    second = Segment(U, 1.2, 2.0, "there", words=tuple(words("there", 1.2, 2.0)), flags=("low_asr",))
    merged = merge_channel_segments({1: [first, second], 2: [seg(3, 4)]}, ChannelRoles.parse("prospect,agent"))
    assert [s.speaker for s in merged] == [A, U]
    assert [w.text for w in merged[0].words] == ["hello", "there"]
    assert merged[0].speaker_confidence == 0.9 and merged[0].flags == ("low_asr",)
    assert len(merge_channel_segments({0: [first, second]}, join_gap_s=0.1)) == 2


def _tone(seconds: float, amplitude: float, frequency: float = 300.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_frame_energy_levels() -> None:
    audio = np.stack([_tone(1.0, 0.5), np.zeros(RATE, dtype=np.float32)])
    energy = frame_energy(audio, RATE)
    assert energy.db.shape[0] == 2 and energy.hop_s == pytest.approx(0.01)
    assert energy.mean_db(0, 0.2, 0.8) == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.1)
    assert energy.mean_db(1, 0.2, 0.8) == pytest.approx(-120.0)


def _two_party_with_bleed() -> np.ndarray:
    """Agent loud on channel 0 at 0-1 s, prospect loud on 1 at 2-3 s, each leaking 30 dB down; both at 4-5 s."""
    loud, leak = _tone(1.0, 0.3), _tone(1.0, 0.3 * 10 ** (-30 / 20))
    audio = np.zeros((2, 6 * RATE), dtype=np.float32)
    audio[0, 0:RATE], audio[1, 0:RATE] = loud, leak
    audio[1, 2 * RATE : 3 * RATE], audio[0, 2 * RATE : 3 * RATE] = loud, leak
    audio[:, 4 * RATE : 5 * RATE] = loud
    noise = np.random.default_rng(0).standard_normal(audio.shape) * 10 ** (-70 / 20)
    return (audio + noise).astype(np.float32)


def test_suppress_bleed_drops_the_leak_and_keeps_overtalk() -> None:
    energy = frame_energy(_two_party_with_bleed(), RATE)
    per_channel = {
        0: [Word("own", 0.1, 0.9, 1.0), Word("leak", 2.1, 2.9, 1.0), Word("both", 4.1, 4.9, 1.0)],
        1: [Word("leak", 0.1, 0.9, 1.0), Word("own", 2.1, 2.9, 1.0), Word("both", 4.1, 4.9, 1.0)],
    }
    kept = suppress_bleed(per_channel, energy)
    assert [w.text for w in kept[0]] == ["own", "both"]
    assert [w.text for w in kept[1]] == ["own", "both"]
    segments = suppress_bleed({0: [seg(2.1, 2.9)], 1: [seg(2.1, 2.9)]}, energy)  # segments work too
    assert (len(segments[0]), len(segments[1])) == (0, 1)
    assert suppress_bleed(per_channel, energy, margin_db=40) == per_channel


def test_speech_spans_and_channel_speech() -> None:
    audio = _two_party_with_bleed()
    spans = speech_spans(audio[0], RATE)
    assert len(spans) == 3  # own speech, the 30 dB leak (loud against -70 dBFS noise), overtalk
    assert spans[0][0] == pytest.approx(0.0, abs=0.06) and spans[0][1] == pytest.approx(1.0, abs=0.1)
    per_channel = channel_speech(audio, RATE)
    assert [(round(s.start_s), round(s.end_s)) for s in per_channel[0]] == [(0, 1), (4, 5)]
    assert [(round(s.start_s), round(s.end_s)) for s in per_channel[1]] == [(2, 3), (4, 5)]
    assert len(channel_speech(audio, RATE, bleed_margin_db=None)[1]) == 3
    assert speech_spans(np.zeros(RATE, dtype=np.float32), RATE) == []
    flat_noise = np.random.default_rng(1).standard_normal(RATE).astype(np.float32) * 0.01
    assert speech_spans(flat_noise, RATE) == []


# --- mono ---------------------------------------------------------------------------------------------------


def _voice(seconds: float, f0: float, formants: tuple[float, ...], seed: int) -> np.ndarray:
    """A crude voiced sound: harmonics of a wavering F0 shaped by formant peaks, in 4 Hz syllables."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * RATE)) / RATE
    pitch = f0 * (1 + 0.06 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    signal = np.zeros_like(t)
    for k in range(1, int(3600 / f0)):
        gain = sum(np.exp(-(((k * f0 - f) / 150) ** 2)) for f in formants) + 0.05
        signal += gain / k**0.5 * np.sin(k * phase + rng.uniform(0, 6))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
    return (0.3 * signal / np.abs(signal).max() * syllables).astype(np.float32)


LOW = (110.0, (500.0, 1100.0, 2400.0))
HIGH = (215.0, (800.0, 1800.0, 3000.0))


def _conversation(script: list[tuple[int, float]]) -> tuple[np.ndarray, list[tuple[int, float, float]]]:
    """Voices 0 (low) and 1 (high) taking turns with 0.5 s pauses: audio and (voice, start, end) truth."""
    parts, truth, at = [np.zeros(RATE // 2, dtype=np.float32)], [], 0.5
    for index, (who, seconds) in enumerate(script):
        f0, formants = (LOW, HIGH)[who]
        parts += [_voice(seconds, f0, formants, index), np.zeros(RATE // 2, dtype=np.float32)]
        truth.append((who, at, at + seconds))
        at += seconds + 0.5
    audio = np.concatenate(parts)
    return audio + np.random.default_rng(9).standard_normal(audio.size).astype(np.float32) * 1e-3, truth


def _agreement(spans: tuple[ClusterSpan, ...], truth: list[tuple[int, float, float]]) -> float:
    def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
        return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))

    right = sum(overlap((s.start_s, s.end_s), (a, b)) for s in spans for who, a, b in truth if who == s.cluster)
    return right / sum(b - a for _, a, b in truth)


def test_separate_mono_finds_two_voices() -> None:
    audio, truth = _conversation([(0, 2.5), (1, 1.5), (0, 3.0), (1, 2.0), (0, 1.5), (1, 2.5)])
    result = separate_mono(audio, sample_rate=RATE)
    assert result.voices == 2 and result.confidence > 0.5
    assert result.spans[0].cluster == 0  # the voice heard first is cluster 0
    assert _agreement(result.spans, truth) > 0.95
    assert 13.0 <= result.speech_s <= 14.5  # the 13 s of turns, each padded a little at both ends
    assert all(0.0 <= s.confidence <= 1.0 for s in result.spans)


def test_separate_mono_one_voice_and_silence() -> None:
    audio, _ = _conversation([(0, 2.5), (0, 1.5), (0, 3.0), (0, 2.0)])
    alone = separate_mono(audio, sample_rate=RATE)
    assert alone.voices == 1 and alone.confidence == 0.0
    assert {s.cluster for s in alone.spans} == {0}
    silent = separate_mono(np.zeros(3 * RATE, dtype=np.float32), sample_rate=RATE)
    assert silent == MonoSeparation((), 0, 0.0, 0.0)


# --- roles --------------------------------------------------------------------------------------------------

SPANS = (ClusterSpan(0, 0.0, 4.0, 0.9), ClusterSpan(1, 4.5, 6.0, 0.8), ClusterSpan(0, 6.5, 9.0, 0.9))


def test_roles_from_agent_and_prospect_cues() -> None:
    said = [
        *words("Hi, this is Mark from SunBright Solar, on a recorded line.", 0.0, 4.0),
        *words("Who is this? How did you get my number?", 4.5, 6.0),
        *words("We have a free assessment for homeowners.", 6.5, 9.0),
    ]
    result = assign_roles(SPANS, said, separation_confidence=0.9)
    assert (result.role(0), result.role(1)) == (A, P)
    assert 0.85 < result.confidence <= 0.9
    assert "agent: introduces a company" in result.cues[0] and "prospect: asks who is calling" in result.cues[1]


def test_roles_when_the_prospect_speaks_first() -> None:
    said = [
        *words("Hello?", 0.0, 4.0),
        *words("Hello, my name is Dana calling from Acme Warranty.", 4.5, 6.0),
        *words("I am not interested.", 6.5, 9.0),
    ]
    result = assign_roles(SPANS, said)
    assert (result.role(0), result.role(1)) == (P, A)


def test_weak_cues_leave_roles_unknown() -> None:
    said = [*words("Hello there.", 0.0, 4.0), *words("Yes, hello.", 4.5, 6.0), *words("Okay, good.", 6.5, 9.0)]
    result = assign_roles(SPANS, said)
    assert (result.role(0), result.role(1)) == (U, U)
    assert result.confidence < 0.3


def test_a_cue_never_spans_two_voices() -> None:
    """ "this is" from one voice and "Mark from Acme" from the other is no introduction."""
    said = [*words("and this is", 0.0, 4.0), *words("Mark from Acme", 4.5, 6.0)]
    result = assign_roles(SPANS[:2], said)
    assert result.cues == {0: (), 1: ()}


def test_one_voice_is_named_only_on_one_sided_evidence() -> None:
    alone = (ClusterSpan(0, 0.0, 5.0, 1.0),)
    voicemail = assign_roles(alone, words("Hi, this is Mark with SunBright Solar, I will try again tomorrow.", 0, 5))
    assert voicemail.role(0) == A and 0.0 < voicemail.confidence <= 0.5
    both = words("This is Mark from SunBright. Who is this? I am not interested.", 0, 5)
    assert assign_roles(alone, both).role(0) == U
    assert assign_roles((), []).roles == {}


@pytest.mark.parametrize(
    "objection",
    [
        "I would like this call not to be recorded.",
        "Please stop recording.",
        "Turn the recorder off.",
        "I do not consent.",
        "Don't record me.",
    ],
)
def test_one_voice_that_also_objects_is_not_named_the_agent(objection: str) -> None:
    """A mono call the separation heard as one voice: the disclosure is the agent's, an objection to the recording
    is the prospect's, so the voice is both and stays unknown (and its objection can count) instead of being named
    the agent, whose words cannot object."""
    alone = (ClusterSpan(0, 0.0, 9.0, 1.0),)
    said = words(f"Hi, this is Mark from SunBright Solar, this call is being recorded. {objection}", 0, 9)
    assert assign_roles(alone, said).role(0) == U
    disclosure_only = words("Hi, this is Mark from SunBright Solar, this call is being recorded.", 0, 9)
    assert assign_roles(alone, disclosure_only).role(0) == A


def test_mono_segments_carry_words_roles_and_confidence() -> None:
    said = [*words("this is Mark from Acme on a recorded line", 0.0, 4.0), *words("who is this", 4.5, 6.0)]
    separation = MonoSeparation(SPANS, 2, 0.8, 8.0)
    roles = assign_roles(SPANS, said, separation_confidence=separation.confidence)
    segments = mono_segments(separation, said, roles)
    assert [(s.speaker, s.text) for s in segments] == [
        (A, "this is Mark from Acme on a recorded line"),
        (P, "who is this"),
        (A, ""),
    ]
    assert all(s.channel is None and s.flags == ("mono_separation",) for s in segments)
    assert segments[0].speaker_confidence == pytest.approx(0.9 * roles.confidence, abs=1e-3)
