"""Forced scoring of candidate texts against a clip of audio: how likely the ASR model finds each text, token by
token, when it is made to read that text (teacher forcing) instead of searching for its own.

Beam search with a small model loses words that the model itself, asked directly, prefers: on an 8 kHz TTS voice
tiny.en decodes "this call is being taped for quality control" as "mulling being paid for quality control", yet
scores the true sentence far above its own hypothesis, and a decoy sentence ("our records show ...") far below
(bench/consent.py). Scoring a few candidate wordings of a segment therefore verifies, acoustically, whether a
disclosure or an objection was said. Which texts to try is the analysis layer's business
(``analysis.disclosure_candidates``); this module only measures them, with CTranslate2's Whisper ``align`` (the
call faster-whisper's word timestamps use), which also maps each token to a 20 ms audio frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

_SAMPLE_RATE = 16000
_MAX_CLIP_S = 30.0  # one Whisper window
_PROB_FLOOR = 1e-9  # a token the model gives (almost) no chance still has a finite log-probability


@dataclass(frozen=True)
class WordTime:
    """One word of a scored text with where the alignment puts it (seconds on the caller's clock)."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class TextScore:
    """How well one text fits the audio: per-token log-probabilities under teacher forcing, and its word times."""

    text: str
    token_logprobs: tuple[float, ...]
    words: tuple[WordTime, ...]

    @property
    def mean_logprob(self) -> float:
        """Mean log-probability per token: comparable between texts of different lengths."""
        return float(np.mean(self.token_logprobs)) if self.token_logprobs else float("-inf")

    @property
    def sum_logprob(self) -> float:
        return float(np.sum(self.token_logprobs)) if self.token_logprobs else float("-inf")


def clip_of(audio: npt.NDArray[np.float32], start_s: float, end_s: float, pad_s: float = 0.3) -> tuple[Any, float]:
    """The samples from `start_s` - `pad_s` to `end_s` + `pad_s` (at most one Whisper window) and where they start."""
    if end_s < start_s:
        raise ValueError(f"clip ends before it starts: {start_s} .. {end_s}")
    begin = max(0.0, start_s - pad_s)
    end = min(end_s + pad_s, begin + _MAX_CLIP_S)
    clip = audio[int(begin * _SAMPLE_RATE) : int(end * _SAMPLE_RATE)]
    return np.ascontiguousarray(clip, dtype=np.float32), begin


def whisper_text_scores(
    whisper: Any, audio: npt.NDArray[np.float32], texts: Sequence[str], *, offset_s: float = 0.0
) -> list[TextScore]:
    """Score `texts` against 16 kHz mono `audio` (at most 30 s) with a loaded faster-whisper ``WhisperModel``.

    The clip is encoded once; each text is then forced through the decoder after the model's start sequence.
    Word times come from the alignment the same way faster-whisper derives them, plus `offset_s`.
    """
    if audio.ndim != 1:
        raise ValueError(f"expected mono audio (one dimension), got shape {audio.shape}")
    if audio.size > _MAX_CLIP_S * _SAMPLE_RATE:
        raise ValueError(f"a scored clip is at most {_MAX_CLIP_S:g} s, got {audio.size / _SAMPLE_RATE:.1f} s")
    if not texts:
        return []
    from faster_whisper.tokenizer import Tokenizer

    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language="en")
    features = whisper.feature_extractor(np.ascontiguousarray(audio, dtype=np.float32))
    frames = min(int(features.shape[-1]), 3000)
    padded = np.zeros((features.shape[0], 3000), dtype=features.dtype)
    padded[:, :frames] = features[:, :frames]
    encoded = whisper.encode(padded)
    scores: list[TextScore] = []
    for text in texts:
        tokens = tokenizer.encode(" " + text.strip())
        if not tokens:
            scores.append(TextScore(text, (), ()))
            continue
        result = whisper.model.align(encoded, tokenizer.sot_sequence, [tokens], max(frames, 1))[0]
        logprobs = tuple(float(np.log(max(float(p), _PROB_FLOOR))) for p in result.text_token_probs)
        words = _word_times(tokenizer, tokens, result.alignments, whisper.tokens_per_second, offset_s)
        scores.append(TextScore(text, logprobs, words))
    return scores


def _word_times(
    tokenizer: Any, tokens: list[int], alignments: Sequence[tuple[int, int]], per_second: float, offset_s: float
) -> tuple[WordTime, ...]:
    """Word start/end times from the token-to-frame alignment (as ``WhisperModel.find_alignment`` does)."""
    words, word_tokens = tokenizer.split_to_word_tokens([*tokens, tokenizer.eot])
    if len(word_tokens) <= 1 or not alignments:
        return ()
    text_indices = np.array([pair[0] for pair in alignments])
    time_indices = np.array([pair[1] for pair in alignments])
    boundaries = np.pad(np.cumsum([len(t) for t in word_tokens[:-1]]), (1, 0))
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    jump_times = time_indices[jumps] / per_second
    out: list[WordTime] = []
    for word, start, end in zip(words[:-1], boundaries[:-1], boundaries[1:], strict=False):
        if end >= len(jump_times):
            break
        out.append(
            WordTime(word, round(float(jump_times[start]) + offset_s, 2), round(float(jump_times[end]) + offset_s, 2))
        )
    return tuple(out)
