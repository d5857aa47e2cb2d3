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
from callwarden.analysis.objection import detect_consent_answers, detect_objections
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
CORROBORATION_S = 2.0  # an objection heard by another hearing or the transcript this close is the same one
MISHEARD_DISCLOSURE_S = 1.0  # an unnamed voice's objection this close to a disclosure may be that disclosure


@dataclass(frozen=True)
class DisclosureAssessment:
    """Everything the consent stage reports about disclosure: the verdict, the objection and what was found."""

    verdict: DisclosureVerdict
    objection: Objection | None
    hits: tuple[DisclosureHit, ...]
    library_version: str
    # objections one hearing of the focused pass alone heard, and the transcript's unnamed ones in words also heard
    # as the disclosure (``_heard_as_disclosure``): not acted on, but a person should listen
    unconfirmed: tuple[Objection, ...] = ()

    def to_report(self) -> dict[str, Any]:
        """The report's ``disclosure``, ``objection`` and ``unconfirmed_objections`` fields."""
        return {
            "disclosure": self.verdict.to_dict(),
            "objection": self.objection.to_dict() if self.objection else None,
            "unconfirmed_objections": [o.to_dict() for o in self.unconfirmed],
        }


def _from_focused_pass(hit: DisclosureHit) -> DisclosureHit:
    return replace(hit, evidence={**dict(hit.evidence), "source": FOCUS_SOURCE})


def _hearings(focused: Sequence[Segment]) -> list[list[Segment]]:
    """The focused pass's segments, one list per hearing (``speech.focus`` flags each later hearing's segments with
    its name, so segments with the same flags are one hearing). Each hearing is read on its own: in time order
    together, one hearing's last words ran into another's first ("... to do it | Hi there, come call is
    recorded"), and a match there was timed from the wrong hearing's words (bench/consent.py)."""
    hearings: dict[tuple[str, ...], list[Segment]] = {}
    for segment in focused:
        hearings.setdefault(segment.flags, []).append(segment)
    return list(hearings.values())


def _focused_objections(
    hearings: Sequence[Sequence[Segment]], library: PhraseLibrary, plain: Sequence[Objection]
) -> tuple[list[Objection], list[Objection]]:
    """The objections the focused pass's `hearings` heard in the prospect's words, each marked as such: those that
    count and those that do not count for want of a second hearing.

    Only words the transcript's turns put in the prospect's mouth count: a mono word outside every turn is unknown,
    and the biased pass turned an agent's "for the record" into "no record" there (bench/consent.py). Where the
    pass heard the opening more than once, an objection counts only when the transcript or another hearing heard
    one within ``CORROBORATION_S`` of it: the objection prompt makes any one hearing say its words over a question
    ("Hi, how are you recording this?" as "I do not record it", "Tell me more about the installation" as "I will
    be seated. Stop recording."), and two of them did so at one moment only once (h14-given-protection, on one
    machine), while every objection the pass found in bench/consent.py but one was heard twice or more (the one:
    "Whoa, I never said you could record me, cut that out" as "Stop recording. Stop recording.", the prompt's
    words, right by luck). One hearing alone is a doubt, and a doubt goes to a person: those come back as the
    second list."""
    heard = [detect_objections([s for s in hearing if s.speaker == Speaker.PROSPECT], library) for hearing in hearings]
    found: list[Objection] = []
    unconfirmed: list[Objection] = []
    for index, objections in enumerate(heard):
        others = [plain, *(group for other, group in enumerate(heard) if other != index)]
        for objection in objections:  # backing: how many other hearings (the transcript one of them) heard one
            backing = sum(any(abs(o.at_s - objection.at_s) <= CORROBORATION_S for o in group) for group in others)
            evidence = {**dict(objection.evidence), "source": FOCUS_SOURCE, "heard_elsewhere": backing}
            (found if backing or len(hearings) == 1 else unconfirmed).append(replace(objection, evidence=evidence))
    return found, unconfirmed


def _heard_as_disclosure(
    plain: Sequence[Objection], verbal: Sequence[DisclosureHit], backed: Sequence[Objection]
) -> tuple[list[Objection], list[Objection]]:
    """The transcript's objections that count, and those that go to a person because the same words were also
    heard as a disclosure.

    In a mono call the voice separation may leave a stretch with no speaker, and then nothing says whose words an
    objection there is. When a disclosure was found at the same moment (within ``MISHEARD_DISCLOSURE_S``), those
    words are more likely the agent's disclosure misheard than the prospect's objection. bench/consent.py,
    h14-objected-take-it-off: the transcript heard "This call is recorded" as "It can't be recorded", and every
    focused hearing heard "This call is recorded" there. Counted, it would restrict and delete a properly disclosed
    recording, so it is a doubt for a person. A focused hearing's own objection at that moment still counts."""
    counted: list[Objection] = []
    doubted: list[Objection] = []
    for objection in plain:
        unnamed = objection.evidence.get("speaker") == Speaker.UNKNOWN.value
        disclosed_there = any(abs(hit.at_s - objection.at_s) <= MISHEARD_DISCLOSURE_S for hit in verbal)
        heard_again = any(abs(o.at_s - objection.at_s) <= CORROBORATION_S for o in backed)
        if unnamed and disclosed_there and not heard_again:
            doubted.append(replace(objection, evidence={**dict(objection.evidence), "heard_as_disclosure": True}))
        else:
            counted.append(objection)
    return counted, doubted


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
    hearings = _hearings(focused)
    extra = [_from_focused_pass(hit) for hearing in hearings for hit in detect_disclosures(hearing, library)]
    verbal = merge_hits(detect_disclosures(segments, library), extra)
    heard = detect_objections(segments, library, verbal)
    backed, unconfirmed = _focused_objections(hearings, library, heard)
    plain, doubted = _heard_as_disclosure(heard, verbal, backed)
    unconfirmed += doubted
    objection = min([*plain, *backed], key=lambda o: o.at_s, default=None)
    consents = detect_consent_answers(segments, verbal, library, policy.consent_window_s)
    hits = tuple(sorted([*verbal, *ivr_hits], key=lambda h: h.at_s))
    if policy.require_explicit_yes:  # an IVR prompt's answer comes after the prompt: look for it too
        ivr = [h for h in hits if h.method == DisclosureMethod.IVR]
        consents += detect_consent_answers(segments, ivr, library, policy.consent_window_s)
    verdict = decide(hits, objection, policy, consents)
    unsure = tuple(sorted(unconfirmed, key=lambda o: o.at_s))
    return DisclosureAssessment(verdict, objection, hits, library.version, unsure)
