"""What every detector returns: a typed range of the normalised text, with how sure and why."""

from __future__ import annotations

from dataclasses import dataclass

from callwarden.domain.pii import PiiSource, PiiType


@dataclass(frozen=True)
class Finding:
    """A typed range [start, end) of the normalised text."""

    type: PiiType
    start: int
    end: int
    confidence: float
    source: PiiSource
