"""Speaker attribution on synthetic phone calls with exact ground truth (no ASR involved).

Stereo: per-channel energy speech, bleed suppression and the channel-role mapping must put >= 95 % of each
party's speech time on the right role. Mono: two different TTS voices mixed on one channel must separate into
clusters >= 85 % pure, and the content cues of the ground-truth words must name the clusters correctly.
Figures are printed (pytest -s) so a change in quality shows up even while the thresholds still hold.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callwarden.domain.transcript import Speaker, Word
from callwarden.speech.mono import separate_mono
from callwarden.speech.roles import assign_roles, mono_segments
from callwarden.speech.speakers import ChannelRoles, channel_speech, merge_channel_segments
from tests.synth import (
    LONG_MONOLOGUE,
    OVERTALK,
    TWO_PARTY_SALES,
    TWO_VOICE_ESPEAK,
    CallSpec,
    SynthCall,
    make_call,
    read_audio,
    tools_missing,
)

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")
STEP = 0.01  # ground truth and hypotheses are compared on a 10 ms grid
PARTIES = (Speaker.AGENT, Speaker.PROSPECT)


@pytest.fixture(scope="module")
def calls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth-calls")


def _mask(spans: list[tuple[float, float]], duration_s: float) -> np.ndarray:
    mask = np.zeros(int(np.ceil(duration_s / STEP)) + 1, dtype=bool)
    for start, end in spans:
        mask[round(start / STEP) : round(end / STEP)] = True
    return mask


def _truth_words(call: SynthCall) -> list[Word]:
    """The script's words spread evenly over each turn: "words" for role cues without running ASR."""
    found = []
    for turn in call.turns:
        tokens = turn.text.split()
        step = (turn.end_s - turn.start_s) / len(tokens)
        found += [Word(t, turn.start_s + i * step, turn.start_s + (i + 1) * step, 1.0) for i, t in enumerate(tokens)]
    return found


STEREO_CASES = [
    pytest.param(TWO_PARTY_SALES.with_options(codec="pcm_mulaw", noise_dbfs=-50.0), None, id="sales-ulaw"),
    pytest.param(
        OVERTALK.with_options(codec="pcm_alaw", swap_channels=True, bleed_db=-22.0, noise_dbfs=-55.0),
        "prospect,agent",
        id="overtalk-alaw-swapped-bleed",
    ),
    pytest.param(
        LONG_MONOLOGUE.with_options(codec="pcm_mulaw", bleed_db=-20.0, noise_dbfs=-55.0), None, id="monologue-bleed"
    ),
]


@pytest.mark.parametrize(("spec", "roles"), STEREO_CASES)
def test_stereo_speech_time_goes_to_the_right_role(spec: CallSpec, roles: str | None, calls_dir: Path) -> None:
    call = make_call(spec, calls_dir, seed=11)
    audio, rate = read_audio(call.path)
    mapping = ChannelRoles.parse(roles) if roles else ChannelRoles.vicidial()
    turns = merge_channel_segments(channel_speech(audio, rate), mapping)
    right = truth_total = wrong = 0
    for party in PARTIES:
        other = PARTIES[1 - PARTIES.index(party)]
        truth = _mask(call.speech_spans(party), call.duration_s)
        hypothesis = _mask([(s.start_s, s.end_s) for s in turns if s.speaker == party], call.duration_s)
        right += (truth & hypothesis).sum()
        truth_total += truth.sum()
        wrong += (hypothesis & _mask(call.speech_spans(other), call.duration_s) & ~truth).sum()
    accuracy, misattributed = right / truth_total, wrong / truth_total
    print(f"\n{call.spec.name}: stereo accuracy {accuracy:.3f}, misattributed {misattributed:.3f}")
    assert accuracy >= 0.95
    assert misattributed <= 0.02
    assert all(s.speaker in PARTIES for s in turns)


def _mono(spec: CallSpec, calls_dir: Path) -> tuple[SynthCall, np.ndarray]:
    call = make_call(spec.with_options(layout="mono", codec="pcm_mulaw", noise_dbfs=-50.0), calls_dir, seed=5)
    audio, _ = read_audio(call.path, sample_rate=16000, mono=True)
    return call, audio[0]


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(TWO_VOICE_ESPEAK.with_options(name="mono-espeak-m3-f2"), id="espeak-male-female"),
        pytest.param(TWO_PARTY_SALES.with_options(name="mono-espeak-flite"), id="espeak-male-flite-female"),
        pytest.param(LONG_MONOLOGUE.with_options(name="mono-flite-espeak"), id="flite-male-espeak-female"),
    ],
)
def test_mono_voices_separate_and_get_their_roles(spec: CallSpec, calls_dir: Path) -> None:
    call, audio = _mono(spec, calls_dir)
    separation = separate_mono(audio)
    assert separation.voices == 2
    truth = {p: _mask(call.speech_spans(p), call.duration_s) for p in PARTIES}
    single = {p: truth[p] & ~truth[PARTIES[1 - i]] for i, p in enumerate(PARTIES)}  # one party talking
    clusters = {
        c: _mask([(s.start_s, s.end_s) for s in separation.spans if s.cluster == c], call.duration_s) for c in (0, 1)
    }
    scored = sum(((clusters[0] | clusters[1]) & single[p]).sum() for p in PARTIES)
    best = max(
        (clusters[0] & single[first]).sum() + (clusters[1] & single[second]).sum()
        for first, second in (PARTIES, PARTIES[::-1])
    )
    purity = best / scored
    coverage = ((clusters[0] | clusters[1]) & (truth[Speaker.AGENT] | truth[Speaker.PROSPECT])).sum() / (
        truth[Speaker.AGENT] | truth[Speaker.PROSPECT]
    ).sum()

    roles = assign_roles(separation.spans, _truth_words(call), separation_confidence=separation.confidence)
    segments = mono_segments(separation, _truth_words(call), roles)
    named = {p: _mask([(s.start_s, s.end_s) for s in segments if s.speaker == p], call.duration_s) for p in PARTIES}
    role_accuracy = sum((named[p] & single[p]).sum() for p in PARTIES) / scored
    print(
        f"\n{call.spec.name}: purity {purity:.3f}, coverage {coverage:.3f}, separation confidence "
        f"{separation.confidence:.2f}, role accuracy {role_accuracy:.3f}, role confidence {roles.confidence:.2f}"
    )
    assert purity >= 0.85
    assert coverage >= 0.9
    assert role_accuracy >= 0.85
    assert roles.confidence >= 0.5


def test_mono_one_voice_for_both_parties_is_reported_as_one(calls_dir: Path) -> None:
    """The same TTS voice on both sides cannot be told apart: one voice, and no role claimed."""
    spec = TWO_PARTY_SALES.with_options(name="mono-same-voice", prospect_voice=TWO_PARTY_SALES.agent_voice)
    call, audio = _mono(spec, calls_dir)
    separation = separate_mono(audio)
    print(f"\n{call.spec.name}: voices {separation.voices}")
    assert separation.voices == 1
    roles = assign_roles(separation.spans, _truth_words(call), separation_confidence=separation.confidence)
    assert roles.role(0) == Speaker.UNKNOWN and roles.confidence == 0.0
