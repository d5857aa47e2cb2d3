"""Synthesise the demo's sample calls into src/callwarden/samples/ (FLAC + a NAME.json sidecar each).

Real call recordings cannot ship with the project, so the demo gets short scripted telemarketing calls spoken
by espeak-ng and flite: agent on the LEFT channel, prospect on the RIGHT (the stereo layout dialers use, which
lets speaker assignment rely on channels), 8 kHz like a phone line, with telephone band-limiting and a little
line noise. Each call exercises one thing the consent and PII stages must get right; see the samples README.

Deterministic and idempotent: fixed noise seed, fixed gaps, no dither, so a rerun with the same tool versions
rewrites byte-identical files. Run: .venv/bin/python scripts/make_sample_calls.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 8000
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "callwarden" / "samples"
NOISE_DBFS = -84.0  # a faint line hiss: below speech by far, and cheap for FLAC to store
DISCLOSURE = "This call is recorded for quality and training."


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker: `engine` is espeak-ng (voice name + words per minute) or flite (voice name)."""

    engine: str
    name: str
    speed: int = 160


@dataclass(frozen=True)
class Call:
    """A scripted call: turns alternate between the agent ("A: ...") and the prospect ("P: ...")."""

    name: str
    agent: Voice
    prospect: Voice
    turns: tuple[str, ...]
    meta: dict[str, str]


MARK = Voice("espeak-ng", "en-us+m3", 175)
KAREN = Voice("espeak-ng", "en-us+f3", 170)


def _meta(number: int, agent_id: str, to: str, started_at: str, disposition: str) -> dict[str, str]:
    """Sidecar fields; the agents dial out of call centres in Texas (Mark, solar) and Florida (Karen, warranty)."""
    solar = agent_id == "mark.t"
    return {
        "call_id": f"demo-{number:04d}",
        "agent_id": agent_id,
        "campaign": "SOLAR24" if solar else "WARRANTY",
        "direction": "outbound",
        "from": "+15125550100" if solar else "+13055550100",
        "to": to,
        "started_at": started_at,
        "agent_region": "US-TX" if solar else "US-FL",
        "disposition": disposition,
        "lead_id": f"L-{100230 + number}",
    }


CALLS = (
    Call(
        "call-01-ca-disclosure-early",
        MARK,
        Voice("espeak-ng", "en-us+f2", 150),
        (
            f"A: Hi, this is Mark with SunBright Solar. {DISCLOSURE} Am I speaking with Linda?",
            "P: Yes, this is Linda.",
            "A: Great. Homeowners in your area can now get solar panels with no upfront cost. Do you own your home?",
            "P: We do. We have owned it for about ten years.",
            "A: Wonderful. You could save a third of your electric bill. Can I book a free assessment for Thursday?",
            "P: Thursday at three works for me.",
            "A: Perfect, you are booked for Thursday at three. Thank you Linda, have a great day.",
        ),
        _meta(1, "mark.t", "+14155550123", "2026-11-02T18:04:05Z", "APPT"),
    ),
    Call(
        "call-02-fl-disclosure-late",
        KAREN,
        Voice("flite", "awb"),
        (
            "A: Good morning, is this Robert?",
            "P: Speaking. Who is this?",
            "A: This is Karen from Shield Home Warranty. Your home warranty coverage may be expiring soon.",
            "P: How much does it cost?",
            f"A: Plans start at forty nine dollars a month. Oh, and before we go further: {DISCLOSURE}",
            "P: Okay. Send me the details by mail and I will think about it.",
            "A: Will do. Thanks for your time, Robert.",
        ),
        _meta(2, "karen.w", "+13055550147", "2026-11-02T15:04:05Z", "CALLBK"),
    ),
    Call(
        "call-03-ny-disclosure-missing",
        MARK,
        Voice("espeak-ng", "en-us+m1", 155),
        (
            "A: Hello, may I speak with David?",
            "P: This is David.",
            "A: David, this is Mark from SunBright Solar, calling about new state incentives for rooftop solar.",
            "P: I am renting, actually, so I do not think it applies.",
            "A: I understand. Does your landlord live nearby? We also work with property owners.",
            "P: No, and I am not really interested.",
            "A: No problem at all. I will take you off our list. Have a nice day.",
        ),
        _meta(3, "mark.t", "+12125550168", "2026-11-02T16:20:00Z", "NI"),
    ),
    Call(
        "call-04-tx-prospect-objects",
        KAREN,
        Voice("flite", "slt"),
        (
            f"A: Hi, this is Karen from Shield Home Warranty. {DISCLOSURE} Is this Maria?",
            "P: Yes. Please don't record this call.",
            "A: Understood. I can stop the recording, or we can end the call here. Which would you prefer?",
            "P: Just end the call, and please do not call me again.",
            "A: Of course. I will add your number to our do not call list. Goodbye, Maria.",
        ),
        _meta(4, "karen.w", "+15125550191", "2026-11-02T19:45:30Z", "DNC"),
    ),
    Call(
        "call-05-on-card-payment",
        MARK,
        Voice("flite", "kal16"),
        (
            f"A: Hello, this is Mark with SunBright Solar. {DISCLOSURE} Is this Arjun?",
            "P: Yes, hi Mark.",
            "A: To hold your installation date we take a refundable ninety nine dollar deposit. Can you pay by card?",
            "P: Sure. The card number is four two four two, four two four two, four two four two, four two four two.",
            "A: Thank you. And the expiry date?",
            "P: Twelve twenty eight. The security code is one two three.",
            "A: Thanks Arjun, the deposit is processed. You will get a confirmation email shortly.",
        ),
        _meta(5, "mark.t", "+14165550188", "2026-11-02T21:10:00Z", "SALE"),
    ),
)


