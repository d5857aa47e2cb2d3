"""The shipped word lists behind PII typing and context windows (``rules/pii_context.json``), compiled once.

They are data so a deployment can read what makes a digit run a "security code" or what agent question opens
a window, and so the version of the list is part of every result's detector version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from callwarden.domain.pii import PiiType

CONTEXT_FILE = "pii_context.json"


@dataclass(frozen=True)
class Vocabulary:
    """Compiled lists: per type, the keywords near a number and the agent requests (in order of precedence: the
    first type whose request matches is the window's type); the asking cues a request needs (in the same
    sentence); the statements that make a sentence with a request phrase no request ("you will get a
    confirmation email"); the backchannels that do not close a window (whole turns); the single filler words
    left unredacted at a window's edges; per type, the topic words (garbled requests included) that type a
    prospect's bare digits without a window; the words right before (``ordinary_before``, ending there) or after
    (``ordinary_after``, starting there) a bare number that make it a price, time, year or quantity."""

    version: str
    keywords: tuple[tuple[PiiType, re.Pattern[str]], ...]
    requests: tuple[tuple[PiiType, re.Pattern[str]], ...]
    asks: re.Pattern[str]
    statements: re.Pattern[str]
    backchannels: frozenset[str]
    fillers: frozenset[str]
    topics: tuple[tuple[PiiType, re.Pattern[str]], ...]
    ordinary_before: re.Pattern[str]
    ordinary_after: re.Pattern[str]


def _alternation(phrases: list[str], where: str) -> re.Pattern[str]:
    if not phrases or not all(isinstance(p, str) and p for p in phrases):
        raise ValueError(f"{CONTEXT_FILE}: {where} must be a non-empty list of non-empty strings")
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


def _asks(cues: list[str]) -> re.Pattern[str]:
    """Asking cues as whole words ("confirm" must not match "confirmation"); punctuation cues as they are."""
    parts = [cue if not cue[:1].isalpha() else rf"\b(?:{cue})\b" for cue in cues]
    return re.compile("|".join(parts), re.IGNORECASE)


def _typed(raw: Any, where: str) -> tuple[tuple[PiiType, re.Pattern[str]], ...]:
    if not isinstance(raw, dict):
        raise ValueError(f"{CONTEXT_FILE}: {where} must be an object of type -> phrases")
    try:
        return tuple((PiiType(name), _alternation(phrases, f"{where}.{name}")) for name, phrases in raw.items())
    except ValueError as exc:
        raise ValueError(f"{CONTEXT_FILE}: {where}: {exc}") from exc


def parse_vocabulary(raw: dict[str, Any]) -> Vocabulary:
    """Validate and compile the JSON document; errors name the file and the entry."""
    return Vocabulary(
        version=str(raw["version"]),
        keywords=_typed(raw.get("keywords"), "keywords"),
        requests=_typed(raw.get("requests"), "requests"),
        asks=_asks(raw.get("asks") or ["\\?"]),
        statements=_alternation(raw.get("statements") or ["(?!)"], "statements"),
        backchannels=frozenset(p.lower() for p in raw.get("backchannels", [])),
        fillers=frozenset(word for p in raw.get("fillers", []) for word in p.lower().split()),
        topics=_typed(raw.get("topics"), "topics"),
        ordinary_before=re.compile(
            _alternation(raw.get("ordinary_before") or [], "ordinary_before").pattern + r"\W{0,2}$", re.IGNORECASE
        ),
        ordinary_after=re.compile(
            r"^\W{0,2}" + _alternation(raw.get("ordinary_after") or [], "ordinary_after").pattern, re.IGNORECASE
        ),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary."""
    text = files("callwarden.rules").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    return parse_vocabulary(json.loads(text))
