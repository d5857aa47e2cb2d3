"""The HELD-OUT part of the consent benchmark: voices and phrasings used nowhere else.

None of these voices (espeak-ng variants on other English dialects, flite's kal16) speaks in the tuning part
of bench/consent.py, in tests/ or in the focused pass's prompts, and no sentence here is in the phrase library
(``rules/disclosure_phrases.json``) or the tuning part. Nothing was tuned on these figures:
keep it that way (add a phrasing that fails here to the library and this part stops measuring anything).
"""

from __future__ import annotations

from typing import Any

from tests.synth import Voice

from callwarden.domain.transcript import Speaker
from consent import FILLER_A, FILLER_P, Case, spec_with, turns

A, P = Speaker.AGENT, Speaker.PROSPECT
HELD_OUT_VOICES = {
    "scot": Voice("espeak-ng", "en-gb-scotland+m4"),
    "carib": Voice("espeak-ng", "en-029+f5"),
    "rp": Voice("espeak-ng", "en-gb-x-rp+m7"),
    "lanc": Voice("espeak-ng", "en-gb-x-gbclan+f1"),
    "kal16": Voice("flite", "kal16"),
    # flite's awb_time, once here, is a limited-domain voice: it only says clock times, so every sentence came
    # out as a fraction of a second of noise and four calls measured nothing.
    "nyc": Voice("espeak-ng", "en-us-nyc+m2"),
}
U_LAW = {"codec": "pcm_mulaw", "noise_dbfs": -42.0}


def held_out_cases() -> list[Case]:
    """Given, late, missing (decoys) and objected calls in held-out voices and words."""
    out: list[Case] = []

    def call(name: str, lines: list[tuple[Speaker, str]], agent: str, prospect: str, **options: Any) -> Any:
        return spec_with(name, turns(*lines), HELD_OUT_VOICES[agent], HELD_OUT_VOICES[prospect], **options)

    def opening(disclosure: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Good morning, my name is Hannah and I am with Silverline Dental Plans."),
            (P, "Morning, who is this again?"),
            (A, disclosure + " " + FILLER_A[0]),
            (P, FILLER_P[1]),
            (A, FILLER_A[1]),
        ]

    given = [
        ("ho-given-before-we-start", "Before we start, I need to let you know this call is being recorded.", "scot"),
        ("ho-given-improve", "Our calls are recorded to help us improve our service.", "carib"),
        ("ho-given-taped", "This conversation is being taped for training.", "rp"),
        ("ho-given-required", "I am required to tell you that this line is monitored and recorded.", "kal16"),
        ("ho-given-compliance", "Please note that we record all conversations for compliance.", "nyc"),
    ]
    layouts = ["stereo", "mono", "stereo", "mono", "stereo"]
    for (name, line, agent), layout in zip(given, layouts, strict=True):
        prospect = "lanc" if agent != "lanc" else "rp"
        out.append(Case(call(name, opening(line), agent, prospect, layout=layout, **U_LAW), "CA", "given", 2))

    def late_script(line: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hello, this is Victor calling from Oakridge Pest Control."),
            (P, "Hi Victor, what can I do for you?"),
            (A, "We are offering a free inspection to homes in your neighbourhood this month."),
            (P, "What does the inspection cover?"),
            (A, "We check the attic, the basement and the outside walls for any signs of pests."),
            (P, "That sounds useful."),
            (A, line + " " + FILLER_A[2]),
            (P, "Okay."),
        ]

    out.append(
        Case(
            call("ho-late-forgot", late_script("Oh, I forgot to mention, this phone call is recorded."), "rp", "nyc"),
            "FL",
            "late",
            6,
        )
    )
    out.append(
        Case(
            call(
                "ho-late-everything",
                late_script("By the way, everything on this call is being recorded."),
                "kal16",
                "scot",
                layout="mono",
                **U_LAW,
            ),
            "NY",
            "late",
            6,
        )
    )
    decoys = [
        [
            (A, "Hi, this is Omar from Brightway Utilities."),
            (P, "Hello."),
            (A, "Your meter reading is recorded automatically every month, so no visit is needed."),
            (P, "Okay, and why are you calling?"),
            (A, "I checked your account records and your plan renews next month at a lower rate."),
            (P, "Send me the details by email."),
        ],
        [
            (A, "Good afternoon, Lisa here from Northgate Furniture."),
            (P, "Hi Lisa."),
            (A, "Last quarter we had record sales, and I want to pass the savings on to you."),
            (P, "What kind of savings?"),
            (A, "Thirty percent off every sofa, and our delivery team has a great track record."),
            (P, "I will think about it."),
        ],
    ]
    out.append(Case(call("ho-missing-meter", decoys[0], "carib", "kal16", **U_LAW), "WA", "missing"))
    out.append(Case(call("ho-missing-sales", decoys[1], "nyc", "carib", layout="mono", **U_LAW), "TX", "missing"))

    def objection_script(disclosure: str, objection: str) -> list[tuple[Speaker, str]]:
        return [
            (A, "Hi, this is Grace from Lakeside Credit."),
            (P, "Hello."),
            (A, disclosure + " I am calling about your card."),
            (P, objection),
            (A, "Understood. About your card, it renews in March."),
            (P, "Fine."),
        ]

    out.append(
        Case(
            call(
                "ho-objected-prefer",
                objection_script("Calls here are recorded.", "I would like you not to record this conversation."),
                "lanc",
                "rp",
                **U_LAW,
            ),
            "MD",
            "objected",
            2,
            3,
        )
    )
    out.append(
        Case(
            call(
                "ho-objected-no-agree",
                objection_script("This chat is recorded for training.", "No, I do not agree to any recording."),
                "scot",
                "nyc",
                layout="mono",
                **U_LAW,
            ),
            "IL",
            "objected",
            2,
            3,
        )
    )
    return out
