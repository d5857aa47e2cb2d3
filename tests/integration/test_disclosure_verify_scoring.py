"""Forced scoring of candidate texts against real audio (speech.verify) with the bundled tiny.en model.

A synthetic 8 kHz clip whose disclosure free decoding garbles: made to read texts, the model must prefer the
true sentence to its own hypothesis and to a decoy, and on a decoy clip prefer the decoy to a disclosure.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from callwarden.audio.decode import decode_channels
from callwarden.domain.transcript import Speaker
from callwarden.speech.engine import SAMPLE_RATE, FasterWhisperEngine
from callwarden.speech.verify import clip_of
from tests.synth import CallSpec, Turn, make_call, tools_missing

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}"),
]
OPENER = "Hi, this is Dana with Bright Home."
DISCLOSURE = f"{OPENER} Just so you know, this call is being taped for quality control."
DECOY = f"{OPENER} Our records show you asked about solar panels last month."
RECORDED = f"{OPENER} Just so you know, this call is being recorded."


def _agent_clip(line: str, directory: Path, seed: int) -> tuple[np.ndarray, float, float, float]:
    spec = CallSpec(f"verify-{seed}", (Turn(Speaker.AGENT, line), Turn(Speaker.PROSPECT, "Okay, sure.")))
    call = make_call(spec, directory, seed=seed)
    agent = decode_channels(str(call.path), target_rate=SAMPLE_RATE).samples[0]
    turn = call.turns[0]
    clip, begin = clip_of(np.ascontiguousarray(agent, dtype=np.float32), turn.start_s, turn.end_s)
    return clip, begin, turn.start_s, turn.end_s


def test_true_disclosure_outscores_hypothesis_and_decoy(engine: FasterWhisperEngine, tmp_path: Path) -> None:
    clip, begin, start_s, end_s = _agent_clip(DISCLOSURE, tmp_path, seed=0)
    hypothesis = engine.transcribe(clip).text.strip()
    truth, free, decoy = engine.score_texts(clip, [DISCLOSURE, hypothesis, DECOY], offset_s=begin)
    assert truth.mean_logprob > free.mean_logprob, (hypothesis, truth.mean_logprob, free.mean_logprob)
    assert truth.mean_logprob > decoy.mean_logprob + 1.0, (truth.mean_logprob, decoy.mean_logprob)
    assert len(truth.token_logprobs) > len(DISCLOSURE.split()) // 2
    assert "".join(w.text for w in truth.words).strip() == DISCLOSURE  # punctuation comes as its own "word"
    assert all(begin <= w.start_s <= w.end_s <= end_s + 1.0 for w in truth.words)
    starts = [w.start_s for w in truth.words]
    assert starts == sorted(starts)
    assert abs(truth.words[0].start_s - start_s) <= 1.0


def test_decoy_clip_rejects_disclosure_texts(engine: FasterWhisperEngine, tmp_path: Path) -> None:
    clip, begin, _, _ = _agent_clip(DECOY, tmp_path, seed=1)
    decoy, disclosure, recorded = engine.score_texts(clip, [DECOY, DISCLOSURE, RECORDED], offset_s=begin)
    assert decoy.mean_logprob > disclosure.mean_logprob + 1.0
    assert decoy.mean_logprob > recorded.mean_logprob + 1.0


def test_scoring_refuses_what_it_cannot_score(engine: FasterWhisperEngine) -> None:
    assert engine.score_texts(np.zeros(SAMPLE_RATE, dtype=np.float32), []) == []
    with pytest.raises(ValueError, match="at most 30"):
        engine.score_texts(np.zeros(31 * SAMPLE_RATE, dtype=np.float32), ["hello"])
    with pytest.raises(ValueError, match="mono"):
        engine.score_texts(np.zeros((2, SAMPLE_RATE), dtype=np.float32), ["hello"])
    with pytest.raises(ValueError, match="ends before"):
        clip_of(np.zeros(SAMPLE_RATE, dtype=np.float32), 1.0, 0.5)
