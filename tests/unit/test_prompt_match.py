"""Acoustic IVR prompt matching: a TTS prompt embedded in a noisy 8 kHz u-law synthetic call at a known offset."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.prompt_match import (
    HOP_S,
    MATCH_THRESHOLD,
    MIN_VOICED_S,
    PromptTemplate,
    log_mel,
    match_prompt,
    match_prompts_in_file,
)
from callwarden.domain.disclosure import DisclosureMethod
from callwarden.domain.transcript import Speaker
from tests.synth import CallSpec, Turn, Voice, make_call, read_audio, tools_missing

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")
PROMPT = "This call may be recorded or monitored for quality assurance and training purposes."
TURNS = (
    Turn(Speaker.AGENT, "Hi, this is Mark from SunBright Solar. Am I speaking with Linda?"),
    Turn(Speaker.PROSPECT, "Yes, this is Linda. Who is this again?"),
    Turn(Speaker.AGENT, "Homeowners in your area can get solar panels with no upfront cost."),
)
TURNS_LEAD_S = CallSpec("lead", TURNS).lead_in_s  # where a call's prompt starts


def espeak(text: str, voice: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, capture_output=True)
    return out


def flite(text: str, voice: str, out: Path) -> Path:
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


@pytest.fixture(scope="module")
def template(work: Path) -> PromptTemplate:
    return PromptTemplate.from_file(espeak(PROMPT, "en-us+f3", work / "prompt.wav"))


@pytest.mark.parametrize(("layout", "noise"), [("stereo", -45.0), ("mono", -45.0), ("mono", -35.0)])
def test_prompt_is_found_through_ulaw_noise_and_level(
    template: PromptTemplate, work: Path, layout: str, noise: float
) -> None:
    spec = CallSpec(
        f"ivr-{layout}{noise}", TURNS, layout=layout, codec="pcm_mulaw", noise_dbfs=noise, lead_in_s=2.3,
        ivr=work / "prompt.wav",
    )  # fmt: skip
    call = make_call(spec, work, seed=1)
    assert call.ivr_span is not None
    (match,) = match_prompts_in_file(call.path, [template])
    assert match.matched and match.score >= MATCH_THRESHOLD + 0.1
    assert match.at_s == pytest.approx(call.ivr_span[0], abs=0.1)
    hit = match.to_hit()
    assert hit.method == DisclosureMethod.IVR and hit.evidence["prompt"] == "prompt"


@pytest.mark.parametrize("layout", ["stereo", "mono"])
def test_a_notice_that_began_before_the_recording_is_found(template: PromptTemplate, work: Path, layout: str) -> None:
    """The dialer started recording 1.5 s into the notice: it is found at 0 s, saying how much it lacks."""
    spec = CallSpec(
        f"clipped-{layout}", TURNS, layout=layout, codec="pcm_mulaw", noise_dbfs=-45.0, ivr=work / "prompt.wav",
        trim_start_s=TURNS_LEAD_S + 1.5,
    )  # fmt: skip
    call = make_call(spec, work, seed=5)
    (match,) = match_prompts_in_file(call.path, [template])
    assert match.matched and match.score >= MATCH_THRESHOLD + 0.1
    assert match.at_s == 0.0 and match.clipped_s == pytest.approx(1.5, abs=0.15)
    assert match.to_hit().at_s == 0.0 and match.to_hit().evidence["began_before_recording_s"] == match.clipped_s


def test_a_recording_that_holds_too_little_of_the_notice_does_not_match(template: PromptTemplate, work: Path) -> None:
    """With most of the notice before the recording, what is left is too little to tell from other speech."""
    samples, rate = read_audio(
        make_call(CallSpec("whole", TURNS, codec="pcm_mulaw", ivr=work / "prompt.wav"), work, seed=6).path
    )
    start = round((TURNS_LEAD_S + 0.5 * template.duration_s) * rate)  # half the notice is gone
    clipped = match_prompt(template, samples[:, start:], rate)
    assert not clipped.matched
    assert match_prompt(template, samples, rate).clipped_s == 0.0  # a whole notice is matched whole


def test_search_window_limits_the_work(template: PromptTemplate, work: Path) -> None:
    spec = CallSpec("late-prompt", TURNS, codec="pcm_mulaw", lead_in_s=9.0, ivr=work / "prompt.wav")
    call = make_call(spec, work, seed=2)
    samples, rate = read_audio(call.path)
    assert match_prompt(template, samples, rate).matched
    assert not match_prompt(template, samples, rate, search_s=8.0).matched  # the prompt starts after 8 s


@pytest.mark.parametrize(
    ("text", "voice", "engine"),
    [
        ("Thank you for calling SunBright Solar, your call is important to us, please hold.", "en-us+f3", "espeak"),
        ("Please listen carefully as our menu options have recently changed.", "en-us+f3", "espeak"),
        (PROMPT, "en-us+m3", "espeak"),
        (PROMPT, "slt", "flite"),
        (PROMPT, "kal", "flite"),
    ],
)
def test_other_sentences_and_voices_are_rejected(
    template: PromptTemplate, work: Path, text: str, voice: str, engine: str
) -> None:
    other = (espeak if engine == "espeak" else flite)(text, voice, work / f"other-{voice}.wav")
    spec = CallSpec("other", TURNS, layout="mono", codec="pcm_mulaw", noise_dbfs=-45.0, ivr=other)
    (match,) = match_prompts_in_file(make_call(spec, work, seed=3).path, [template])
    assert not match.matched and match.score < MATCH_THRESHOLD - 0.1


def test_call_without_prompt_in_the_same_voice_is_rejected(template: PromptTemplate, work: Path) -> None:
    spec = CallSpec("no-prompt", TURNS * 3, codec="pcm_mulaw", agent_voice=Voice("espeak-ng", "en-us+f3"))
    (match,) = match_prompts_in_file(make_call(spec, work, seed=4).path, [template])
    assert not match.matched


def test_features_and_edge_cases() -> None:
    features = log_mel(np.zeros(8000))
    assert features.shape[1] == 1 + (8000 - 200) // 80
    with pytest.raises(ValueError, match="resample first"):
        log_mel(np.zeros(100), rate=16000)
    with pytest.raises(ValueError, match="'empty' holds no sound"):
        PromptTemplate.from_samples("empty", np.zeros(10))
    with pytest.raises(ValueError, match="shorter than one"):
        PromptTemplate.from_samples("click", np.full(10, 0.5))
    tone = np.sin(np.arange(16000) * 0.3)
    short = match_prompt(PromptTemplate.from_samples("tone", tone), np.zeros(800))
    assert not short.matched


def test_a_reference_too_short_to_tell_from_other_speech_is_refused(work: Path) -> None:
    """A fraction of a second of voice lines up with any speech (measured: 0.23 s of a notice scored over the
    threshold in 33 of 45 calls that never played it), and an IVR hit would make those calls ``given``."""
    samples, _ = read_audio(espeak(PROMPT, "en-us+f3", work / "whole.wav"), sample_rate=8000, mono=True)
    whole = samples[0]
    accepted = PromptTemplate.from_samples("whole", whole)
    assert accepted.voiced * HOP_S >= MIN_VOICED_S
    onset = int(np.flatnonzero(np.abs(whole) > 0.05)[0])
    with pytest.raises(ValueError, match=r"prompt 'cut' has 0\.[0-9]+ s of voice; .* at least 1\.0 s"):
        PromptTemplate.from_samples("cut", whole[onset : onset + 3000])


def test_a_silent_reference_file_is_refused(work: Path) -> None:
    silent = work / "silent.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(silent), "trim", "0", "2"], check=True)
    with pytest.raises(ValueError, match="'silent' holds no sound"):
        PromptTemplate.from_file(silent)
