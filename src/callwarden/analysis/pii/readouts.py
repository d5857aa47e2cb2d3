"""Digits read out one or a few at a time, which ASR punctuates like a list: "5, 5, 5, 4", "512, 5, 5, 5, 0, 1".

A person reading a card or phone number pauses between digits or groups, and ASR writes each pause as a comma
or a full stop, so one number comes out as what looks like a list. A list is taken for one number read out
when it cannot well be a list of quantities:
- every item is a single digit (two or more of them with a comma or full stop between, or three or more
  with spaces only: nobody counts "5 5 5"), or
- at least three items, half of them or more single digits ("512, 5, 5, 5, 0, 1, 4, 7"),
and those become one run of digits. Three or more groups in the shape card, phone and social security numbers
are read in ("4532, 0151, 1283, 0366", "512, 555, 0147", "123, 45, 6789"), unless every group is a year, become
one run grouped by single spaces, so its shape still says what it is. Anything else stays as it is: "1, 2 or
3 people" (two items, then a word), "9, 10, 11" (mostly multi-digit numbers), "2019, 2020, 2021, 2022"
(years), "1,500" (no space after the comma: a thousands separator).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

_LIST = re.compile(r"(?<![\w$€£¥.,/:-])\d{1,4}(?:(?:,\s+|\.\s+|\s+)\d{1,4})+(?![\w/:]|[.,-]\d)")
_ITEM = re.compile(r"\d+")
_GROUPINGS = ((4, 4, 4, 4), (4, 4, 4, 3), (4, 4, 4, 2), (4, 4, 4, 1), (4, 6, 5), (4, 6, 4), (3, 3, 4), (3, 2, 4))
_YEAR = re.compile(r"(?:19|20)\d\d")


def _joiner(items: list[str], punctuated: bool) -> str | None:
    """What goes between the items of one number read out ("" or " "), or None when the list is a list."""
    singles = sum(len(item) == 1 for item in items)
    if singles == len(items) and (punctuated or len(items) >= 3):
        return ""
    if len(items) >= 3 and 2 * singles >= len(items) and punctuated:
        return ""
    shape = tuple(len(item) for item in items)
    if punctuated and shape in _GROUPINGS and not all(_YEAR.fullmatch(item) for item in items):
        return " "
    return None


def join_readouts(text: str, origin: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` (and its origin map, one entry per character) with every number read out as one run."""
    pieces: list[str] = []
    mapped: list[tuple[int, int]] = []
    cursor = 0
    for match in _LIST.finditer(text):
        items = list(_ITEM.finditer(match.group()))
        between = [match.group()[a.end() : b.start()] for a, b in itertools.pairwise(items)]
        joiner = _joiner([m.group() for m in items], any(not gap.isspace() for gap in between))
        if joiner is None:
            continue
        pieces.append(text[cursor : match.start()])
        mapped.extend(origin[cursor : match.start()])
        for k, item in enumerate(items):
            at = match.start() + item.start()
            if k and joiner:
                pieces.append(joiner)
                mapped.append(origin[at - 1])
            pieces.append(item.group())
            mapped.extend(origin[at : at + len(item.group())])
        cursor = match.end()
    pieces.append(text[cursor:])
    mapped.extend(origin[cursor:])
    return "".join(pieces), mapped
