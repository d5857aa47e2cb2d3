"""The call flags a consent verdict raises: what a reviewer finds in the flagged-calls list."""

from __future__ import annotations

from callwarden.analysis.disclosure import DisclosureAssessment, assess_disclosure
from callwarden.analysis.jurisdiction import resolve_jurisdiction
from callwarden.domain.disclosure import Objection
from callwarden.domain.transcript import Segment, Speaker
from callwarden.pipeline.consent import ConsentAssessment
from callwarden.rules.loader import load_shipped_rules

TEXAS_TO_NEW_YORK = ("+15125550100", "+12128675309")


def _assessment(disclosure: DisclosureAssessment) -> ConsentAssessment:
    rules = load_shipped_rules()
    jurisdiction = resolve_jurisdiction(*TEXAS_TO_NEW_YORK, "outbound", "US-TX", rules)
    return ConsentAssessment(jurisdiction, disclosure, [], {}, "hash", {})


DISCLOSED = [Segment(Speaker.AGENT, 1.0, 3.0, "This call is recorded for quality.")]
DOUBT = Objection(8.0, {"text": "Stop recording.", "source": "focused_pass", "heard_elsewhere": 0})


def test_an_objection_one_hearing_alone_heard_flags_the_call_for_a_person() -> None:
    disclosure = assess_disclosure(DISCLOSED)
    assert "objection_unconfirmed" not in _assessment(disclosure).flags()
    doubted = DisclosureAssessment(disclosure.verdict, None, disclosure.hits, disclosure.library_version, (DOUBT,))
    flags = _assessment(doubted).flags()
    assert "objection_unconfirmed" in flags and _assessment(doubted).status == "given"
    assert not _assessment(doubted).restrict  # a doubt restricts nothing and schedules no deletion


def test_a_confirmed_objection_needs_no_second_flag() -> None:
    said = [*DISCLOSED, Segment(Speaker.PROSPECT, 8.0, 9.0, "Please do not record me.")]
    disclosure = assess_disclosure(said)
    doubted = DisclosureAssessment(disclosure.verdict, disclosure.objection, disclosure.hits, "v", (DOUBT,))
    assert _assessment(doubted).status == "objected"
    assert "objection_unconfirmed" not in _assessment(doubted).flags()
