"""Numbers the way ASR writes speech, turned into digits, with a map back to the words they came from.

Prospects read card numbers as "four five three two", "oh one", "double five", "forty five thirty two" or a mix
of words and digits; ASR writes some of it as digits and some as words. Every detector works on one normalised
text where each run of number words has become its digits ("four five three two" -> "4532") and everything else
is kept as it was, and every character of that text knows which characters of the original it stands for, so a
match in the normalised text maps to exact offsets in the original (a partial match widens to whole words:
redaction fails closed).

"oh"/"o" count as zero, and homophones ("for", "to", "ate", "won") as digits, only between other numbers, so
"oh I see" and "go to the store" stay words. Digits read out one at a time, which ASR punctuates like a list
("5, 5, 5, 4"), become one run too (see ``readouts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callwarden.analysis.pii.readouts import join_readouts

_UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_HOMOPHONES = {"for": 4, "fore": 4, "to": 2, "too": 2, "ate": 8, "won": 1}
_REPEATS = {"double": 2, "triple": 3}
_SCALES = {"hundred": 100, "thousand": 1000}
_GLUE = {"and", "uh", "um", "er", "ah"}  # allowed inside a run of number words, never at its ends
_SEPARATORS = {",", "-", "."}
_STRONG = set(_UNITS) - {"oh", "o"} | set(_TEENS) | set(_TENS) | set(_ORDINALS) | set(_SCALES)
_WEAK = {"oh", "o"} | set(_HOMOPHONES) | set(_REPEATS)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One piece of the original text: a word, a digit string, whitespace or a punctuation character."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_space(self) -> bool:
        return self.text.isspace()


def tokenize(text: str) -> list[Token]:
    """Every character of ``text`` in exactly one token."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class Normalised:
    """``text`` with number words as digits; ``origin[i]`` is the original (start, end) behind character i."""

    original: str
    text: str
    origin: tuple[tuple[int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised range [start, end)."""
        if not start < end <= len(self.text):
            raise ValueError(f"empty or out-of-range span {start}:{end} of a {len(self.text)}-character text")
        return self.origin[start][0], self.origin[end - 1][1]


def _ordinal_suffix(value: int) -> str:
    if value % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def _below_hundred(words: list[str], i: int) -> tuple[int, int, bool] | None:
    """Parse 0-99 at ``words[i]``: (value, words used, is ordinal), or None."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if word in _TENS:
        if nxt in _UNITS and _UNITS[nxt] > 0 and nxt not in ("o",):
            return _TENS[word] + _UNITS[nxt], 2, False
        if nxt in _ORDINALS and _ORDINALS[nxt] < 10:
            return _TENS[word] + _ORDINALS[nxt], 2, True
        return _TENS[word], 1, False
    if word in _TEENS:
        return _TEENS[word], 1, False
    if word in _UNITS:
        return _UNITS[word], 1, False
    if word in _HOMOPHONES:
        return _HOMOPHONES[word], 1, False
    if word in _ORDINALS:
        return _ORDINALS[word], 1, True
    return None


def words_to_digits(words: list[str]) -> str:
    """Lower-case number words (glue already removed) as the digits a listener would write.

    Digits and teens concatenate ("four five" -> "45", "nineteen eighty five" -> "1985"), "double five" is
    "55", "four hundred twenty" is "420", an ordinal ends with its suffix ("twenty third" -> "23rd").
    Raises ValueError for a word that is not a number word.
    """
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _REPEATS and i + 1 < len(words) and words[i + 1] in _UNITS:
            out.append(str(_UNITS[words[i + 1]]) * _REPEATS[word])
            i += 2
            continue
        if word in _REPEATS:  # "double" before no digit ("double twenty"): a word ASR heard, not a count
            i += 1
            continue
        parsed = _below_hundred(words, i)
        if parsed is None and word in _SCALES:  # "a hundred", "few hundred", "first thousand": one of it
            parsed = (1, 0, False)
        if parsed is None:
            raise ValueError(f"not a number word: {word!r}")
        value, used, ordinal = parsed
        i += used
        while not ordinal and i < len(words) and words[i] in _SCALES:
            scale = _SCALES[words[i]]
            i += 1
            rest = _below_hundred(words, i) if i < len(words) else None
            extra = 0
            if rest is not None:
                extra, more, ordinal = rest
                i += more
                if i < len(words) and words[i] == "hundred" and scale == 1000:
                    extra *= 100
                    i += 1
                    tail = _below_hundred(words, i) if i < len(words) else None
                    if tail is not None:
                        extra += tail[0]
                        ordinal = tail[2]
                        i += tail[1]
            value = value * scale + extra
        out.append(f"{value}{_ordinal_suffix(value)}" if ordinal else str(value))
        if ordinal and i < len(words):
            out.append(" ")
    return "".join(out)


def _groups(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token index ranges [a, b) that are runs of number words (with glue and separators inside)."""
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower not in _STRONG | _WEAK:
            i += 1
            continue
        j, last = i, i
        while j < len(tokens):
            tok = tokens[j]
            if tok.lower in _STRONG | _WEAK:
                last = j
            elif not (tok.is_space or tok.text in _SEPARATORS or tok.lower in _GLUE):
                break
            j += 1
        groups.append((i, last + 1))
        i = last + 1
    return [g for g in (_trim(tokens, a, b) for a, b in groups) if g is not None]


def _neighbour_is_digits(tokens: list[Token], index: int, step: int) -> bool:
    k = index + step
    if 0 <= k < len(tokens) and (tokens[k].is_space or tokens[k].text == "-"):
        k += step
    return 0 <= k < len(tokens) and tokens[k].text.isdigit()


def _trim(tokens: list[Token], a: int, b: int) -> tuple[int, int] | None:
    """Drop weak words at the edges of a group unless they sit against digits; None if nothing strong is left."""
    words = [k for k in range(a, b) if tokens[k].lower in _STRONG | _WEAK]
    while words and tokens[words[0]].lower in _HOMOPHONES:
        words.pop(0)
    while words and (tokens[words[-1]].lower in _HOMOPHONES or tokens[words[-1]].lower in _REPEATS):
        words.pop()
    if not words:
        return None
    if not any(tokens[k].lower in _STRONG for k in words) and not (
        _neighbour_is_digits(tokens, words[0], -1) or _neighbour_is_digits(tokens, words[-1], 1)
    ):
        return None
    return words[0], words[-1] + 1


def normalise(text: str) -> Normalised:
    """``text`` with each run of number words replaced by its digits (see the module docstring)."""
    tokens = tokenize(text)
    pieces: list[str] = []
    origin: list[tuple[int, int]] = []
    cursor = 0
    for a, b in _groups(tokens):
        for tok in tokens[cursor:a]:
            pieces.append(tok.text)
            origin.extend((p, p + 1) for p in range(tok.start, tok.end))
        words = [t.lower for t in tokens[a:b] if t.lower in _STRONG | _WEAK]
        digits = words_to_digits(words)
        span = (tokens[a].start, tokens[b - 1].end)
        pieces.append(digits)
        origin.extend([span] * len(digits))
        cursor = b
    for tok in tokens[cursor:]:
        pieces.append(tok.text)
        origin.extend((p, p + 1) for p in range(tok.start, tok.end))
    joined, mapped = join_readouts("".join(pieces), origin)
    return Normalised(text, joined, tuple(mapped))
