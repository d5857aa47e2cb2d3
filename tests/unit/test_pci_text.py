"""Card data purged from stored text: words inside card spans become one placeholder, the rest stays, and a
purged transcript still tells a re-run where the card data was."""

from __future__ import annotations

from callwarden.domain.pii import PiiSource, PiiSpan, PiiType
from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.pipeline.pci_text import placeholder_spans, purge_card_data, with_earlier_spans

P, A = Speaker.PROSPECT, Speaker.AGENT


def _segment(speaker: Speaker, words: list[tuple[str, float]], channel: int | None = 1) -> Segment:
    timed = tuple(Word(text, at, at + 0.4, 0.9) for text, at in words)
    return Segment(speaker, timed[0].start_s, timed[-1].end_s, " ".join(w.text for w in timed), timed, channel)


def _span(kind: PiiType, start: float, end: float, speaker: Speaker = P, channel: int | None = 1) -> PiiSpan:
    return PiiSpan(kind, speaker, start, end, 0.9, PiiSource.CHECKSUM, 0, channel)


ANSWER = _segment(
    P, [("Sure,", 10.0), ("it", 10.5), ("is", 11.0), ("4532", 11.5), ("0151", 12.0), ("and", 12.5), ("739.", 13.0)]
)


def test_card_words_become_one_placeholder_and_the_rest_stays() -> None:
    spans = [_span(PiiType.CREDIT_CARD, 11.5, 12.4), _span(PiiType.CVV, 13.0, 13.4)]
    (purged,), removed = purge_card_data([ANSWER], spans)
    assert removed == 3
    assert [w.text for w in purged.words] == ["Sure,", "it", "is", "[CREDIT_CARD]", "and", "[CVV]"]
    assert purged.text == "Sure, it is [CREDIT_CARD] and [CVV]"
    card = purged.words[3]
    assert (card.start_s, card.end_s) == (11.5, 12.4), "the placeholder spans both words it replaced"


def test_only_card_types_are_purged_and_only_on_the_speaking_party() -> None:
    agent = _segment(A, [("four", 11.6), ("five", 12.0)], channel=0)
    spans = [_span(PiiType.CREDIT_CARD, 11.5, 12.4), _span(PiiType.PERSON, 10.0, 10.4)]
    (answer, agent_after), removed = purge_card_data([ANSWER, agent], spans)
    assert removed == 2
    assert answer.words[0].text == "Sure,", "a name is hidden in the redacted view, not purged from storage"
    assert agent_after == agent, "the other channel's overlapping speech is not the card"


def test_a_segment_without_word_times_is_purged_whole() -> None:
    bare = Segment(P, 11.0, 14.0, "4532 0151 1283 0366", (), 1)
    (purged,), removed = purge_card_data([bare], [_span(PiiType.CREDIT_CARD, 11.5, 13.0)])
    assert (purged.text, removed) == ("[CREDIT_CARD]", 1)


def test_unknown_speakers_are_purged_whatever_the_span_says() -> None:
    mono = _segment(Speaker.UNKNOWN, [("4532", 11.5)], channel=None)
    (purged,), _ = purge_card_data([mono], [_span(PiiType.CREDIT_CARD, 11.5, 12.0, channel=None)])
    assert purged.text == "[CREDIT_CARD]"


def test_placeholders_left_by_a_purge_are_spans_again_for_a_rerun() -> None:
    (purged,), _ = purge_card_data([ANSWER], [_span(PiiType.CREDIT_CARD, 11.5, 12.4), _span(PiiType.CVV, 13.0, 13.4)])
    again = placeholder_spans([purged])
    assert [(s.type, s.start_s, s.end_s, s.speaker, s.channel) for s in again] == [
        (PiiType.CREDIT_CARD, 11.5, 12.4, P, 1),
        (PiiType.CVV, 13.0, 13.4, P, 1),
    ]
    found_now = [_span(PiiType.CREDIT_CARD, 11.4, 12.6)]
    merged = with_earlier_spans(found_now, again)
    assert [s.type for s in merged] == [PiiType.CREDIT_CARD, PiiType.CVV], "the card once, the CVV kept"
