"""Card data purged from stored text: PCI DSS 3.3.1 forbids keeping a card's security code after authorisation,
even encrypted, and callwarden keeps no card number either.

The redacted transcript hides every PII type from people; the stored transcript that later stages read (consent,
metrics, scoring) keeps what was said except card numbers and security codes, which are replaced by their
placeholder word at the same times. The consent-focused ASR pass gets the same treatment. A transcript that was
purged once carries placeholders, and those placeholders are read back as spans, so a re-run of the detector
still knows where the card data was (the audio redaction and the report depend on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from callwarden.domain.pii import PiiSource, PiiSpan, PiiType
from callwarden.domain.transcript import Segment, Speaker, Word

_PLACEHOLDERS = {kind.placeholder: kind for kind in PiiType}


def _same_party(span: PiiSpan, segment: Segment) -> bool:
    """Whether ``segment`` may hold ``span``'s speech; unknown speakers match anything (fail closed)."""
    if span.channel is not None and segment.channel is not None:
        return span.channel == segment.channel
    return Speaker.UNKNOWN in (span.speaker, segment.speaker) or span.speaker is segment.speaker


def _overlaps(start_s: float, end_s: float, span: PiiSpan) -> bool:
    return start_s < span.end_s and span.start_s < end_s


def _purged(segment: Segment, spans: Sequence[PiiSpan]) -> tuple[Segment, int]:
    """``segment`` with every word inside a card span replaced; one placeholder per run of such words."""
    mine = [s for s in spans if _same_party(s, segment) and _overlaps(segment.start_s, segment.end_s, s)]
    if not mine:
        return segment, 0
    if not segment.words:  # no timing inside the segment: the whole text goes
        kind = mine[0].type
        return replace(segment, text=kind.placeholder, words=()), 1
    words: list[Word] = []
    removed = 0
    last_hit: PiiSpan | None = None
    for word in segment.words:
        hit = next((s for s in mine if _overlaps(word.start_s, word.end_s, s)), None)
        if hit is None:
            words.append(word)
            last_hit = None
            continue
        removed += 1
        if last_hit is hit:
            words[-1] = replace(words[-1], end_s=max(words[-1].end_s, word.end_s))
        else:
            words.append(Word(hit.type.placeholder, word.start_s, word.end_s, word.probability))
        last_hit = hit
    if not removed:
        return segment, 0
    text = " ".join(word.text.strip() for word in words if word.text.strip())
    return replace(segment, text=text, words=tuple(words)), removed


def purge_card_data(segments: Sequence[Segment], spans: Sequence[PiiSpan]) -> tuple[list[Segment], int]:
    """``segments`` without the words of card-number and security-code ``spans``, and how many words went."""
    card = [span for span in spans if span.type.is_pci]
    purged: list[Segment] = []
    removed = 0
    for segment in segments:
        clean, count = _purged(segment, card)
        purged.append(clean)
        removed += count
    return purged, removed


def placeholder_spans(segments: Sequence[Segment]) -> list[PiiSpan]:
    """Spans for placeholder words an earlier purge left in ``segments`` (certain: it was found before)."""
    found: list[PiiSpan] = []
    for index, segment in enumerate(segments):
        for word in segment.words:
            kind = _PLACEHOLDERS.get(word.text.strip().rstrip(".,;:!?"))
            if kind is not None:
                found.append(
                    PiiSpan(
                        kind, segment.speaker, word.start_s, word.end_s, 1.0, PiiSource.PATTERN, index, segment.channel
                    )
                )
    return found


def with_earlier_spans(found: Sequence[PiiSpan], earlier: Sequence[PiiSpan]) -> list[PiiSpan]:
    """``found`` plus every earlier span that no found span of the same type and party already covers."""
    merged = list(found)
    for old in earlier:
        covered = any(
            new.type is old.type and new.speaker is old.speaker and _overlaps(old.start_s, old.end_s, new)
            for new in found
        )
        if not covered:
            merged.append(old)
    return sorted(merged, key=lambda span: (span.start_s, span.end_s))
