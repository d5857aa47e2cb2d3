"""Spoken card data in a synthetic stereo call, through the real tiny.en engine, then PII detection.

The prospect reads the card number, the expiry and the security code as words, each in its own turn after the
agent asks for it; every one of those turns must be covered by a PII span, and the redacted transcript around
them must hold no digits and no digit words, whatever ASR made of the speech.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from callwarden.analysis.pii import find_pii_in_segments
from callwarden.domain.transcript import Speaker
from callwarden.pipeline.transcription import transcribe_recording
from callwarden.speech.engine import FasterWhisperEngine
from callwarden.speech.speakers import ChannelRoles
from tests.synth import CallSpec, Turn, Voice, make_call, tools_missing

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(tools_missing()), reason=f"missing tools: {tools_missing()}"),
]
A, P = Speaker.AGENT, Speaker.PROSPECT
DIGITS = re.compile(
    r"\d|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b",
    re.IGNORECASE,
)
PII_TURNS = (
    "four five three two, oh one five one, one two eight three, oh three six six.",
    "oh five, twenty seven.",
    "seven three one.",
)
CARD_CALL = CallSpec(
    "pii-card-payment",
    (
        Turn(A, "Thank you for your order. Can I have the card number please?"),
        Turn(P, PII_TURNS[0]),
        Turn(A, "Thank you. And what is the expiration date?"),
        Turn(P, PII_TURNS[1]),
        Turn(A, "And the three digit security code on the back of the card?"),
        Turn(P, PII_TURNS[2]),
        Turn(A, "Perfect, your order is confirmed. Have a great day."),
        Turn(P, "Thank you very much, I will look out for the delivery next week."),
    ),
    gap_range_s=(0.5, 0.9),
)


def test_spoken_card_data_is_found_and_leaves_no_digits(engine: FasterWhisperEngine, tmp_path: Path) -> None:
    call = make_call(CARD_CALL, tmp_path, seed=21)
    transcription = transcribe_recording(call.path, engine, ChannelRoles.vicidial())
    result = find_pii_in_segments(transcription.segments)
    truths = [t for t in call.turns if t.text in PII_TURNS]
    assert len(truths) == len(PII_TURNS)
    for truth in truths:
        covering = [s for s in result.spans if s.start_s < truth.end_s + 0.5 and s.end_s > truth.start_s - 0.5]
        assert covering, f"no PII span covers {truth.text!r} ({truth.start_s:.1f}-{truth.end_s:.1f} s): {result.spans}"
        around = [
            s.text
            for s in result.segments
            if s.speaker is P and s.start_s < truth.end_s + 1.0 and s.end_s > truth.start_s - 1.0
        ]
        assert around, f"ASR heard nothing of {truth.text!r}"
        for text in around:
            assert not DIGITS.search(text), f"digits left in the redacted transcript: {text!r}"
        for seg in result.segments:
            for word in seg.words:
                if truth.start_s - 1.0 < word.start_s < truth.end_s + 1.0 and seg.speaker is P:
                    assert not DIGITS.search(word.text), f"digits left in a stored word: {word.text!r}"
    after = truths[-1].end_s + 1.0  # the prospect's closing words are no PII and stay readable
    closing = [w.text for s in result.segments if s.speaker is P for w in s.words if w.start_s > after]
    assert closing and not any(w.startswith("[") for w in closing), closing


INTRO = (Turn(A, "Hello, this is Sam from Sunrise Solar, this call is recorded."), Turn(P, "Okay."))
READ_OUT_CALLS = {  # tiny.en garbles these agent requests and writes the digits as comma lists (5, 5, 5, 4, ...)
    "card-digits-fast": (
        1,
        (
            Turn(A, "What is the long number on the front of the card?"),
            Turn(P, "Five five five five four four four four three three three three two two two two.", speed=1.2),
            Turn(A, "Thanks. And the three digit code?"),
            Turn(P, "It's four oh two."),
        ),
    ),
    "phone": (
        3,
        (
            Turn(A, "What is the best phone number to reach you?"),
            Turn(P, "You can call me at five one two, five five five, zero one four seven."),
            Turn(A, "Great, we will call you tomorrow."),
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(READ_OUT_CALLS))
def test_digits_read_out_after_garbled_requests_are_covered(
    name: str, engine: FasterWhisperEngine, tmp_path: Path
) -> None:
    seed, turns = READ_OUT_CALLS[name]
    spec = CallSpec(name, (*INTRO, *turns), prospect_voice=Voice("espeak-ng", "en-us+f2"))
    call = make_call(spec, tmp_path, seed=seed)
    result = find_pii_in_segments(
        transcribe_recording(call.path, engine, ChannelRoles.parse("agent,prospect")).segments
    )
    truths = [t for t in call.turns if t.speaker is P and t.text != "Okay."]
    for truth in truths:
        covering = [s for s in result.spans if s.start_s < truth.end_s and s.end_s > truth.start_s]
        assert covering, f"no PII span covers {truth.text!r}: {result.segments}"
    for seg in result.segments:
        if seg.speaker is P:
            assert not re.search(r"\d", seg.text), seg.text
