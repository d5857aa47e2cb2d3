"""Checksums that tell a real card or routing number from any other digit run.

They only ever raise confidence: ASR drops and adds digits, so a failed checksum must not stop redaction.
"""

from __future__ import annotations

_ABA_WEIGHTS = (3, 7, 1) * 3


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def aba_valid(digits: str) -> bool:
    """The ABA routing transit number check (weights 3, 7, 1 repeated; sum divisible by 10)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(digits, _ABA_WEIGHTS, strict=True)) % 10 == 0
