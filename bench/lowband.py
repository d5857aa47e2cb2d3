"""Low-band restoration benchmark: what putting back the 60-300 Hz band a phone line cuts does to tiny.en.

Each sentence is spoken by each voice (espeak-ng variants, flite, festival), band-limited to 300-3400 Hz at
8 kHz as a phone line carries it (``tests.synth.speak``), resampled to 16 kHz by the pipeline's decoder, and
transcribed twice by the pipeline's engine in the same run: as recorded (the baseline) and with
``speech.lowband.restore_low_band``. Word error rates overall and per voice, how many utterances each hearing
got right where the other did not, and what the restoration costs against the decoding it feeds.

Usage: ``python bench/lowband.py [--quick]``. One JSON object on stdout; progress on stderr.
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
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from tests.synth import Voice, speak

from callwarden.analysis.wer import wer
from callwarden.audio.decode import decode_channels
from callwarden.speech.engine import SAMPLE_RATE, AsrSettings, FasterWhisperEngine, describe_model
from callwarden.speech.lowband import restore_low_band

LINE_RATE = 8000
VOICES = [
    Voice("espeak-ng", "en-us+david"),
    Voice("espeak-ng", "en-gb-scotland+m4"),
    Voice("espeak-ng", "en-029+f5"),
    Voice("espeak-ng", "en-us+klatt3"),
    Voice("espeak-ng", "en-us-nyc+m2"),
    Voice("espeak-ng", "en-us+Annie"),
    Voice("flite", "kal16"),
    Voice("flite", "slt"),
    Voice("festival", "kal_diphone"),
    Voice("festival", "cmu_us_slt_arctic_hts"),
]
SENTENCES = [
    "Before we start, I need to tell you this call is being recorded for quality and training.",
    "Just so you know, everything we discuss today will be recorded for our files.",
    "Please be advised that our conversation is on tape.",
    "I do not want to be recorded, please turn that off.",
    "Hi, this is Maria from Sunrise Solar, do you have a minute to talk about your electric bill?",
    "Our company records calls like this one to make sure we get your order right.",
]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three voices, three sentences")
    args = parser.parse_args()
    voices, sentences = (VOICES[::3], SENTENCES[:3]) if args.quick else (VOICES, SENTENCES)
    engine = FasterWhisperEngine(AsrSettings())
    rows: list[dict[str, Any]] = []
    restore_s = decode_s = audio_s = 0.0
    for voice in voices:
        for sentence in sentences:
            recorded = to_engine_rate(speak(voice, sentence, 1.0, LINE_RATE))
            started = time.perf_counter()
            restored = restore_low_band(recorded, SAMPLE_RATE)
            restore_s += time.perf_counter() - started
            audio_s += recorded.size / SAMPLE_RATE
            row: dict[str, Any] = {"voice": voice.name}
            for name, audio in (("as_recorded", recorded), ("restored", restored)):
                started = time.perf_counter()
                row[name] = wer(sentence, engine.transcribe(audio).text)
                decode_s += time.perf_counter() - started
            rows.append(row)
            print(f"{voice.name}: {row['as_recorded']:.2f} -> {row['restored']:.2f}", file=sys.stderr)

    def mean(key: str, subset: list[dict[str, Any]]) -> float:
        return round(statistics.fmean(r[key] for r in subset), 3)

    result = {
        "utterances": len(rows),
        "asr_model": describe_model(engine.settings.model),
        "wer_as_recorded": mean("as_recorded", rows),
        "wer_restored": mean("restored", rows),
        "wer_ratio_restored_to_recorded": round(mean("restored", rows) / max(mean("as_recorded", rows), 1e-9), 3),
        "better_restored": sum(r["restored"] < r["as_recorded"] for r in rows),
        "better_as_recorded": sum(r["as_recorded"] < r["restored"] for r in rows),
        "per_voice": {
            v.name: {"as_recorded": mean("as_recorded", sub), "restored": mean("restored", sub)}
            for v in voices
            if (sub := [r for r in rows if r["voice"] == v.name])
        },
        "restore_seconds_per_audio_minute": round(restore_s / audio_s * 60, 4),
        "restore_cost_relative_to_decoding": round(restore_s / decode_s, 4),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
