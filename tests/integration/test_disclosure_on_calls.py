"""Disclosure verdicts end to end: synthetic calls (tests/synth) through the real tiny.en engine, then detection.

Each call's script knows where its disclosure and objection are, so the verdict and its times are checked
against exact ground truth (within 2 s, the tolerance the issue sets).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from callwarden.analysis.disclosure import assess_disclosure
from callwarden.audio.prompt_match import PromptTemplate, match_prompts_in_file
from callwarden.domain.disclosure import DisclosureMethod, DisclosurePolicy, DisclosureStatus
from callwarden.domain.transcript import Speaker
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import FasterWhisperEngine
from callwarden.speech.speakers import ChannelRoles
from tests.synth import CallSpec, SynthCall, Turn, Voice, make_call, tools_missing

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}"),
]
A, P = Speaker.AGENT, Speaker.PROSPECT
PROMPT = "This call may be recorded or monitored for quality assurance and training purposes."

EARLY = CallSpec(
    "disclosure-early",
    (
        Turn(A, "Hi, this is Mark from SunBright Solar. Just so you know, this call is being recorded."),
        Turn(P, "Okay. What is this about?"),
        Turn(A, "Homeowners in your area can get solar panels with no upfront cost."),
        Turn(P, "Send me the details by mail please."),
    ),
    codec="pcm_mulaw",
    noise_dbfs=-50.0,
)
LATE = CallSpec(
    "disclosure-late",
    (
        Turn(A, "Good afternoon, my name is Karen and I am calling from Shield Home Warranty."),
        Turn(P, "Hi Karen. What can I do for you?"),
        Turn(A, "Our home warranty covers your heating, your plumbing and all of your kitchen appliances."),
        Turn(P, "How much does that cost every month?"),
        Turn(A, "It is thirty nine dollars a month, and the first month is completely free of charge."),
        Turn(P, "That sounds interesting, tell me more."),
        Turn(A, "Before we go on, I should mention that we record our calls for quality and training."),
        Turn(P, "Fine."),
    ),
    agent_voice=Voice("espeak-ng", "en-us+f3", 0.95),
    prospect_voice=Voice("flite", "awb"),
    gap_range_s=(0.6, 1.0),
)
MISSING = CallSpec(
    "disclosure-missing",
    (
        Turn(A, "Hello, this is Dave from Northwind Energy. Our records show you called us about your bill."),
        Turn(P, "Yes, I did. It was a record high last month."),
        Turn(A, "We can lower it with a free home energy assessment. Which day suits you?"),
        Turn(P, "Thursday works for me."),
    ),
    agent_voice=Voice("flite", "rms"),
    prospect_voice=Voice("espeak-ng", "en+f4"),
    layout="mono",
)
OBJECTION = CallSpec(
    "prospect-objects",
    (
        Turn(A, "Hi, this is Karen from Shield Home Warranty, and you are on a recorded line."),
        Turn(P, "Please don't record this call."),
        Turn(A, "I understand. I will make a note of that."),
    ),
    agent_voice=Voice("espeak-ng", "en-us+f3"),
    prospect_voice=Voice("flite", "slt"),
)
IVR = CallSpec(
    "ivr-prompt",
    (
        Turn(A, "Hi, this is Mark from SunBright Solar. Am I speaking with Linda?"),
        Turn(P, "Yes, this is Linda. Who is this again?"),
        Turn(A, "Homeowners in your area can get solar panels with no upfront cost."),
    ),
    codec="pcm_mulaw",
    noise_dbfs=-45.0,
    lead_in_s=1.5,
)


@pytest.fixture(scope="module")
def calls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("disclosure-calls")


def _turn_start(call: SynthCall, needle: str) -> float:
    return next(t.start_s for t in call.turns if needle in t.text)


def _assess(call: SynthCall, engine: FasterWhisperEngine, **kwargs: object):  # type: ignore[no-untyped-def]
    transcription = transcribe_recording(call.path, engine, ChannelRoles.vicidial())
    return assess_disclosure(transcription.segments, **kwargs)  # type: ignore[arg-type]


def test_early_disclosure_is_given(engine: FasterWhisperEngine, calls_dir: Path) -> None:
    call = make_call(EARLY, calls_dir, seed=11)
    result = _assess(call, engine)
    verdict = result.verdict
    assert verdict.status == DisclosureStatus.GIVEN, result.to_report()
    assert verdict.method == DisclosureMethod.VERBAL
    assert verdict.at_s is not None and abs(verdict.at_s - call.turns[0].start_s) <= 2.0 + 3.2  # second sentence
    assert result.objection is None


def test_late_disclosure_is_late(engine: FasterWhisperEngine, calls_dir: Path) -> None:
    call = make_call(LATE, calls_dir, seed=12)
    truth = _turn_start(call, "Before we go on")
    assert truth > 20.0, "the script must put the disclosure past the deadline"
    verdict = _assess(call, engine).verdict
    assert verdict.status == DisclosureStatus.LATE, verdict
    assert verdict.at_s == pytest.approx(truth, abs=2.0)
    assert verdict.deadline_s == 15.0


def test_decoys_leave_the_disclosure_missing(engine: FasterWhisperEngine, calls_dir: Path) -> None:
    call = make_call(MISSING, calls_dir, seed=13)
    result = _assess(call, engine)
    assert result.verdict.status == DisclosureStatus.MISSING, result.to_report()
    assert result.verdict.method is None and result.objection is None


def test_objection_wins(engine: FasterWhisperEngine, calls_dir: Path) -> None:
    call = make_call(OBJECTION, calls_dir, seed=14)
    result = _assess(call, engine)
    assert result.verdict.status == DisclosureStatus.OBJECTED, result.to_report()
    assert result.objection is not None
    assert result.objection.at_s == pytest.approx(_turn_start(call, "Please don't"), abs=2.0)
    assert result.verdict.at_s == pytest.approx(call.turns[0].start_s, abs=2.0 + 3.5)  # after the greeting


def test_ivr_prompt_found_acoustically(engine: FasterWhisperEngine, calls_dir: Path) -> None:
    reference = calls_dir / "prompt.wav"
    subprocess.run(["flite", "-voice", "kal", "-t", PROMPT, "-o", str(reference)], check=True)
    call = make_call(IVR.with_options(ivr=reference), calls_dir, seed=15)
    assert call.ivr_span is not None
    match = match_prompts_in_file(call.path, [PromptTemplate.from_file(reference)])[0]
    assert match.matched and match.at_s == pytest.approx(call.ivr_span[0], abs=0.1)
    result = _assess(call, engine, policy=DisclosurePolicy(), ivr_hits=[match.to_hit()])
    assert result.verdict.status == DisclosureStatus.GIVEN
    assert result.verdict.at_s == pytest.approx(call.ivr_span[0], abs=2.0)
    ivr_only = _assess(call, engine, policy=DisclosurePolicy(methods=frozenset({DisclosureMethod.IVR})))
    assert ivr_only.verdict.status == DisclosureStatus.MISSING  # without the acoustic hit, IVR-only finds nothing
