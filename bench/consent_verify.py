"""Acoustic verification of disclosures, measured: do forced-scoring scores separate real disclosures from decoys?

For each call of the consent benchmark (bench/consent.py, tuning and held-out parts), every agent (or unknown)
segment of the transcript that starts in the first 45 s gets candidate wordings (``analysis.disclosure_candidates``:
one or two words swapped for a recording word, kept when the swap makes the text detector find a disclosure),
and the model scores each candidate and the segment's own hypothesis against that segment's audio
(``speech.verify``). A segment's statistic is the best candidate's summed log-probability minus the hypothesis's
(the shared prefix cancels, so it compares the two readings of the changed words and what follows them).
A segment is a true disclosure when it overlaps the call's disclosure turn.

Printed per part: the statistic over true-disclosure and over other segments, and at several margins (accept
when statistic >= -margin) how many disclosure calls would gain a verified disclosure and how many decoy calls
(status missing) would get a false one; plus the seconds verification costs per call.

Usage: ``python bench/consent_verify.py [--part tuning|heldout|all] [--only a,b] [--top-k 6]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth import make_call

from callwarden.analysis.disclosure_candidates import candidates
from callwarden.analysis.disclosure_text import PhraseLibrary
from callwarden.audio.decode import decode_channels
from callwarden.domain.transcript import Speaker
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import SAMPLE_RATE, FasterWhisperEngine
from callwarden.speech.speakers import ChannelRoles
from callwarden.speech.verify import clip_of
from consent import cases, make_prompts, truth_of
from consent_heldout import held_out_cases

WINDOW_S = 45.0  # deadline (15 s) + 30 s
MARGINS = (0.0, 2.0, 5.0, 10.0)


def segment_stats(engine: FasterWhisperEngine, path: Path, top_k: int, library: PhraseLibrary) -> list[dict[str, Any]]:
    """Per agent-side segment in the window: its span, hypothesis, best candidate and the statistic."""
    transcription = transcribe_recording(path, engine, ChannelRoles.vicidial())
    audio = decode_channels(str(path), target_rate=SAMPLE_RATE).samples
    out = []
    for segment in transcription.segments:
        if segment.speaker == Speaker.PROSPECT or segment.start_s > WINDOW_S:
            continue
        found = candidates(segment.text, library, top_k=top_k)
        if not found:
            continue
        channel = segment.channel if transcription.layout == "stereo" and segment.channel is not None else 0
        clip, begin = clip_of(audio[channel], segment.start_s, segment.end_s)
        hypothesis, *scored = engine.score_texts(clip, [segment.text, *(c.text for c in found)], offset_s=begin)
        best = max(scored, key=lambda s: s.sum_logprob)
        out.append(
            {
                "start_s": segment.start_s,
                "end_s": segment.end_s,
                "statistic": round(best.sum_logprob - hypothesis.sum_logprob, 2),
                "hypothesis": segment.text,
                "candidate": best.text,
            }
        )
    return out


def summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    return {"n": len(values), "max": max(values), "median": round(statistics.median(values), 2), "min": min(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "tuning", "heldout"), default="tuning")
    parser.add_argument("--only", help="comma-separated call names")
    parser.add_argument("--top-k", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.gettempdir()) / "callwarden-bench-consent"
    prompts = make_prompts(work / "prompts")
    parts = {"tuning": cases(), "heldout": held_out_cases()}
    names = set(args.only.split(",")) if args.only else None
    engine, library = FasterWhisperEngine(), PhraseLibrary.shipped()
    result: dict[str, Any] = {"top_k": args.top_k, "window_s": WINDOW_S}
    for part, group in parts.items():
        if args.part not in ("all", part):
            continue
        calls: list[dict[str, Any]] = []
        for index, case in enumerate(group):
            if names is not None and case.spec.name not in names:
                continue
            spec = case.spec.with_options(ivr=prompts[case.prompt]) if case.prompt else case.spec
            call = make_call(spec, work / "calls", seed={"tuning": 1000, "heldout": 2000}[part] + index)
            truth = truth_of(case, call)
            turn = call.turns[case.disclosure_turn] if case.disclosure_turn is not None else None
            started = time.perf_counter()
            stats = segment_stats(engine, call.path, args.top_k, library)
            for item in stats:
                item["disclosure"] = turn is not None and item["start_s"] < turn.end_s and item["end_s"] > turn.start_s
            calls.append({"call": case.spec.name, "status": truth.status, "segments": stats, "seconds": 0.0})
            calls[-1]["seconds"] = round(time.perf_counter() - started, 2)
            print(f"{case.spec.name}: {len(stats)} segments scored", file=sys.stderr, flush=True)
        true = [s["statistic"] for c in calls for s in c["segments"] if s["disclosure"]]
        other = [s["statistic"] for c in calls for s in c["segments"] if not s["disclosure"]]
        by_margin = {}
        for margin in MARGINS:
            accepted = [c for c in calls if any(s["statistic"] >= -margin for s in c["segments"])]
            by_margin[str(margin)] = {
                "calls_with_true_verified": sum(
                    any(s["statistic"] >= -margin and s["disclosure"] for s in c["segments"]) for c in calls
                ),
                "decoy_calls_with_false_disclosure": sum(c["status"] == "missing" for c in accepted),
                "false_segments_accepted": sum(1 for v in other if v >= -margin),
            }
        result[part] = {
            "calls": len(calls),
            "true_disclosure_segments": summary(true),
            "other_segments": summary(other),
            "by_margin": by_margin,
            "seconds_per_call_incl_transcription": round(statistics.mean(c["seconds"] for c in calls), 2)
            if calls
            else None,
            "segments": [{**s, "call": c["call"]} for c in calls for s in c["segments"]],
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
