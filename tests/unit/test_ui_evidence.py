"""The call page's disclosure evidence: words for a verbal disclosure, the matched prompt for a notice."""

from __future__ import annotations

from callwarden.web.ui.evidence import disclosure_evidence
from callwarden.web.ui.pages import templates

IVR = {"method": "ivr", "at_s": 0.0, "evidence": {"prompt": "notice", "correlation": 0.871, "threshold": 0.45}}


def test_a_verbal_disclosure_shows_its_words() -> None:
    verbal = {"method": "verbal", "at_s": 3.2, "evidence": {"text": "This call is recorded.", "score": 91.0}}
    assert disclosure_evidence(verbal) == "“This call is recorded.”"


def test_a_notice_names_its_prompt_and_how_well_it_matched() -> None:
    shown = disclosure_evidence(IVR)
    assert shown == "pre-recorded prompt “notice” matched by its sound (correlation 0.87, threshold 0.45)"
    clipped = {**IVR, "evidence": {**IVR["evidence"], "began_before_recording_s": 1.23}}
    assert disclosure_evidence(clipped).endswith("; it began 1.2 s before the recording did")


def test_nothing_to_show_is_empty() -> None:
    assert disclosure_evidence({"method": None, "at_s": None, "evidence": None}) == ""
    assert disclosure_evidence({"method": "verbal", "at_s": 1.0, "evidence": {}}) == ""


def test_the_page_escapes_a_prompt_name() -> None:
    """Prompt names come from an operator's policy file; the page must not run them as markup."""
    named = {**IVR, "evidence": {**IVR["evidence"], "prompt": "<script>x</script>"}}
    html = templates.env.from_string("{{ d | disclosure_evidence }}").render(d=named)
    assert "<script>" not in html and "&lt;script&gt;" in html
