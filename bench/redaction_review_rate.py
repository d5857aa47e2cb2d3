"""The cost of failing closed: how many PII-free calls redaction sends to human review, and why; prints JSON.

The calls are the consent benchmark's synthetic set (bench/consent.py and its held-out part: sales openings,
disclosures, objections, no personal data read out). Each is transcribed with the default engine; a call goes to
review when the detector is unsure (a context window with nothing recognisable, a low-confidence span) or the
prospect's side holds speech ASR wrote nothing for (``speech.coverage``) or heard only on a second decoding, unsure
(``speech.gapfill``). bench/redaction_audio.py measures the other side: leaks on calls that do hold PII.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/redaction_review_rate.py
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from tests.synth import make_call

from callwarden.analysis.pii import find_pii_in_segments
from callwarden.pipeline.pii_stage import untranscribed_reasons
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import FasterWhisperEngine
from callwarden.speech.speakers import ChannelRoles
from consent import cases, make_prompts
from consent_heldout import held_out_cases

SEEDS = {"tuning": 1000, "heldout": 2000}  # the consent benchmark's seeds: the same calls


def main() -> None:
    engine = FasterWhisperEngine()
    work = Path(tempfile.gettempdir()) / "callwarden-bench-consent"
    prompts = make_prompts(work / "prompts")
    started = time.perf_counter()
    calls = by_detector = by_gaps = either = 0
    flagged = []
    for part, group in (("tuning", cases()), ("heldout", held_out_cases())):
        for index, case in enumerate(group):
            spec = case.spec.with_options(ivr=prompts[case.prompt]) if case.prompt is not None else case.spec
            call = make_call(spec, work / "calls", seed=SEEDS[part] + index)
            swapped = spec.layout == "stereo" and spec.swap_channels
            roles = ChannelRoles.parse("prospect,agent" if swapped else "agent,prospect")
            result = transcribe_recording(call.path, engine, roles)
            found = find_pii_in_segments(result.segments)
            gaps = untranscribed_reasons(result.summary(), result.segments)
            calls += 1
            by_detector += found.needs_review
            by_gaps += bool(gaps)
            if found.needs_review or gaps:
                either += 1
                flagged.append({"call": spec.name, "reasons": [*found.review_reasons, *gaps]})
    print(
        json.dumps(
            {
                "benchmark": "redaction_review_rate",
                "model": engine.model,
                "pii_free_calls": calls,
                "sent_to_review": either,
                "review_rate": round(either / calls, 4) if calls else None,
                "by_detector": by_detector,
                "by_untranscribed_speech": by_gaps,
                "flagged": flagged,
                "seconds": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
