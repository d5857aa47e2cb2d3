"""What the call page says about a disclosure's evidence, as plain words a reviewer can check.

A verbal disclosure is its words. A pre-recorded notice has no words worth showing (ASR garbles prompts; that is
why it is matched by sound), so the page names the reference prompt that matched, how well against the threshold,
and whether the recording lacked the notice's start: the facts a reviewer needs to judge the match.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def disclosure_evidence(disclosure: Mapping[str, Any]) -> str:
    """The evidence of a found disclosure (a report's ``disclosure``), or "" where there is none to show."""
    evidence = disclosure.get("evidence") or {}
    if disclosure.get("method") == "ivr" and evidence.get("prompt"):
        words = (
            f"pre-recorded prompt “{evidence['prompt']}” matched by its sound "
            f"(correlation {evidence.get('correlation', 0):.2f}, threshold {evidence.get('threshold', 0):.2f})"
        )
        began = evidence.get("began_before_recording_s")
        if began:
            words += f"; it began {began:.1f} s before the recording did"
        return words
    text = evidence.get("text")
    return f"“{text}”" if text else ""
