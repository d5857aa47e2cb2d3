"""Audio leak rate after redaction on synthetic calls with spoken PII, ASR in the loop; prints JSON.

Each call is made by tests/synth (TTS voices on a phone line), transcribed with the default engine, searched for
PII, and its redacted audio rendered with the configured fill. Then every TRUE PII turn (known from the script,
not from the detector) is re-transcribed from the redacted audio: a leak is a turn where digits or number
words (or a spoken email) are still heard. Also reports how many of those turns got any redaction window (a
turn with none was missed by detection, which the self-check, listening only where it redacted, cannot hear
either), what ASR heard the prospect say in each call, and the fail-closed figure: the leak rate outside
redaction review (a call sent to review, for an unsure detector or prospect speech ASR did not transcribe, can
only be played by compliance).

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/redaction_audio.py [--fill silence|tone]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from tests.synth import CallSpec, Turn, Voice, make_call

from callwarden.analysis.pii import find_pii_in_segments
from callwarden.audio.decode import decode_channels
from callwarden.audio.redact import Fill, mute_windows
from callwarden.domain.transcript import Speaker
from callwarden.pipeline.pii_stage import untranscribed_reasons
from callwarden.pipeline.redact_stage import rendered
from callwarden.pipeline.redaction_check import audible_pii
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import SAMPLE_RATE, FasterWhisperEngine
from callwarden.speech.speakers import ChannelRoles

A, P = Speaker.AGENT, Speaker.PROSPECT
CALLS = [
    (
        "card+cvv",
        [
            Turn(A, "Can I take your card number for the deposit please?"),
            Turn(P, "Sure, it is four five three two, zero one five one, one two eight three, zero three six six."),
            Turn(A, "And the security code on the back?"),
            Turn(P, "Seven three nine."),
        ],
    ),
    (
        "card-digits-fast",
        [
            Turn(A, "What is the long number on the front of the card?"),
            Turn(P, "Five five five five four four four four three three three three two two two two.", speed=1.2),
            Turn(A, "Thanks. And the three digit code?"),
            Turn(P, "It's four oh two."),
        ],
    ),
    (
        "ssn",
        [
            Turn(A, "For verification, what is your social security number?"),
            Turn(P, "It's one two three, four five, six seven eight nine."),
            Turn(A, "Thank you, that is verified."),
        ],
    ),
    (
        "phone",
        [
            Turn(A, "What is the best phone number to reach you?"),
            Turn(P, "You can call me at five one two, five five five, zero one four seven."),
            Turn(A, "Great, we will call you tomorrow."),
        ],
    ),
    (
        "bank+routing",
        [
            Turn(A, "For the direct debit, what is your routing number?"),
            Turn(P, "The routing number is zero two one, zero zero zero, zero two one."),
            Turn(A, "And the account number?"),
            Turn(P, "Account number eight eight three, four four one, two nine zero seven."),
        ],
    ),
    (
        "dob",
        [
            Turn(A, "Can I confirm your date of birth please?"),
            Turn(P, "Yes, it's March fourteenth, nineteen eighty five."),
            Turn(A, "Thank you, that matches our records."),
        ],
    ),
    (
        "email-spelled",
        [
            Turn(A, "What email address should we send the quote to?"),
            Turn(P, "It's john dot smith at gmail dot com."),
            Turn(A, "Perfect, you will have it within the hour."),
        ],
    ),
]
SLT, F2 = Voice("flite", "slt"), Voice("espeak-ng", "en-us+f2")
PROSPECT_VOICES = (
    SLT,
    F2,
    SLT,
    F2,
    Voice("espeak-ng", "en-gb+m1"),
    Voice("flite", "rms"),
    Voice("espeak-ng", "en+f4", 0.9),
)
PII_MARKERS = (
    "four five three two",
    "Five five five five",
    "Seven three nine",
    "four oh two",
    "one two three",
    "five one two",
    "zero two one",
    "eight eight three",
    "nineteen eighty five",
    "gmail",
)


def measure_leaks(fill: Fill = Fill.SILENCE, pad_s: float = 0.25) -> dict[str, Any]:
    """The benchmark's figures (bench/redaction.py --with-audio reports them beside the text figures)."""
    engine = FasterWhisperEngine()
    roles = ChannelRoles.parse("agent,prospect")
    started = time.perf_counter()
    true_turns = leaks = detected = unflagged_leaks = 0
    per_call = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (name, turns) in enumerate(CALLS):
            spec = CallSpec(
                name=name,
                turns=(
                    Turn(A, "Hello, this is Sam from Sunrise Solar, this call is recorded."),
                    Turn(P, "Okay."),
                    *turns,
                ),
                prospect_voice=PROSPECT_VOICES[index % len(PROSPECT_VOICES)],
            )
            call = make_call(spec, Path(tmp), seed=index)
            result = transcribe_recording(call.path, engine, roles)
            found = find_pii_in_segments(result.segments)
            review = found.needs_review or bool(untranscribed_reasons(result.summary(), result.segments))
            windows = mute_windows(
                found.audio_spans, pad_s=pad_s, channels=result.channels, duration_s=result.duration_s
            )
            with open(call.path, "rb") as source:
                data = b"".join(rendered(source, windows, fill, "flac"))
            redacted = decode_channels(io.BytesIO(data), target_rate=SAMPLE_RATE).samples
            call_leaks = []
            for turn in call.turns:
                if turn.speaker is not P or not any(marker in turn.text for marker in PII_MARKERS):
                    continue
                true_turns += 1
                covered = any(
                    w.start_s < turn.end_s and w.end_s > turn.start_s and w.channel in (turn.channel, None)
                    for w in windows
                )
                detected += covered
                clip = redacted[turn.channel or 0][int(turn.start_s * SAMPLE_RATE) : int(turn.end_s * SAMPLE_RATE)]
                heard = engine.transcribe(np.ascontiguousarray(clip)).text
                leaked = bool(audible_pii(heard))
                leaks += leaked
                unflagged_leaks += leaked and not review
                call_leaks.append(
                    {"turn_s": [round(turn.start_s, 2), round(turn.end_s, 2)], "covered": covered, "leaked": leaked}
                )
            heard_p = " | ".join(seg.text for seg in result.segments if seg.speaker is P)
            per_call.append(
                {
                    "call": name,
                    "spans": len(found.spans),
                    "sent_to_review": review,
                    "prospect_asr": heard_p,
                    "turns": call_leaks,
                }
            )
    return {
        "benchmark": "redaction_audio",
        "fill": fill.value,
        "pad_s": pad_s,
        "model": engine.model,
        "calls": len(CALLS),
        "true_pii_turns": true_turns,
        "turns_with_a_redaction_window": detected,
        "audio_leak_rate": round(leaks / true_turns, 4) if true_turns else None,
        # the fail-closed figure: a leak in a call sent to review is only heard by compliance
        "leak_rate_outside_review": round(unflagged_leaks / true_turns, 4) if true_turns else None,
        "calls_sent_to_review": sum(call["sent_to_review"] for call in per_call),
        "per_call": per_call,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fill", choices=[f.value for f in Fill], default="silence")
    parser.add_argument("--pad", type=float, default=0.25)
    args = parser.parse_args()
    print(json.dumps(measure_leaks(Fill(args.fill), args.pad), indent=2))


if __name__ == "__main__":
    main()
