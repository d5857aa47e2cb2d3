"""Redact PII in free text, one JSON line at a time (``callwarden redact-text --jsonl``); the PII settings.

For evaluation and for operators who redact text from elsewhere: each input line ``{"text": ...}`` becomes
``{"text": redacted, "spans": [{"type", "start", "end"}]}`` with offsets into the input text. Lines are
answered as they come, so a bad line stops the run with everything before it already written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from callwarden.analysis.pii import PiiSettings, find_pii_in_text, redact_text
from callwarden.config import Settings
from callwarden.services.errors import InvalidInput


class BadLine(InvalidInput):
    """An input line that is not a JSON object with a "text" string; the message names the line number."""


def redact_record(text: str) -> dict[str, Any]:
    """The redacted text and the spans found in it."""
    spans = find_pii_in_text(text)
    return {"text": redact_text(text, spans), "spans": [s.to_dict() for s in spans]}


def _text_of(line: str, number: int) -> str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"line {number}: not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise BadLine(f'line {number}: expected an object with a "text" string')
    text: str = record["text"]
    return text


def redact_jsonl(lines: Iterable[str], write: Callable[[str], None]) -> int:
    """Redact each JSON line of ``lines`` and ``write`` its answer; blank lines are skipped.

    Returns how many lines were redacted; raises BadLine at the first bad line (earlier answers are written).
    """
    done = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        write(json.dumps(redact_record(_text_of(line, number)), ensure_ascii=False))
        done += 1
    return done


def pii_settings(settings: Settings) -> PiiSettings:
    """The detector's settings from the configuration (``CALLWARDEN_PII_*``)."""
    return PiiSettings(
        context_until=settings.pii_context_until,
        context_max_s=settings.pii_context_max_s,
        review_below=settings.pii_review_below,
    )
