"""Speech benchmark: what our speech stage costs against bare faster-whisper, how well it hears, and what
batching does.

"Ours" is the whole stage as the pipeline runs it: decode and validate with PyAV, resample to 16 kHz float32,
split or mix the channels, transcribe with `FasterWhisperEngine` (its decoding options and guards). "Bare" is
faster-whisper as its README shows it, `WhisperModel(path).transcribe(file, word_timestamps=True)` consumed
to the end (for a split stereo call: `decode_audio(file, split_stereo=True)` and one call per channel).
"Bare, same options" passes our engine's decoding options to bare faster-whisper, so the difference to it is
the wrapper alone (our decode, guards, conversions). All runs share one loaded model, in one process, after a
warm-up; each timing is the median of `--reps` runs, interleaved with the other paths' runs so that load from
elsewhere on the machine falls on all of them alike.

Inputs: the two external files (ground truth in shared/external/README.md), and a synthetic 8 kHz stereo call
of about a minute (two espeak-ng voices, one per channel, resampled with sox, line noise added), made in a
temporary directory. Failure modes are measured once each on an 8 kHz synthetic spoken card number (the case
where tiny.en loops) and on five seconds of line noise. ``gap_filling`` is what the pipeline's second decoding of
dropped speech (``speech.gapfill``) adds to the first pass on the external files and the synthetic call.

Usage: ``python bench/asr.py [--reps N] [--quick]``. One JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json

import numpy as np
from faster_whisper import WhisperModel, decode_audio

from callwarden.analysis.wer import normalise, wer
from callwarden.audio.decode import decode_channels, mix_to_mono
from callwarden.speech.activity import frame_energy
from callwarden.speech.engine import AsrResult, AsrSettings, FasterWhisperEngine
from callwarden.speech.gapfill import fill_gaps

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "external" / "audio"
TARGET_OVERHEAD = 1.10
BATCH_SIZES = (0, 4, 8)
CARD = "my card number is four one one one one one one one one one one one one one one one"
AGENT_VOICE, PROSPECT_VOICE = "en-us", "en-us+f3"
DIALOGUE = [
    ("agent", "Hello, this is Sam calling from Bright Energy. This call is recorded for quality and training."),
    ("prospect", "Yes, this is Jordan speaking. What is this about?"),
    ("agent", "We are offering a fixed rate plan that could lower your monthly electricity bill."),
    ("prospect", "I already have a contract with my current supplier until next spring."),
    ("agent", "I understand. We can schedule the switch for the end of your contract, so there is no fee."),
    ("prospect", "How much would I pay each month for a small apartment?"),
    ("agent", "Most customers with a small apartment pay less than they pay today on this plan."),
    ("prospect", "That sounds reasonable. Can you send me the details by email?"),
    ("agent", "Of course. I will send the offer today, and you can call us back whenever you are ready."),
    ("prospect", "Thank you, goodbye."),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def max_repeat(texts: list[str]) -> int:
    """The longest run of one word said again and again, as the guard counts it."""
    best = run = 0
    previous = None
    for text in texts:
        key = " ".join(normalise(text)) or text.strip()
        run = run + 1 if key == previous else 1
        previous, best = key, max(best, run)
    return best


def raw_words(text: str) -> list[str]:
    """Words of a bare transcript, with in-word loops ("1-1-1-…") counted unit by unit as the guard sees them."""
    return [unit for word in text.split() for unit in word.replace("—", "-").split("-") if unit]


# --- the two paths ----------------------------------------------------------------------------------------------


def bare_texts(model: WhisperModel, path: Path, split: bool, **options: Any) -> list[str]:
    """Bare faster-whisper: one text per channel transcribed (one for the file when not split)."""
    sources: list[Any] = list(decode_audio(str(path), split_stereo=True)) if split else [str(path)]
    texts = []
    for source in sources:
        segments, _ = model.transcribe(source, word_timestamps=True, **options)
        texts.append("".join(segment.text for segment in segments).strip())
    return texts


def our_results(engine: FasterWhisperEngine, path: Path, split: bool) -> list[AsrResult]:
    """Our speech stage: decode, resample, split or mix, transcribe, guard."""
    decoded = decode_channels(path)
    channels = decoded.channels if split else (mix_to_mono(decoded),)
    return [engine.transcribe(channel) for channel in channels]


def same_options(engine: FasterWhisperEngine, duration_s: float) -> dict[str, Any]:
    options = engine.decode_options(duration_s)
    options["hallucination_silence_threshold"] = engine.settings.hallucination_silence_threshold
    options.pop("word_timestamps")
    return options


def wer_of(references: list[str], texts: list[str]) -> list[float]:
    return [round(wer(ref, text), 4) for ref, text in zip(references, texts, strict=True)]


def measure_input(
    name: str, path: Path, references: list[str], split: bool, model: WhisperModel, reps: int
) -> dict[str, Any]:
    """Every path on one input, interleaved rep by rep so that load from elsewhere falls on all of them alike."""
    audio_s = decode_channels(path).duration_s
    engines = {size: FasterWhisperEngine(replace(AsrSettings(), batch_size=size)) for size in BATCH_SIZES}
    for engine in engines.values():
        engine._whisper = model  # one loaded model for every path
    options = same_options(engines[0], audio_s)
    paths: dict[str, Callable[[], Any]] = {
        "ours": lambda: our_results(engines[0], path, split),
        "bare": lambda: bare_texts(model, path, split),
        "bare_same_options": lambda: bare_texts(model, path, split, **options),
    }
    for size in BATCH_SIZES[1:]:
        paths[f"batch_{size}"] = lambda engine=engines[size]: our_results(engine, path, split)
    times: dict[str, list[float]] = {key: [] for key in paths}
    last: dict[str, Any] = {}
    for rep in range(reps):
        log(f"{name}: repetition {rep + 1} of {reps}")
        for key, run in paths.items():
            started = time.perf_counter()
            last[key] = run()
            times[key].append(time.perf_counter() - started)
    median = {key: statistics.median(values) for key, values in times.items()}

    def texts(key: str) -> list[str]:
        return [r.text for r in last[key]] if key == "ours" or key.startswith("batch_") else list(last[key])

    def figures_of(key: str) -> dict[str, Any]:
        return {
            "median_s": round(median[key], 3),
            "rtf": round(median[key] / audio_s, 4),
            "wer": wer_of(references, texts(key)) if references else None,
        }

    ours: list[AsrResult] = last["ours"]
    batches = {"0": figures_of("ours")}
    for size in BATCH_SIZES[1:]:
        batches[str(size)] = {
            **figures_of(f"batch_{size}"),
            "speedup_vs_sequential": round(median["ours"] / median[f"batch_{size}"], 3),
        }
    return {
        "file": path.name,
        "audio_s": round(audio_s, 3),
        "split_channels": split,
        "channels_transcribed": len(ours),
        "ours": {
            **figures_of("ours"),
            "guards": [r.stats.guards.to_dict() for r in ours],
            "fallback_segments": sum(r.stats.fallback_segments for r in ours),
            "speech_s_after_vad": round(sum(r.stats.speech_s for r in ours), 3),
        },
        "bare": figures_of("bare"),
        "bare_same_options": figures_of("bare_same_options"),
        "overhead_ratio": round(median["ours"] / median["bare"], 4),
        "overhead_ratio_same_options": round(median["ours"] / median["bare_same_options"], 4),
        "batch_size": batches,
        "text": texts("ours"),
    }


# --- synthetic audio --------------------------------------------------------------------------------------------


def speak(text: str, voice: str, target: Path, speed: int = 140) -> np.ndarray:
    """espeak-ng at its own rate, then sox to 8 kHz 16-bit mono; returns int16 samples."""
    raw = target.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "8000", "-b", "16", "-c", "1", str(target)], check=True)
    with wave.open(str(target), "rb") as f:
        return np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")


def write_stereo(path: Path, left: np.ndarray, right: np.ndarray, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.stack([left, right], axis=1).astype("<i2").tobytes())


def synthetic_call(directory: Path) -> tuple[Path, list[str]]:
    """Agent on the left, prospect on the right, turns apart by 0.7 s, -60 dBFS line noise on both."""
    gap = np.zeros(int(0.7 * 8000), dtype=np.int16)
    left: list[np.ndarray] = [gap]
    right: list[np.ndarray] = [gap]
    for i, (role, text) in enumerate(DIALOGUE):
        voice = AGENT_VOICE if role == "agent" else PROSPECT_VOICE
        said = speak(text, voice, directory / f"turn-{i}.wav")
        silent = np.zeros_like(said)
        left += [said if role == "agent" else silent, gap]
        right += [said if role == "prospect" else silent, gap]
    noise = np.random.default_rng(0).standard_normal((2, sum(part.size for part in left))) * 32767 * 10 ** (-60 / 20)
    channels = [np.clip(np.concatenate(side) + n, -32768, 32767) for side, n in zip((left, right), noise, strict=True)]
    path = directory / "synthetic-call.wav"
    write_stereo(path, channels[0], channels[1])
    references = [" ".join(t for r, t in DIALOGUE if r == role) for role in ("agent", "prospect")]
    return path, references


def gap_fill_cost(engine: FasterWhisperEngine, paths: list[Path]) -> dict[str, Any]:
    """What the pipeline's second decoding of dropped speech (``speech.gapfill``) adds to the first pass, per
    channel of each file, as the transcription stage runs it."""
    first_s = refill_s = 0.0
    refilled = 0
    for path in paths:
        audio = decode_channels(path, target_rate=16000)
        energy = frame_energy(audio.samples, 16000)
        for row in range(audio.channel_count):
            samples = np.ascontiguousarray(audio.samples[row])
            started = time.perf_counter()
            result = engine.transcribe(samples)
            first_s += time.perf_counter() - started
            started = time.perf_counter()
            refilled += len(fill_gaps(engine, samples, result, energy, row, row)[1])
            refill_s += time.perf_counter() - started
    return {
        "files": [path.name for path in paths],
        "first_pass_s": round(first_s, 3),
        "refill_s": round(refill_s, 3),
        "refill_ratio": round(refill_s / first_s, 4) if first_s else None,
        "stretches_refilled": refilled,
    }


def failure_modes(model: WhisperModel, directory: Path) -> dict[str, Any]:
    """One run each: the spoken card number (loops) and line noise (hallucination), bare against ours."""
    card = directory / "card.wav"
    samples = speak(CARD, "en-us", card, speed=95)
    engine = FasterWhisperEngine()
    engine._whisper = model
    log("failure modes: card number, bare")
    started = time.perf_counter()
    (bare_text,) = bare_texts(model, card, split=False)
    bare_s = time.perf_counter() - started
    log("failure modes: card number, ours")
    started = time.perf_counter()
    (ours,) = our_results(engine, card, split=False)
    ours_s = time.perf_counter() - started
    audio_s = samples.size / 8000
    noise_path = directory / "noise.wav"
    noise = np.random.default_rng(1).standard_normal(5 * 8000) * 32767 * 10 ** (-60 / 20)
    write_stereo(noise_path, noise, noise)
    results: dict[str, Any] = {}
    for vad in (True, False):
        quiet = FasterWhisperEngine(replace(AsrSettings(), vad_filter=vad))
        quiet._whisper = model
        (result,) = our_results(quiet, noise_path, split=False)
        results[f"ours_vad_{str(vad).lower()}"] = {"words": len(result.words), "guards": result.stats.guards.to_dict()}
    (noise_bare,) = bare_texts(model, noise_path, split=False)
    results["bare_words"] = len(noise_bare.split())
    return {
        "card_number_8k": {
            "audio_s": round(audio_s, 3),
            "bare": {
                "s": round(bare_s, 3),
                "rtf": round(bare_s / audio_s, 3),
                "max_repeat": max_repeat(raw_words(bare_text)),
                "text": bare_text[:300],
            },
            "ours": {
                "s": round(ours_s, 3),
                "rtf": round(ours_s / audio_s, 3),
                "max_repeat": max_repeat([w.text for w in ours.words]),
                "text": ours.text[:300],
                "fallback_segments": ours.stats.fallback_segments,
                "guards": ours.stats.guards.to_dict(),
                "flags": list(ours.flags),
            },
        },
        "line_noise_5s": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="external files only, one repetition")
    args = parser.parse_args()
    reps = 1 if args.quick else args.reps
    for tool in ("espeak-ng", "sox"):
        if not args.quick and shutil.which(tool) is None:
            sys.exit(f"{tool} is needed for the synthetic inputs (or use --quick)")
    if not (SHARED / "jfk.flac").is_file():
        sys.exit(f"the external audio is not at {SHARED}")
    settings = AsrSettings()
    started = time.perf_counter()
    model = WhisperModel(settings.model, device=settings.device, compute_type=settings.compute_type)
    load_s = time.perf_counter() - started
    engine = FasterWhisperEngine(settings)
    engine._whisper = model
    log("warm-up")
    our_results(engine, SHARED / "stereo_diarization.wav", split=True)
    bare_texts(model, SHARED / "stereo_diarization.wav", split=False)
    jfk_ref = (
        "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
    )
    left_ref = "He began a confused complaint against the wizard, who had vanished behind the curtain on the left."
    right_ref = "The horizon seems extremely distant."
    inputs: dict[str, Any] = {
        "jfk": measure_input("jfk", SHARED / "jfk.flac", [jfk_ref], False, model, reps),
        "stereo_diarization_split": measure_input(
            "stereo split", SHARED / "stereo_diarization.wav", [left_ref, right_ref], True, model, reps
        ),
        "stereo_diarization_mixed": measure_input(
            "stereo mixed", SHARED / "stereo_diarization.wav", [], False, model, reps
        ),
    }
    failures: dict[str, Any] = {}
    gap_filling: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="callwarden-bench-asr-") as tmp:
        if not args.quick:
            log("synthetic call")
            call, references = synthetic_call(Path(tmp))
            inputs["synthetic_call_split"] = measure_input("synthetic call", call, references, True, model, reps)
            failures = failure_modes(model, Path(tmp))
            gap_filling = gap_fill_cost(engine, [SHARED / "stereo_diarization.wav", SHARED / "jfk.flac", call])
    # The whole speech stage as the pipeline runs it: every input once, as it would be transcribed.
    counted = [v for k, v in inputs.items() if k != "stereo_diarization_mixed"]
    audio = sum(v["audio_s"] for v in counted)
    ours = sum(v["ours"]["median_s"] for v in counted)
    bare = sum(v["bare"]["median_s"] for v in counted)
    same = sum(v["bare_same_options"]["median_s"] for v in counted)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "engine": {"name": engine.name, "model": engine.model, "version": engine.version},
        "decode_options": engine.decode_options(30.0),
        "reps": reps,
        "model_load_s": round(load_s, 3),
        "speech_stage": {
            "audio_s": round(audio, 3),
            "ours_s": round(ours, 3),
            "rtf": round(ours / audio, 4),
            "bare_s": round(bare, 3),
            "bare_rtf": round(bare / audio, 4),
            "overhead_ratio": round(ours / bare, 4),
            "bare_same_options_s": round(same, 3),
            "overhead_ratio_same_options": round(ours / same, 4),
            "target_overhead_ratio": TARGET_OVERHEAD,
            "met": ours / bare <= TARGET_OVERHEAD and ours / same <= TARGET_OVERHEAD,
        },
        "inputs": inputs,
        "failure_modes": failures,
        "gap_filling": gap_filling,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
