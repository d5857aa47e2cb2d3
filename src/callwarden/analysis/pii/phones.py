"""Whether a digit run that only its shape calls a phone number is one, or part of a postal address.

Without a word such as "phone" or "call me" near it, a grouped run of 7-9 digits is often an address: a
postcode then a house number ("28919 136 Filadelfeos Str.", "94941 2505 Heatherleigh"), a house number then a
street ("636 1812 Rue De La Gare"), or a postcode at the end of an address block ("Suite 638, Hania Bazid, 43
73313"). What tells them apart generalises beyond any one data set:
- phone numbers are written in groups of 2-4 digits after the first (3-4, 3-3-4, 2-2-2-2, 3-2-2, 4-4 ...); a
  run ending in a shorter group after a 4-5 digit one (4-3, 5-2, 5-3) is a postcode or house number pair, and a
  5-digit first group is a phone's only as a trunk-prefixed area code, which begins with 0 ("07700 900 123");
- an address verb right before the run ("lives at", "located at", "is at", "return to", "address:") or an
  address unit ("Suite 638", "Apt. 5", "PO Box 12") a few words before it says it is part of an address,
  unless a phone word follows it ("... 781 1704 office").
Spoken numbers on calls come through ungrouped ("5551234567") or with a phone word nearby, so none of this
touches them.
"""

from __future__ import annotations

import re

_ADDRESS_VERB_BEFORE = re.compile(
    r"\b(?:(?:lives?|living|located|situated|is|are|arrived|moved|drops? you off|deliver(?:ed)?|ship(?:ped)?"
    r"|sen[dt](?: it)?|return(?:ed)?|mail(?:ed)?|post(?:ed)?)\s+(?:at|to|on)|address(?:es)?(?:\s+is)?\s*:?)\s*$",
    re.IGNORECASE,
)
_UNIT_NEAR_BEFORE = re.compile(
    r"\b(?:suite|ste|apt|apartment|unit|flat|p\.?\s?o\.?\s+box|box)\.?\s*#?\s*\d{1,6}\b[^\d]{0,30}$", re.IGNORECASE
)
_PHONE_WORD_AFTER = re.compile(
    r"^\W{0,3}(?:office|fax|mobile|cell|desk|home|work|tel|phone|landline|direct)\b", re.IGNORECASE
)
_SHORT = 9  # runs of more digits than this are too long for a postcode and house number


def _postcode_grouping(groups: list[int], run: str) -> bool:
    """4-3, 5-2, 5-3 and other groupings no phone plan writes, or a 5-digit first group without a trunk 0."""
    if len(groups) < 2:
        return False
    if groups[0] == 5 and not run.lstrip("+( ").startswith("0"):
        return True
    return len(groups) == 2 and groups[0] >= 4 and groups[1] < 4


def plausible_phone(text: str, start: int, end: int, groups: list[int]) -> bool:
    """Whether the shape-typed phone ``text[start:end]`` (digit groups ``groups``) is not part of an address."""
    if sum(groups) > _SHORT or len(groups) < 2:
        return True
    if _postcode_grouping(groups, text[start:end]):
        return False
    if _PHONE_WORD_AFTER.match(text[end : end + 15]):
        return True
    before = text[max(0, start - 60) : start]
    return not (_ADDRESS_VERB_BEFORE.search(before) or _UNIT_NEAR_BEFORE.search(before))
