"""PII in call transcripts: context windows opened by the agent, closed by a real turn, words and times redacted."""

from __future__ import annotations

import re

import pytest

from callwarden.analysis.pii import PiiSettings, find_pii_in_segments
from callwarden.domain.pii import PiiSource, PiiType
from callwarden.domain.transcript import Segment, Speaker, Word

A, P, U = Speaker.AGENT, Speaker.PROSPECT, Speaker.UNKNOWN
DIGITS = re.compile(r"\d|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)


def seg(speaker: Speaker, start: float, end: float, text: str, *, words: bool = True) -> Segment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    timed = tuple(Word(w, start + i * step, start + (i + 1) * step, 0.9) for i, w in enumerate(tokens))
    return Segment(speaker, start, end, text, timed if words else (), channel=0 if speaker is A else 1)


def test_card_answer_is_redacted_in_text_and_words_with_word_times() -> None:
    result = find_pii_in_segments(
        [
            seg(A, 0.0, 3.0, "Can I have the card number please?"),
            seg(P, 3.5, 8.5, "sure it is four five three two oh one five one one two eight three oh three six six"),
        ]
    )
    answer = result.segments[1]
    assert answer.text == "sure it is [CREDIT_CARD]"
    assert [w.text for w in answer.words] == ["sure", "it", "is", "[CREDIT_CARD]"]
    [span] = result.spans
    assert span.type is PiiType.CREDIT_CARD and span.speaker is P and span.channel == 1
    assert span.start_s == pytest.approx(answer.words[3].start_s) and span.end_s == pytest.approx(8.5)
    assert result.report()[0]["type"] == "CREDIT_CARD"
    assert not result.needs_review


def test_a_backchannel_does_not_close_the_window_but_the_next_real_turn_does() -> None:
    result = find_pii_in_segments(
        [
            seg(A, 0.0, 2.5, "What's your social security number?"),
            seg(P, 3.0, 5.0, "it's four six oh"),
            seg(A, 5.1, 5.5, "mm-hmm"),
            seg(P, 5.6, 8.0, "eight nine nine eight for sven"),  # garbled: only context can type it
            seg(A, 8.5, 11.0, "Thank you. And how many people live in the house?"),
            seg(P, 11.5, 13.0, "three people and a dog"),
        ]
    )
    texts = [s.text for s in result.segments]
    assert texts[1] == "it's [US_SSN]"
    assert texts[3] == "[US_SSN]"
    assert texts[5] == "three people and a dog"
    assert all(s.type is PiiType.US_SSN for s in result.spans)


def test_an_answer_inside_one_long_prospect_segment_still_lets_the_next_agent_turn_close_the_window() -> None:
    """ASR kept the prospect's whole channel as one segment, starting before the request: the answer is in it,
    and the agent's next turn closes the window, so the prospect's goodbye stays readable."""
    whole_channel = seg(P, 4.0, 25.5, "sure four five three two oh one five one then oh five twenty seven okay")
    result = find_pii_in_segments(
        [
            seg(A, 0.5, 3.6, "Can I have the card number please?"),
            whole_channel,
            seg(A, 9.7, 12.4, "Thank you, and what is the expiration date?"),
            seg(A, 20.9, 23.8, "Perfect, your order is confirmed. Have a great day."),
            seg(P, 25.6, 28.0, "I will look out for the delivery next week."),
        ]
    )
    assert result.segments[4].text == "I will look out for the delivery next week."
    expiry = [w for w in result.answer_windows if w.type is PiiType.CARD_EXPIRY]
    assert [w.end_s for w in expiry] == [20.9]


def test_seconds_mode_runs_past_the_next_agent_turn_up_to_the_limit() -> None:
    segments = [
        seg(A, 0.0, 2.0, "Can I get your date of birth?"),
        seg(A, 2.5, 4.0, "Just for verification purposes."),
        seg(P, 4.5, 6.0, "sure march third"),
        seg(A, 6.5, 7.0, "Lovely, thanks."),
        seg(P, 7.5, 9.0, "nineteen eighty"),
        seg(P, 60.0, 61.0, "sixty"),
    ]
    turn = find_pii_in_segments(segments)
    seconds = find_pii_in_segments(segments, PiiSettings(context_until="seconds", context_max_s=20))
    assert turn.segments[2].text == "sure [DATE_OF_BIRTH]"
    assert turn.segments[4].text == "nineteen eighty"  # after "Lovely, thanks." closed it (and 4 digits are no PII)
    assert seconds.segments[4].text == "[DATE_OF_BIRTH]"
    assert seconds.segments[5].text == "sixty"


def test_a_window_with_nothing_recognisable_is_redacted_and_sent_to_review() -> None:
    result = find_pii_in_segments(
        [seg(A, 0.0, 2.0, "What's the three digit code on the back of the card?"), seg(P, 2.5, 4.0, "tree to fee")]
    )
    assert result.segments[1].text == "[CVV]"
    assert result.spans[0].source is PiiSource.CONTEXT
    assert result.needs_review


def test_overlapping_stereo_segments_are_ordered_by_time() -> None:
    answer = seg(P, 2.0, 6.0, "four five three two oh one five one one two eight three oh three six six")
    request = seg(A, 0.0, 2.5, "and the card number?")
    result = find_pii_in_segments([answer, request])  # out of order, overlapping
    assert result.segments[0].text == "[CREDIT_CARD]"
    assert result.spans[0].segment == 0


def test_expiry_and_code_in_a_card_answer_keep_their_types() -> None:
    result = find_pii_in_segments(
        [
            seg(A, 0.0, 2.0, "Could you read me the card details?"),
            seg(P, 2.5, 12.0, "4532 0151 1283 0366 expires oh five twenty seven and the code is one two three"),
        ]
    )
    assert result.segments[1].text == "[CREDIT_CARD] expires [CARD_EXPIRY] and the code is [CVV]"
    assert not DIGITS.search(result.segments[1].text)


def test_a_statement_about_a_card_opens_no_window() -> None:
    result = find_pii_in_segments([seg(A, 0.0, 2.0, "Your card has been charged."), seg(P, 2.5, 4.0, "great thanks")])
    assert result.spans == ()
    assert result.segments[1].text == "great thanks"


def test_segment_without_words_uses_segment_times() -> None:
    result = find_pii_in_segments([seg(P, 10.0, 14.0, "my social is 460-89-9847", words=False)])
    [span] = result.spans
    assert (span.start_s, span.end_s) == (10.0, 14.0)
    assert result.segments[0].text == "my social is [US_SSN]"


def test_mono_request_and_answer_in_one_segment() -> None:
    text = "what is your routing number? it is oh two one oh oh oh oh two one"
    result = find_pii_in_segments([seg(U, 0.0, 6.0, text)])
    assert result.segments[0].text == "what is your routing number? it is [ROUTING_NUMBER]"
    assert result.spans[0].source is PiiSource.CHECKSUM


@pytest.mark.parametrize("bad", [{"context_until": "forever"}, {"context_max_s": 0}, {"review_below": 2}])
def test_bad_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        PiiSettings(**bad)  # type: ignore[arg-type]


def test_an_answer_asr_dropped_is_still_muted_by_time_and_sent_to_review() -> None:
    """The prospect read the card but ASR wrote nothing: no word to redact, so the window itself is muted."""
    result = find_pii_in_segments(
        [
            seg(P, 0.2, 0.8, "hello"),  # earlier prospect speech: tells which channel is the prospect's
            seg(A, 1.0, 3.0, "Can I take your card number for the deposit please?"),
            seg(A, 12.0, 14.0, "Thank you, and have a lovely day."),
        ]
    )
    assert result.spans == ()
    [window] = result.answer_windows
    assert (window.type, window.speaker, window.channel) == (PiiType.CREDIT_CARD, P, 1)
    # nobody was heard answering, so the agent's next turn cannot be told from a follow-up of the request:
    # the window runs to its limit (fail closed), and a person checks the call
    assert (window.start_s, window.end_s) == (pytest.approx(2.5), pytest.approx(3.0 + PiiSettings().context_max_s))
    assert window.source is PiiSource.CONTEXT and window.confidence < PiiSettings().review_below
    assert result.needs_review and any("no answer transcribed" in r for r in result.review_reasons)
    assert result.audio_spans == (window,)


def test_an_answered_window_is_muted_whole_without_review() -> None:
    result = find_pii_in_segments(
        [
            seg(A, 0.0, 3.0, "What's your social security number?"),
            seg(P, 3.5, 7.0, "it's one two three four five six seven eight nine"),
            seg(A, 7.5, 9.0, "Thank you, that is verified."),
        ]
    )
    [window] = result.answer_windows
    assert (window.type, window.start_s, window.end_s) == (PiiType.US_SSN, pytest.approx(2.5), pytest.approx(7.5))
    assert not result.needs_review
    assert [s.type for s in result.audio_spans] == [PiiType.US_SSN, PiiType.US_SSN]


def test_mono_answer_windows_mute_the_mix() -> None:
    mono = [
        Segment(A, 0.0, 3.0, "Can I get your date of birth?", (), None),
        Segment(P, 3.5, 5.0, "march third nineteen eighty", (), None),
        Segment(A, 5.5, 7.0, "Lovely, thank you very much.", (), None),
    ]
    [window] = find_pii_in_segments(mono).answer_windows
    assert window.channel is None and window.end_s == pytest.approx(5.5)


def test_no_request_no_answer_window() -> None:
    result = find_pii_in_segments([seg(A, 0.0, 2.0, "How are you today?"), seg(P, 2.5, 4.0, "fine thanks")])
    assert result.answer_windows == () and result.audio_spans == ()


@pytest.mark.parametrize(
    "statement",
    [
        "Thanks Arjun, the deposit is processed. You will get a confirmation email shortly.",
        "Thank you, and the deposit date, you will get a confirmation email shortly.",  # ASR dropped the full stop
        "We'll send the card details to your email address.",
        "Your card has been charged, the confirmation number is on its way.",
    ],
)
def test_a_statement_about_the_data_opens_no_window(statement: str) -> None:
    """'confirmation' is not the asking cue 'confirm', and telling the prospect about an email asks for none."""
    result = find_pii_in_segments([seg(A, 0.0, 3.0, statement), seg(P, 3.5, 5.0, "okay great thanks bye")])
    assert result.answer_windows == () and not result.needs_review


def test_a_request_after_a_statement_in_the_same_turn_still_opens_a_window() -> None:
    turn = "You will get a confirmation email shortly. What's the best phone number to reach you?"
    result = find_pii_in_segments(
        [seg(A, 0.0, 4.0, turn), seg(P, 4.5, 8.0, "five one two five five five oh one four seven")]
    )
    assert [w.type for w in result.answer_windows] == [PiiType.PHONE_NUMBER]
    assert result.segments[1].text == "[PHONE_NUMBER]"