def _run(*command: str) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def _speak(voice: Voice, words: str, peak_dbfs: int, work: Path) -> np.ndarray:
    """One utterance as float samples at 8 kHz, band-limited to a phone line's 300-3400 Hz."""
    raw, line = work / "raw.wav", work / "line.f32"
    if voice.engine == "flite":
        _run("flite", "-voice", voice.name, "-t", words, "-o", str(raw))
    else:
        _run("espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-w", str(raw), words)
    # -R: repeatable; -D: no dither; raw float output so quantisation happens once, in numpy, without noise.
    _run(
        "sox",
        "-R",
        "-D",
        str(raw),
        "-t",
        "f32",
        "-r",
        str(RATE),
        "-c",
        "1",
        str(line),
        "sinc",
        "300-3400",
        "gain",
        "-n",
        str(peak_dbfs),
    )
    return np.fromfile(line, dtype="<f4").astype(np.float64)


def _render(call: Call, work: Path, rng: np.random.Generator) -> np.ndarray:
    """Lay the turns out on a timeline, each on its speaker's channel, with natural pauses between them."""
    pieces: list[tuple[int, float, np.ndarray]] = []
    at = 0.6  # the prospect has just answered
    for turn in call.turns:
        speaker, words = turn.split(": ", 1)
        # The prospect's far end of the line comes in a little quieter than the agent's headset.
        voice, peak_dbfs = (call.agent, -10) if speaker == "A" else (call.prospect, -13)
        audio = _speak(voice, words, peak_dbfs, work)
        pieces.append((0 if speaker == "A" else 1, at, audio))
        at += audio.size / RATE + float(rng.uniform(0.3, 0.8))
    stereo = np.zeros((2, round((at + 0.4) * RATE)))
    for channel, start, audio in pieces:
        begin = round(start * RATE)
        stereo[channel, begin : begin + audio.size] += audio
    stereo += rng.standard_normal(stereo.shape) * 10 ** (NOISE_DBFS / 20)
    return np.clip(np.round(stereo * 32767), -32768, 32767).astype("<i2")


def _write_flac(samples: np.ndarray, target: Path, work: Path) -> None:
    wav = work / "call.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.T.tobytes())  # interleave: left (agent), right (prospect)
    _run("sox", "-R", "-D", str(wav), "-C", "8", str(target))


def main() -> int:
    missing = [tool for tool in ("espeak-ng", "flite", "sox") if shutil.which(tool) is None]
    if missing:
        print(f"missing tools: {', '.join(missing)} (apt-get install espeak-ng flite sox libsox-fmt-all)")
        return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        for number, call in enumerate(CALLS):
            samples = _render(call, work, np.random.default_rng(20261102 + number))
            _write_flac(samples, OUTPUT / f"{call.name}.flac", work)
            (OUTPUT / f"{call.name}.json").write_text(json.dumps(call.meta, indent=2) + "\n")
            print(f"{call.name}: {samples.shape[1] / RATE:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
