"""Email addresses, written ("john.smith@gmail.com") and spoken the way ASR writes them.

Spoken: "john dot smith at gmail dot com", "j smith at yahoo dot co dot uk", "john underscore smith at
company.com". The address must end in a known top-level domain, which is what keeps "meet at noon" and
"look at the card" out.
"""

from __future__ import annotations

import re

_WRITTEN = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_TLDS = r"(?:com|net|org|edu|gov|mil|io|co|us|uk|ca|de|fr|info|biz|me|ai|app|dev|email|online|us)"
_PART = r"[a-z0-9]+"
_JOIN = r"(?:\s+(?:dot|period|underscore|dash|hyphen|minus)\s+|[._-])"
_DOT = r"(?:\s+(?:dot|period)\s+|\.)"
_SPOKEN = re.compile(
    rf"\b{_PART}(?:{_JOIN}{_PART})*(?:\s+at\s+|\s*@\s*){_PART}(?:{_DOT}{_PART})*{_DOT}{_TLDS}\b",
    re.IGNORECASE,
)
_LEAD_WORDS = re.compile(r"^(?:(?:my|email|e-mail|is|it's|its|address|it|the)\s+)+", re.IGNORECASE)


def find_emails(text: str) -> list[tuple[int, int]]:
    """Character ranges of the emails in ``text``, written or spoken."""
    spans = [(m.start(), m.end()) for m in _WRITTEN.finditer(text)]
    for match in _SPOKEN.finditer(text):
        lead = _LEAD_WORDS.match(match.group())
        start = match.start() + (lead.end() if lead else 0)
        if start < match.end() and not any(a <= start < b for a, b in spans):
            spans.append((start, match.end()))
    return sorted(spans)
