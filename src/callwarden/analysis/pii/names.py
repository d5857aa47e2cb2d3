"""Names of people found from a shipped list of common given names and surnames (``rules/pii_names.json``).

Cues ("my name is", "this is", see ``people``) find names we have never heard of; the list finds the names
nobody introduces ("Catherine is a very sympathetic person", "directed by Maciej Borkowski"). A listed word is
a name when:
- in written text it is capitalised (not all capitals, which are headings and place lines) and, when it is also
  an everyday word or a place ("Will", "Rose", "Brown", "Houston"), it is not first in its sentence and stands
  beside another capitalised name word ("Zoe Young"), or follows a cue;
- in lower-case text (ASR without capitals) it follows a cue: any listed word after a strong one ("my name is",
  "speaking with", "ask for", "mister"), one that is not an everyday word after a weak one ("this is", "hi",
  "thanks").
A name next to a street or company word ("Jackson Avenue", "Morgan Bank") or after a place word ("New York",
"San Jose") is not a person. From the listed word the name grows over the capitalised words, initials and
particles ("van", "de") beside it: "Maureen Thibault", "Shane M Culp", "Willemine ten Pas".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from callwarden.analysis.pii.finding import Finding
from callwarden.domain.pii import PiiSource, PiiType

NAMES_FILE = "pii_names.json"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?")
_SENTENCE_END = frozenset('.!?:;"“”>(\n')
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "ten", "ter", "da", "di", "del", "della", "la", "le", "du"})
_NOT_NAMES = _words(
    """the a an and or but of to in on at by for from with as is are was were be i i'm it its this that these those
    he she they we you my our your his her their mr mrs ms miss dr prof sir madam dear hi hello hey thanks thank
    yes no okay ok please sorry monday tuesday wednesday thursday friday saturday sunday january february march
    july september october november december name address phone email street mobile fax desk office user bot
    suite apt apartment unit box po date"""
)
_PLACE_AFTER = _words(
    """street st avenue ave road rd lane ln drive dr boulevard blvd court ct place way terrace circle parkway highway
    square trail plaza alley park county city state river lake mountain mount valley beach bay island airport
    station hospital school university college institute church bank group company co corp corporation inc ltd llc
    plc gmbh technologies solutions systems partners associates foundation hotel restaurant cafe center centre
    building hall creek cliff cliffs flat flats union hills heights ridge grove springs falls point harbor harbour
    port view gardens green meadow meadows mews crossing junction pass pike row shores village villas estates manor
    orchard forge forges orchestra band agency movers day"""
)
_PLACE_BEFORE = _words(
    """new san santa los las fort saint st port mount lake north south east west upper lower el le la rua rue via
    avenida calle piazza plaza avenue ul utca uss usns usnv uscgc"""
)
_HOUSE_NUMBER_AFTER = re.compile(r" \d{1,4}\b(?![\s.-]?\d)")
_STRONG_CUE = re.compile(
    r"\b(?:my name is|my name's|name is|name's|speaking (?:with|to)|talking (?:with|to)|speak (?:with|to)|ask for"
    r"|mister|missus|miss|mr|mrs|ms|dr|doctor)\.?\s+$",
    re.IGNORECASE,
)
_WEAK_CUE = re.compile(
    r"\b(?:this is|i'm|i am|it's|hi|hello|hey|dear|thanks|thank you|called|call me)\s+$", re.IGNORECASE
)


@dataclass(frozen=True)
class NameList:
    """Lower-case given names, surnames, and the names that are also everyday words or places."""

    version: str
    given: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]

    def listed(self, word: str) -> bool:
        key = word.lower()
        return key in self.given or key in self.surnames


def parse_names(raw: dict[str, Any]) -> NameList:
    """Validate the JSON document; an error names the file and the list."""
    lists: dict[str, frozenset[str]] = {}
    for key in ("given", "surnames", "ambiguous"):
        words = raw.get(key)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"{NAMES_FILE}: {key} must be a non-empty list of non-empty strings")
        lists[key] = frozenset(w.strip().lower() for w in words)
    return NameList(str(raw.get("version", "")), lists["given"], lists["surnames"], lists["ambiguous"])


@cache
def name_list() -> NameList:
    """The shipped list."""
    return parse_names(json.loads(files("callwarden.rules").joinpath(NAMES_FILE).read_text(encoding="utf-8")))


def _capitalised(word: str) -> bool:
    letters = word.rstrip(".")
    return letters[:1].isupper() and not (len(letters) > 1 and letters.isupper())


def _initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[0].isupper()


class _Text:
    """The words of a text and how they sit: adjacent (one space or a line-free gap), first in a sentence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def word(self, i: int) -> str:
        return self.words[i][2]

    def adjacent(self, i: int, j: int) -> bool:
        """Words ``i`` < ``j`` are neighbours with only spaces (no line break, no punctuation) between."""
        if not 0 <= i < j < len(self.words) or j != i + 1:
            return False
        gap = self.text[self.words[i][1] : self.words[j][0]]
        return 0 < len(gap) <= 2 and gap.strip(" ") == ""

    def sentence_initial(self, i: int) -> bool:
        before = self.text[: self.words[i][0]].rstrip(" \t")
        return not before or (before[-1] in _SENTENCE_END and not (i and _initial(self.word(i - 1))))

    def before(self, i: int) -> str:
        return self.text[max(0, self.words[i][0] - 30) : self.words[i][0]]


