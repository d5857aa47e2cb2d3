"""The disclosure verdict of one call: verbal disclosures, IVR prompt hits, the prospect's objection and
explicit consent, decided under the campaign's policy.

Verbal evidence comes from the stored transcript and, when the transcribe stage ran one, from the
consent-focused ASR pass over the opening of the call (``speech.focus``): a second decoding biased toward
disclosure wording that hears "this call is being recorded" where the plain pass heard "this call is being
ported", and the prospect's "don't record me" where the plain pass heard "don't report me". Its words are only
extra evidence for disclosure and objection detection: they never replace the transcript, and every hit or
objection they give says so (``evidence.source = "focused_pass"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from callwarden.analysis.disclosure_match import detect_disclosures, merge_hits
from callwarden.analysis.disclosure_text import PhraseLibrary
from callwarden.analysis.objection import detect_consent_answers, detect_objection
from callwarden.domain.disclosure import (
    DisclosureHit,
    DisclosureMethod,
    DisclosurePolicy,
    DisclosureVerdict,
    Objection,
    decide,
)
from callwarden.domain.transcript import Segment, Speaker

FOCUS_SOURCE = "focused_pass"


@dataclass(frozen=True)
class DisclosureAssessment:
    """Everything the consent stage reports about disclosure: the verdict, the objection and what was found."""

    verdict: DisclosureVerdict
    objection: Objection | None
    hits: tuple[DisclosureHit, ...]
    library_version: str

    def to_report(self) -> dict[str, Any]:
        """The report's ``disclosure`` and ``objection`` fields."""
        return {"disclosure": self.verdict.to_dict(), "objection": self.objection.to_dict() if self.objection else None}


def _from_focused_pass(hit: DisclosureHit) -> DisclosureHit:
    return replace(hit, evidence={**dict(hit.evidence), "source": FOCUS_SOURCE})


def assess_disclosure(
    segments: Sequence[Segment],
    policy: DisclosurePolicy | None = None,
    ivr_hits: Iterable[DisclosureHit] = (),
    library: PhraseLibrary | None = None,
    focused: Sequence[Segment] = (),
) -> DisclosureAssessment:
    """Detect verbal disclosures (in `segments` and in the `focused` pass's segments), objections and consent
    answers in `segments`, add the IVR prompt hits found acoustically (``audio.prompt_match``), and decide the
    verdict under `policy`."""
    policy = policy or DisclosurePolicy()
    library = (library or PhraseLibrary.shipped()).for_policy(policy)
    extra = [_from_focused_pass(hit) for hit in detect_disclosures(focused, library)] if focused else []
    verbal = merge_hits(detect_disclosures(segments, library), extra)
    objections = [detect_objection(segments, library, verbal)]
    # Only words the transcript's turns put in the prospect's mouth: a mono word outside every turn is unknown,
    # and the biased pass turned an agent's "for the record" into "no record" there (bench/consent.py).
    prospect = [segment for segment in focused if segment.speaker == Speaker.PROSPECT]
    if prospect and (heard := detect_objection(prospect, library)) is not None:
        objections.append(replace(heard, evidence={**dict(heard.evidence), "source": FOCUS_SOURCE}))
    objection = min((o for o in objections if o is not None), key=lambda o: o.at_s, default=None)
    consents = detect_consent_answers(segments, verbal, library, policy.consent_window_s)
    hits = tuple(sorted([*verbal, *ivr_hits], key=lambda h: h.at_s))
    if policy.require_explicit_yes:  # an IVR prompt's answer comes after the prompt: look for it too
        ivr = [h for h in hits if h.method == DisclosureMethod.IVR]
        consents += detect_consent_answers(segments, ivr, library, policy.consent_window_s)
    verdict = decide(hits, objection, policy, consents)
    return DisclosureAssessment(verdict, objection, hits, library.version)
