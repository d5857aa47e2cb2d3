"""Speech in the pipeline and in ``callwarden analyze``, with the real offline model in the loop.

External audio (faster-whisper's own test files, ground truth in shared/external/README.md) pins the word error
rates of the issue; synthetic calls with exact turn times pin speaker attribution end to end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callwarden.analysis.wer import wer
from callwarden.config import Settings
from callwarden.domain.metadata import parse_metadata
from callwarden.services import calls as calls_service
from callwarden.services.ingest import ingest_file
from callwarden.services.pipeline import run_pending
from callwarden.services.runtime import Runtime
from callwarden.services.users import local_operator
from tests.audio_fixtures import shared_dir
from tests.integration.cli_helpers import run_cli
from tests.synth import TWO_PARTY_SALES, TWO_VOICE_ESPEAK, SynthCall, make_call, tools_missing

ADMIN = local_operator()
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
LEFT = "He began a confused complaint against the wizard, who had vanished behind the curtain on the left."
RIGHT = "The horizon seems extremely distant."
needs_tts = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")


def external(name: str) -> Path:
    path = shared_dir() / "external" / "audio" / name
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ is a sibling of the repository)")
    return path


def analyze(settings: Settings, path: Path, *args: str) -> dict[str, Any]:
    done = run_cli(settings, "analyze", str(path), *args, timeout=300)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def spoken_by(report: dict[str, Any], speaker: str) -> str:
    return " ".join(s["text"] for s in report["segments"] if s["speaker"] == speaker)


def truth_by(call: SynthCall, speaker: str) -> str:
    return " ".join(t.text for t in call.turns if t.speaker.value == speaker)


@pytest.fixture(scope="module")
def cli_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("analyze") / "unused-home")


def test_analyze_jfk_word_error_rate(cli_settings: Settings) -> None:
    report = analyze(cli_settings, external("jfk.flac"))
    assert report["duration_s"] == pytest.approx(11.0, abs=0.05)
    assert wer(JFK, " ".join(s["text"] for s in report["segments"])) <= 0.10
    assert not (cli_settings.home).exists(), "analyze stores nothing"


def test_analyze_stereo_channels_are_agent_left_and_prospect_right(cli_settings: Settings) -> None:
    report = analyze(cli_settings, external("stereo_diarization.wav"))
    assert report["channels"] == 2
    assert wer(LEFT, spoken_by(report, "agent")) <= 0.15
    assert wer(RIGHT, spoken_by(report, "prospect")) <= 0.15
    assert report["transcription"]["roles"] == "agent,prospect"
    assert report["metrics"]["speakers"]["agent"]["words"] >= 15


def test_agent_channel_from_metadata_swaps_roles(cli_settings: Settings, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"agent_channel": "right"}))
    report = analyze(cli_settings, external("stereo_diarization.wav"), "--meta", str(meta))
    assert wer(RIGHT, spoken_by(report, "agent")) <= 0.15
    assert wer(LEFT, spoken_by(report, "prospect")) <= 0.15


def test_analyze_refuses_bad_audio_with_a_clear_error(cli_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio" * 100)
    done = run_cli(cli_settings, "analyze", str(bad))
    assert done.returncode == 1 and "bad.wav" in done.stderr and "Traceback" not in done.stderr


@needs_tts
def test_mono_call_speakers_come_from_voice_separation_and_cues(cli_settings: Settings, tmp_path: Path) -> None:
    call = make_call(TWO_VOICE_ESPEAK.with_options(name="mono-e2e", layout="mono", codec="pcm_mulaw"), tmp_path, seed=3)
    report = analyze(cli_settings, call.path)
    assert report["transcription"]["layout"] == "mono"
    assert wer(truth_by(call, "agent"), spoken_by(report, "agent")) <= 0.5
    assert wer(truth_by(call, "prospect"), spoken_by(report, "prospect")) <= 0.6


@needs_tts
def test_pipeline_stores_an_encrypted_transcript_and_metrics(rt: Runtime, tmp_path: Path) -> None:
    call = make_call(TWO_PARTY_SALES.with_options(name="pipeline-e2e", codec="pcm_mulaw"), tmp_path, seed=1)
    meta = parse_metadata({"agent_id": "a-1", "to": "+14155552671"}, default_region="US")
    outcome = ingest_file(rt, ADMIN, call.path, meta)
    assert run_pending(rt, ADMIN) == len(rt.runner.stages)
    shown = calls_service.show_call(rt, ADMIN, outcome.call_id)
    assert shown["status"] == "done"
    report = shown["report"]
    agent_said, prospect_said = spoken_by(report, "agent"), spoken_by(report, "prospect")
    # tiny.en hears these 8 kHz TTS voices imperfectly; what is pinned is that each party's words land on it.
    assert wer(truth_by(call, "agent"), agent_said) < wer(truth_by(call, "prospect"), agent_said) - 0.3
    assert wer(truth_by(call, "prospect"), prospect_said) < wer(truth_by(call, "agent"), prospect_said) - 0.3
    assert wer(truth_by(call, "prospect"), prospect_said) <= 0.6
    assert report["metrics"]["talk_ratio"] == pytest.approx(0.7, abs=0.2)
    assert report["transcription"]["engine"] == "faster-whisper" and report["transcription"]["words"] > 30
    assert [s["stage"] for s in report["stages"]] == [s.name for s in rt.runner.stages]
    root = Path(rt.settings.resolved_blob_url.removeprefix("file://"))
    for path in root.rglob("*"):
        if path.is_file():
            assert b"SunBright" not in path.read_bytes() and b"Linda" not in path.read_bytes()


def test_dual_mono_detection() -> None:
    import numpy as np

    from callwarden.pipeline.transcription import is_dual_mono

    rng = np.random.default_rng(0)
    voice = rng.standard_normal(16000).astype(np.float32) * 0.1
    other = rng.standard_normal(16000).astype(np.float32) * 0.1
    assert is_dual_mono(voice, voice.copy())
    assert is_dual_mono(voice, voice + 0.03 * other)
    assert not is_dual_mono(voice, other + 0.1 * voice)
    assert not is_dual_mono(voice, other)
    assert not is_dual_mono(voice, np.zeros_like(voice))
    assert not is_dual_mono(np.zeros(10, np.float32), np.zeros(10, np.float32))
