"""What counts as a leak when a redacted window is heard again: numbers where numbers were hidden, detector
hits anywhere, and not a number word ASR heard in the tone over a name."""

from __future__ import annotations

from callwarden.audio.redact import MuteWindow
from callwarden.domain.pii import PiiSource, PiiSpan, PiiType
from callwarden.domain.transcript import Speaker
from callwarden.pipeline.redaction_check import _hidden, audible_pii

NAME = frozenset({PiiType.PERSON})
CARD = frozenset({PiiType.CREDIT_CARD})


def test_numbers_heard_where_a_number_was_hidden_are_leaks() -> None:
    assert audible_pii("four two four two", CARD) == ["number_words"]
    assert audible_pii("it is 4 2", CARD) == ["digits"]
    assert "CREDIT_CARD" in audible_pii("4242 4242 4242 4242", None)
    assert audible_pii("oh okay", CARD) == [], "'oh' alone is an interjection"


def test_a_number_word_in_the_tone_over_a_name_is_no_leak_but_a_name_or_card_is() -> None:
    assert audible_pii("thanks for your time one", NAME) == []
    assert audible_pii("thanks for your time one", None) == ["number_words"], "unknown: everything counts"
    assert "CREDIT_CARD" in audible_pii("the card is 4242 4242 4242 4242", NAME)
    assert "PERSON" in audible_pii("my name is Robert Miller", NAME)


def _span(kind: PiiType, start: float, end: float, channel: int | None) -> PiiSpan:
    return PiiSpan(kind, Speaker.PROSPECT, start, end, 0.9, PiiSource.PATTERN, 0, channel)


def test_a_window_hid_the_spans_it_covers_on_its_channel() -> None:
    spans = [_span(PiiType.PERSON, 1.0, 1.5, 0), _span(PiiType.CVV, 1.2, 1.8, 1), _span(PiiType.US_SSN, 9.0, 10.0, 1)]
    assert _hidden(MuteWindow(0.75, 2.05, 1), spans) == frozenset({PiiType.CVV})
    assert _hidden(MuteWindow(0.75, 2.05, None), spans) == frozenset({PiiType.PERSON, PiiType.CVV})
    assert _hidden(MuteWindow(3.0, 4.0, 1), spans) == frozenset()
