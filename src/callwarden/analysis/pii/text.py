"""PII in one piece of text: every detector over the normalised text, mapped back, merged, fail-closed.

``detect`` takes the type the conversation asked for (a context window's hint) so an answer like
"oh five twenty seven" after "when does the card expire?" is typed right; ``find_pii_in_text`` is the same
without a hint, for text that has no conversation around it (``callwarden redact-text``).

Overlapping findings become one span covering both (never less redacted), typed by the more confident one.
A short number right after a card number is its code or expiry (``failclosed``).
"""

from __future__ import annotations

from collections.abc import Sequence

from callwarden.analysis.pii.dates import find_dates
from callwarden.analysis.pii.emails import find_emails
from callwarden.analysis.pii.failclosed import after_card, bare_runs
from callwarden.analysis.pii.finding import Finding
from callwarden.analysis.pii.people import find_people
from callwarden.analysis.pii.places import find_addresses
from callwarden.analysis.pii.runs import find_runs
from callwarden.analysis.pii.spoken import normalise
from callwarden.domain.pii import PiiSource, PiiType, TextSpan


def merge(spans: Sequence[TextSpan], text: str | None = None) -> list[TextSpan]:
    """Sorted, non-overlapping spans; overlapping ones are joined and take the more confident one's type.

    Given the ``text``, neighbours of one type with only spaces or punctuation between them become one span too
    (one placeholder for one number read in pieces).
    """
    merged: list[TextSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        last = merged[-1] if merged else None
        touching = (
            last is not None
            and text is not None
            and last.type is span.type
            and not any(c.isalnum() for c in text[last.end : span.start])
        )
        if last is not None and (span.start < last.end or touching):
            lead = last if last.confidence >= span.confidence else span
            merged[-1] = TextSpan(lead.type, last.start, max(last.end, span.end), lead.confidence, lead.source)
        else:
            merged.append(span)
    return merged


def detect(
    text: str, hint: PiiType | None = None, *, fail_closed: bool = False, topic: PiiType | None = None
) -> list[TextSpan]:
    """All PII in ``text`` (offsets into ``text``), typing ambiguous numbers by ``hint`` when given.

    ``fail_closed`` (a prospect's turn) also redacts the bare digit runs nothing typed, as ``topic`` (what the
    agent's recent turns were about) when given (see ``failclosed``).
    """
    norm = normalise(text)
    found: list[Finding] = list(find_runs(norm.text, hint))
    found.extend(Finding(kind, a, b, 0.85, PiiSource.PATTERN) for kind, a, b in find_dates(norm.text, hint))
    found.extend(Finding(PiiType.EMAIL_ADDRESS, a, b, 0.95, PiiSource.PATTERN) for a, b in find_emails(norm.text))
    found.extend(find_addresses(norm.text))
    found.extend(find_people(norm.text))
    found.extend(after_card(norm.text, found))
    if fail_closed:
        found.extend(bare_runs(norm.text, found, topic))
    spans = []
    for f in found:
        start, end = norm.to_original(f.start, f.end)
        spans.append(TextSpan(f.type, start, end, f.confidence, f.source))
    return merge(spans, text)


def find_pii_in_text(text: str) -> list[TextSpan]:
    """PII in a standalone text: sorted, non-overlapping spans with character offsets into ``text``."""
    return detect(text)


def redact_text(text: str, spans: Sequence[TextSpan]) -> str:
    """``text`` with each span replaced by its type's placeholder ("[CREDIT_CARD]")."""
    pieces: list[str] = []
    cursor = 0
    for span in merge(spans):
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError(f"span {span.start}:{span.end} is outside a {len(text)}-character text")
        pieces.append(text[cursor : span.start])
        pieces.append(span.type.placeholder)
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
