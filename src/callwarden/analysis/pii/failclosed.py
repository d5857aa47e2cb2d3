"""Numbers no typed detector claimed that a call must not keep anyway: redaction fails closed on them.

1. ``after_card``: a short number (2-4 digits) a few words after a card number in the same text is that card's
   security code or expiry ("4532 0151 1283 0366 and 39", "... oh four twenty seven"): nothing else is read
   out after a card. One that looks like MM/YY ("04/27", "0427": a month first) is CARD_EXPIRY, anything else
   CVV (ASR drops digits, so two are enough).
2. ``bare_runs``: in a prospect's turn, a run of 3 or more digits (2 in a turn of three words or fewer after
   talk of a code or expiry: ASR drops digits of a code read fast, and writes "four oh two" as "4 or 2")
   that nothing typed is redacted at low confidence (the call goes to review, it does not leak) unless the
   words right before or after it make it a price, time, year or quantity ("about 240", "since 2015", "300
   panels", "at 930", "199 a month"). Its type is the topic of the agent's recent turns
   (``windows.recent_topic``, which reads garbled requests too: a payment topic makes 3-4 digits CVV or
   CARD_EXPIRY and longer runs CREDIT_CARD), else BANK_ACCOUNT, the untyped fail-closed type (as for long runs
   in ``runs``). A round number ("18000", "24500") is left, and
   without a topic a bare year (19xx, 20xx) or a round 3-digit one ("300") too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callwarden.analysis.pii.finding import Finding
from callwarden.analysis.pii.vocabulary import vocabulary
from callwarden.domain.pii import PiiSource, PiiType

AFTER_CARD_CONFIDENCE = 0.7
TOPIC_CONFIDENCE = 0.55  # below the default review threshold: typed by the topic alone
BARE_CONFIDENCE = 0.45
BARE_MIN_DIGITS = 3
CODE_MIN_DIGITS = 2  # a bare answer after talk of a code or expiry: "four oh two" comes through as "4, 2"
BARE_ANSWER_WORDS = 3  # "It's 4, 2.", "okay um 39": an answer that is the number and little else
_WORDS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
PAYMENT = (PiiType.CREDIT_CARD, PiiType.CVV, PiiType.CARD_EXPIRY)
_FOLLOWER = re.compile(
    r"^\W{0,3}(?:[a-z']+\W{1,3}){0,3}?(?P<num>\d{1,2}\s?/\s?\d{2,4}|\d{2,4})(?![\w/]|[.,:-]\d)", re.IGNORECASE
)
_BARE = re.compile(r"(?<![\w@$€£¥.,/:-])\d+(?:[ -]\d+)*(?![\w@%/]|[.,:-]\d)")
_CODE_READ = re.compile(
    r"(?<![\w.,])\d(?:,?\s+(?:or|oh)\s+\d)+(?![\w]|[.,]\d)", re.IGNORECASE
)  # "4 or 2": "four oh two"
_MONEY = re.compile(r"[$€£¥]\s?$")
_YEAR = re.compile(r"(?:19|20)\d\d")


def code_or_expiry(digits: str, slashed: bool = False) -> PiiType:
    """CARD_EXPIRY when the short number after a card reads as MM/YY or MMYY, else CVV."""
    if slashed:
        return PiiType.CARD_EXPIRY
    return PiiType.CARD_EXPIRY if len(digits) == 4 and 1 <= int(digits[:2]) <= 12 else PiiType.CVV


def _ordinary(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` make it a price, time, year or quantity."""
    vocab = vocabulary()
    before = text[max(0, start - 30) : start]
    return bool(vocab.ordinary_before.search(before) or _MONEY.search(before) or vocab.ordinary_after.match(text[end:]))


def _covered(found: Sequence[Finding], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in found)


def after_card(text: str, found: Sequence[Finding]) -> list[Finding]:
    """Security codes and expiry dates right after a card number in the normalised ``text`` (see above)."""
    extra: list[Finding] = []
    for card in (f for f in found if f.type is PiiType.CREDIT_CARD):
        match = _FOLLOWER.match(text[card.end : card.end + 40])
        if match is None:
            continue
        start, end = card.end + match.start("num"), card.end + match.end("num")
        if _covered(found, start, end) or _ordinary(text, start, end):
            continue
        raw = match.group("num")
        kind = code_or_expiry(re.sub(r"\D", "", raw), "/" in raw)
        extra.append(Finding(kind, start, end, AFTER_CARD_CONFIDENCE, PiiSource.PATTERN))
    return extra


def _topic_type(topic: PiiType, digits: int) -> PiiType:
    if topic in PAYMENT:
        return PiiType.CVV if digits <= 4 else PiiType.CREDIT_CARD
    return topic


def bare_runs(text: str, found: Sequence[Finding], topic: PiiType | None) -> list[Finding]:
    """Prospect digit runs of 3+ digits in the normalised ``text`` that ``found`` leaves open (see above)."""
    extra: list[Finding] = []
    bare_answer = len(_WORDS.findall(text)) <= BARE_ANSWER_WORDS
    code_answer = bare_answer and topic in (PiiType.CVV, PiiType.CARD_EXPIRY)
    matches = [*_BARE.finditer(text), *(_CODE_READ.finditer(text) if code_answer else ())]
    for match in sorted(matches, key=lambda m: -len(m.group())):
        start, end = match.span()
        digits = re.sub(r"\D", "", match.group())
        least = CODE_MIN_DIGITS if code_answer else BARE_MIN_DIGITS
        if len(digits) < least or _covered([*found, *extra], start, end) or _ordinary(text, start, end):
            continue
        if digits.endswith("00") and (len(digits) > 3 or topic is None):
            continue  # a round number: prices and counts are round, codes and account numbers are not
        if topic is None:
            if _YEAR.fullmatch(digits):
                continue
            extra.append(Finding(PiiType.BANK_ACCOUNT, start, end, BARE_CONFIDENCE, PiiSource.PATTERN))
            continue
        kind = _topic_type(topic, len(digits))
        if kind is PiiType.CVV:
            kind = code_or_expiry(digits)
        extra.append(Finding(kind, start, end, TOPIC_CONFIDENCE, PiiSource.CONTEXT))
    return extra
