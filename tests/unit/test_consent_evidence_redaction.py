"""The consent verdict and record are stored in the clear, so their evidence text carries no personal data."""

from __future__ import annotations

from callwarden.pipeline.consent import without_personal_data


def test_evidence_text_is_redacted_and_everything_else_kept() -> None:
    report = {
        "disclosure": {
            "status": "given",
            "at_s": 0.3,
            "evidence": {
                "text": "Hi, this is Mark from SunBright, this call is recorded. Am I speaking with Linda Parker?",
                "matched": "this call is recorded",
                "score": 96.0,
                "phrase": "this call is recorded",
            },
        },
        "objection": {"at_s": 9.1, "evidence": {"text": "don't record me, call me on 415 555 2671 instead"}},
        "hits": [{"evidence": {"text": "my card is 4242 4242 4242 4242"}}],
    }
    clean = without_personal_data(report)
    text = clean["disclosure"]["evidence"]["text"]
    assert "Mark" not in text and "Linda" not in text and "[PERSON]" in text
    assert "this call is recorded" in text, "the disclosure itself stays readable"
    assert clean["disclosure"]["evidence"]["matched"] == "this call is recorded"
    assert clean["disclosure"]["evidence"]["phrase"] == "this call is recorded", "only text and matched"
    assert clean["objection"]["evidence"]["text"] == "don't record me, call me on [PHONE_NUMBER] instead"
    assert clean["hits"][0]["evidence"]["text"] == "my card is [CREDIT_CARD]"
    assert (clean["disclosure"]["status"], clean["disclosure"]["at_s"]) == ("given", 0.3)
    assert report["disclosure"]["evidence"]["text"].startswith("Hi, this is Mark"), "the input is not changed"
