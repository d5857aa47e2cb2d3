"""Line-hearings benchmark: what tiny.en hears of phone-line speech in each of the focused pass's hearings.

Each sentence is spoken by each of the consent benchmark's tuning voices (espeak-ng and flite), band-limited to
300-3400 Hz at 8 kHz as a phone line carries it (``tests.synth.speak``), with 0.15 s of line either side, on a
clean line and with white noise at -42 dBFS (the consent benchmark's u-law calls), resampled to 16 kHz by the
pipeline's decoder, and decoded after the disclosure prompt as the focused pass decodes an agent's utterance, in
the pass's four hearings of a line recording: as recorded, with the low band restored
(``speech.lowband.restore_low_band``), with the hiss turned down first (``speech.denoise.reduce_noise``), and with
the low band restored and the spectrum heard 15 % higher (``speech.warp``).

Word error rate per hearing and line, and of the best of the first two, three and all four hearings per utterance
(an upper bound of what joining them gives the consent decision: a disclosure heard in any hearing counts), how
many utterances each later hearing got right where every earlier one did not, and what treating the audio costs
against decoding it.

Usage: ``python bench/line_hearings.py [--quick]``. One JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from tests.synth import speak

from callwarden.analysis.wer import wer
from callwarden.audio.decode import decode_channels
from callwarden.speech.denoise import reduce_noise
from callwarden.speech.engine import SAMPLE_RATE, AsrSettings, FasterWhisperEngine, describe_model
from callwarden.speech.focus import (
    AS_RECORDED,
    DENOISED_FLAG,
    DISCLOSURE_PROMPT,
    LOW_BAND_FLAG,
    RAISED_FLAG,
    RAISED_WARP,
)
from callwarden.speech.lowband import restore_low_band
from consent import VOICES

LINE_RATE = 8000
LINES = {"clean": None, "noisy": -42.0}  # white noise RMS in dBFS
PAD_S = 0.15
SENTENCES = [
    "Before we start, I need to tell you this call is being recorded for quality and training.",
    "Just so you know, everything we discuss today will be recorded for our files.",
    "Please be advised that our conversation is on tape.",
    "I do not want to be recorded, please turn that off.",
    "Hi, this is Maria from Sunrise Solar, do you have a minute to talk about your electric bill?",
    "Our company records calls like this one to make sure we get your order right.",
]
HEARINGS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    AS_RECORDED: lambda audio: audio,
    LOW_BAND_FLAG: lambda audio: restore_low_band(audio, SAMPLE_RATE),
    DENOISED_FLAG: lambda audio: restore_low_band(reduce_noise(audio), SAMPLE_RATE),
    RAISED_FLAG: lambda audio: restore_low_band(audio, SAMPLE_RATE),
}
WARPS = {RAISED_FLAG: RAISED_WARP}  # hearings whose engine hears the spectrum higher


def to_engine_rate(line: np.ndarray) -> np.ndarray:
    """8 kHz line samples at 16 kHz as the pipeline decodes a recording: written as a 16-bit WAV, read back by
    ``decode_channels`` (PyAV's resampler)."""
    wav = io.BytesIO()
    with wave.open(wav, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(LINE_RATE)
        out.writeframes(np.clip(np.round(line * 32767), -32768, 32767).astype("<i2").tobytes())
    wav.seek(0)
    return decode_channels(wav, target_rate=SAMPLE_RATE).samples[0]


def on_line(speech: np.ndarray, noise_dbfs: float | None, seed: int) -> np.ndarray:
    pad = np.zeros(int(PAD_S * LINE_RATE))
    line = np.concatenate([pad, speech, pad])
    if noise_dbfs is not None:
        line = line + np.random.default_rng(seed).standard_normal(line.size) * 10 ** (noise_dbfs / 20)
    return to_engine_rate(line)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(values: list[float]) -> float:
        return round(statistics.fmean(values), 3)

    names = list(HEARINGS)
    return {
        "utterances": len(rows),
        "wer": {name: mean([r[name] for r in rows]) for name in names},
        "wer_best_of_first_two": mean([min(r[n] for n in names[:2]) for r in rows]),
        "wer_best_of_three": mean([min(r[n] for n in names[:3]) for r in rows]),
        "wer_best_of_four": mean([min(r[n] for n in names) for r in rows]),
        "better_than_every_earlier_hearing": {
            name: sum(r[name] < min(r[n] for n in names[:i]) for r in rows) for i, name in enumerate(names) if i
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three voices, three sentences")
    args = parser.parse_args()
    voices = list(VOICES.values())
    voices, sentences = (voices[::4], SENTENCES[:3]) if args.quick else (voices, SENTENCES)
    engine = FasterWhisperEngine(AsrSettings()).prompted(DISCLOSURE_PROMPT)
    engines = {name: engine.warped(WARPS[name]) if name in WARPS else engine for name in HEARINGS}
    rows: dict[str, list[dict[str, Any]]] = {line: [] for line in LINES}
    treat_s = decode_s = audio_s = 0.0
    for v, voice in enumerate(voices):
        for s, sentence in enumerate(sentences):
            speech = speak(voice, sentence, 1.0, LINE_RATE)
            for line, noise_dbfs in LINES.items():
                recorded = on_line(speech, noise_dbfs, seed=100 * v + s)
                audio_s += recorded.size / SAMPLE_RATE
                row: dict[str, Any] = {"voice": voice.name}
                for name, hear in HEARINGS.items():
                    started = time.perf_counter()
                    heard = hear(recorded)
                    treat_s += time.perf_counter() - started
                    started = time.perf_counter()
                    row[name] = wer(sentence, engines[name].transcribe(heard).text)
                    decode_s += time.perf_counter() - started
                rows[line].append(row)
                print(f"{voice.name} {line}: " + " ".join(f"{row[n]:.2f}" for n in HEARINGS), file=sys.stderr)
    result = {
        "asr_model": describe_model(engine.settings.model),
        "voices": [v.name for v in voices],
        "lines": {line: summary(line_rows) for line, line_rows in rows.items()},
        "treatment_seconds_per_audio_minute": round(treat_s / audio_s * 60, 4),
        "treatment_cost_relative_to_decoding": round(treat_s / decode_s, 4),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
