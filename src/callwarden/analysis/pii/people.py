"""Names of people, found from the words that introduce them and from a list of common names (``names``).

"my name is Jane Doe", "this is Mark from SunBright", "Mrs. Alvarez", "speaking with Karen", "ask for Tom".
After most cues the name must be capitalised (ASR capitalises names, and that is what keeps "this is great"
out); after "my name is"/"name's" a lower-case name is accepted too, since the cue leaves no doubt. A form's
label ("Name: Jane Doe") and the answer to a name question ("What's your last name? Magnusson") are cues too.
Names nobody introduces come from the list (``names.find_listed_names``).
"""

from __future__ import annotations

import re

from callwarden.analysis.pii.finding import Finding
from callwarden.analysis.pii.names import find_listed_names, name_list
from callwarden.domain.pii import PiiSource, PiiType

_STOP = (
    r"(?!(?:I|I'm|The|A|An|It|This|That|Is|Not|Just|Sorry|Calling|Here|Fine|Good|Great|Sure|Yes|No|Okay|Ok|Hello"
    r"|Hi|Thanks|Thank|From|With|About|Your|My|Our|We|You|He|She|They|And|But|So|Well|Very|Really|Going|Trying"
    r"|Looking|Interested|Busy|Happy|Glad|Ready|Calling|Speaking|Mr|Mrs|Ms|Dr|Miss|Sir|Madam|Ma'am"
    r"|Name|Address|Phone|Mobile|Fax|Desk|Email|E-mail|Date|Occupation|Apt|Apartment|Suite|Unit|Box)\b)"
)
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LOWER = r"(?:(?![A-Z])[^\W\d_]|['’])"  # a letter that is not an ASCII capital, or an apostrophe
_CAP = rf"{_STOP}[{_UPPER}]{_LOWER}+(?:-[{_UPPER}]{_LOWER}+)?"
_CAP_NAME = rf"{_CAP}(?:\s+(?:[{_UPPER}]\.?\s+)?{_CAP}){{0,2}}"
_LOWER_STOP = r"(?!(?:not|just|calling|going|trying|the|a|an|and|from|with|here|sorry|actually|really)\b)"
_ANY_NAME = rf"{_LOWER_STOP}[^\W\d_]{_LOWER}+(?:\s+(?:[^\W\d_]\.?\s+)?{_LOWER_STOP}[^\W\d_]{_LOWER}+)?"
_STRONG_CUE = re.compile(rf"\b(?:my name is|my name's|name is|name's|names is)\s+({_ANY_NAME})", re.IGNORECASE)
_CUE = re.compile(
    r"(?:\b(?:[Tt]his is|I am|I'm|[Ss]peaking (?:with|to)|[Tt]alking (?:with|to)|[Ss]peak (?:with|to)|"
    r"[Aa]sk for|[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you|[Ss]ays|[Ss]aid|[Cc]all me|[Cc]alled)\s+|"
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam)\.?\s+|\b[Nn]ame:[ \t]*|\b[Nn]ame\?[ \t]*)"
    rf"({_CAP_NAME})"
)

# "Hanne I. Kreutzmann", "Shane M Culp": given name, middle initial, surname. Without the initial's dot ("Plan B
# Capital") the given name must be a listed one.
_INITIALLED = re.compile(rf"(?<![\w.])({_CAP})[ \t]([{_UPPER}])(\.?)[ \t]({_CAP})(?![\w'’])")


def _initialled(text: str) -> list[Finding]:
    names = name_list()
    return [
        Finding(PiiType.PERSON, m.start(1), m.end(4), 0.75, PiiSource.PATTERN)
        for m in _INITIALLED.finditer(text)
        if m.group(3) or names.listed(m.group(1))
    ]


def find_people(text: str) -> list[Finding]:
    """Names introduced by a cue in the normalised ``text``."""
    found = [Finding(PiiType.PERSON, m.start(1), m.end(1), 0.85, PiiSource.PATTERN) for m in _STRONG_CUE.finditer(text)]
    found.extend(Finding(PiiType.PERSON, m.start(1), m.end(1), 0.7, PiiSource.PATTERN) for m in _CUE.finditer(text))
    found.extend(_initialled(text))
    found.extend(find_listed_names(text))
    return found