def _name_word(doc: _Text, i: int) -> bool:
    """A word that may be part of a written name: capitalised, not a function word, title or label."""
    word = doc.word(i)
    return _capitalised(word) and word.rstrip(".").lower() not in _NOT_NAMES


def _is_seed(doc: _Text, i: int, names: NameList) -> bool:
    word = doc.word(i).rstrip(".")
    if not names.listed(word):
        return False
    if doc.adjacent(i, i + 1) and doc.word(i + 1).rstrip(".").lower() in _PLACE_AFTER:
        return False
    if i and doc.adjacent(i - 1, i) and doc.word(i - 1).rstrip(".").lower() in _PLACE_BEFORE:
        return False
    before = doc.before(i)
    if not _capitalised(word):
        if _STRONG_CUE.search(before):
            return True
        return word.lower() not in names.ambiguous and bool(_WEAK_CUE.search(before))
    if word.lower() in _NOT_NAMES:
        return False
    if word.lower() not in names.ambiguous:
        return True
    if doc.sentence_initial(i):
        return False
    paired = (doc.adjacent(i - 1, i) and _plain_name(doc, i - 1, names)) or (
        doc.adjacent(i, i + 1) and _plain_name(doc, i + 1, names)
    )
    return bool(paired or _STRONG_CUE.search(before))


def _plain_name(doc: _Text, i: int, names: NameList) -> bool:
    """A capitalised listed name that is no everyday word, or an initial: what vouches for an ambiguous one."""
    word = doc.word(i).rstrip(".")
    return _initial(doc.word(i)) or (_capitalised(word) and names.listed(word) and word.lower() not in names.ambiguous)


def _grow(doc: _Text, i: int) -> tuple[int, int]:
    """The first and last word of the name around seed ``i``."""
    lower = not _capitalised(doc.word(i))
    first = i
    while first > 0 and i - first < 2 and doc.adjacent(first - 1, first) and not lower:
        prev = first - 1
        if not _name_word(doc, prev) or _initial(doc.word(prev)) or doc.sentence_initial(prev):
            break
        first = prev
    last = i
    while last + 1 < len(doc.words) and last - i < 3 and doc.adjacent(last, last + 1):
        nxt = doc.word(last + 1)
        if lower:
            if not name_list().listed(nxt) or nxt.lower() in name_list().ambiguous:
                break
        elif nxt.lower() in _PARTICLES:
            if not (doc.adjacent(last + 1, last + 2) and _name_word(doc, last + 2)):
                break
        elif not _name_word(doc, last + 1) or nxt.rstrip(".").lower() in _PLACE_AFTER:
            break
        last += 1
    return first, last


def find_listed_names(text: str) -> list[Finding]:
    """Names in ``text`` that hold a listed given name or surname (see the module docstring)."""
    names = name_list()
    doc = _Text(text)
    found: list[Finding] = []
    reach = -1
    for i in range(len(doc.words)):
        if i <= reach or not _is_seed(doc, i, names):
            continue
        first, last = _grow(doc, i)
        reach = last
        if _HOUSE_NUMBER_AFTER.match(text, doc.words[last][1]):
            continue  # "Joaquin Suarez 2906": a street named after a person, then its house number
        start, end = doc.words[first][0], doc.words[last][1]
        if doc.word(last).endswith(".") and not _initial(doc.word(last)):
            end -= 1  # the sentence's full stop, not part of the name
        confidence = 0.7 if last > first else 0.6
        found.append(Finding(PiiType.PERSON, start, end, confidence, PiiSource.PATTERN))
    return found
