"""Naming the voices of a mono recording agent and prospect from what they say.

`assign_roles` names the clusters found by `callwarden.speech.mono.separate_mono` from what they say: the agent
introduces a company, discloses the recording, asks for payment; the prospect asks who is calling or says they
are not interested. With weak cues the clusters stay `unknown`, never a guess presented as fact.
`mono_segments` turns the separation and the roles into domain segments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Segment, Speaker, Word
from callwarden.speech.mono import ClusterSpan, MonoSeparation

FloatArray = npt.NDArray[np.float64]

# Which cues name the voices; 2: any objection to the recording is a prospect cue, not only "do not record"
ROLE_CUES_VERSION = 2

# (cue, weight, pattern) over lower-cased words without punctuation. Weight 3: a cue only one side says;
# 1: a hint. Patterns stay inside one stretch of one voice, so a phrase never spans two speakers.
_AGENT_CUES: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(pattern))
    for name, weight, pattern in (
        ("introduces a company", 3, r"\bthis is \w+(?: \w+)? (?:from|with|at|calling from|calling on behalf of)\b"),
        (
            "introduces a company",
            3,
            r"\bmy name is \w+(?: \w+)? (?:and i am |and i m |i m |i am )?(?:from|with|calling)\b",
        ),
        ("calling on behalf of", 2, r"\b(?:calling (?:from|on behalf of)|on behalf of)\b"),
        ("thanks for calling", 3, r"\bthank(?:s| you) for calling\b"),
        (
            "recording disclosure",
            3,
            r"\b(?:recorded line|(?:call|calls) (?:is|are|may be|will be|might be) (?:being )?recorded"
            r"|recorded for (?:quality|training))\b",
        ),
        ("quality and training", 2, r"\bfor (?:quality|training) (?:and|or) (?:training|quality)\b"),
        (
            "asks for payment",
            2,
            r"\b(?:your (?:card|credit card|debit card|account|routing) number|pay by (?:card|credit|debit)"
            r"|expir\w* date on the card|security code on the back)\b",
        ),
        (
            "asks for the prospect",
            2,
            r"\b(?:am i speaking (?:with|to)|may i speak (?:with|to)|is this (?:mr|mrs|ms|miss)\b)",
        ),
        (
            "offers",
            1,
            r"\b(?:no upfront cost|free (?:assessment|quote|consultation|estimate)|special offer|limited time)\b",
        ),
        ("removes from list", 2, r"\b(?:take|remove|add) (?:you|your number) (?:off|from|to) (?:our|the)\b"),
        ("books", 1, r"\b(?:you are booked|i can book|can i book|we have openings)\b"),
    )
)
_PROSPECT_CUES: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(pattern))
    for name, weight, pattern in (
        ("asks who is calling", 3, r"\bwho (?:is|s) (?:this|calling)\b|\bwho are you\b"),
        ("not interested", 3, r"\bnot (?:really )?interested\b"),
        ("how did you get my number", 3, r"\bhow did you get (?:my|this) (?:number|information|details)\b"),
        (
            "do not call",
            3,
            r"\b(?:don t|do not|stop) call(?:ing)? (?:me|here)\b|\b(?:take|put) me (?:off|on) (?:your|the)\b",
        ),
        (
            "objects to the recording",
            2,
            r"\b(?:don t|do not) record\b|\bnot (?:to )?be(?:ing)? recorded\b|\bstop (?:the )?recording\b"
            r"|\b(?:turn|switch) (?:that|it|the recording|the recorder) off\b|\bi do not consent\b",
        ),
        (
            "answers to their name",
            2,
            r"^(?:yes |yeah |hello |hi )?(?:this is|speaking)(?: \w+)?$"
            r"|\b(?:yes|yeah) this is \w+\b(?! (?:from|with|at|calling))",
        ),
        ("asks the price", 1, r"\bhow much (?:does|is|will|would) (?:it|this|that)\b"),
        ("defers", 1, r"\b(?:send me|i ll think about it|i will think about it|call me back|i m busy|i am busy)\b"),
    )
)


@dataclass(frozen=True)
class RoleAssignment:
    """Which role each voice cluster plays, the cues that decided it, and how sure the decision is (0..1)."""

    roles: Mapping[int, Speaker]
    confidence: float
    cues: Mapping[int, tuple[str, ...]]

    def role(self, cluster: int) -> Speaker:
        return self.roles.get(cluster, Speaker.UNKNOWN)


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _cluster_of(word: Word, spans: Sequence[ClusterSpan], starts: FloatArray) -> int | None:
    """The cluster of the span holding the word's middle (or the nearest span within half a second)."""
    middle = (word.start_s + word.end_s) / 2
    index = int(np.searchsorted(starts, middle, side="right")) - 1
    near = [i for i in (index, index + 1) if 0 <= i < len(spans)]
    gaps = [max(spans[i].start_s - middle, middle - spans[i].end_s, 0.0) for i in near]
    if not near or min(gaps) > 0.5:
        return None
    return spans[near[int(np.argmin(gaps))]].cluster


def _stretches(spans: Sequence[ClusterSpan], words: Sequence[Word]) -> list[tuple[int, str]]:
    """Runs of consecutive words given to the same cluster, as (cluster, normalised text)."""
    starts = np.array([s.start_s for s in spans])
    runs: list[tuple[int, list[str]]] = []
    for word in sorted(words, key=lambda w: w.start_s):
        cluster = _cluster_of(word, spans, starts)
        if cluster is None:
            continue
        if runs and runs[-1][0] == cluster:
            runs[-1][1].append(word.text)
        else:
            runs.append((cluster, [word.text]))
    return [(cluster, _normalised(" ".join(texts))) for cluster, texts in runs]


def _scores(stretches: Sequence[tuple[int, str]], cluster: int) -> tuple[float, float, list[str]]:
    """Agent and prospect cue weights found in one cluster's speech (each cue counted at most twice)."""
    found: dict[tuple[str, str], tuple[float, int]] = {}
    for owner, text in stretches:
        if owner != cluster:
            continue
        for side, cues in (("agent", _AGENT_CUES), ("prospect", _PROSPECT_CUES)):
            for name, weight, pattern in cues:
                if hits := len(pattern.findall(text)):
                    previous = found.get((side, name), (weight, 0))[1]
                    found[(side, name)] = (weight, min(2, previous + hits))
    agent = sum(w * n for (side, _), (w, n) in found.items() if side == "agent")
    prospect = sum(w * n for (side, _), (w, n) in found.items() if side == "prospect")
    return agent, prospect, [f"{side}: {name}" for side, name in found]


def assign_roles(
    spans: Sequence[ClusterSpan],
    words: Sequence[Word],
    *,
    separation_confidence: float = 1.0,
    min_evidence: float = 3.0,
) -> RoleAssignment:
    """Name the voice clusters agent and prospect from content cues; too little evidence leaves them unknown.

    With two voices the evidence is (agent cues − prospect cues) of one cluster against the other's; at least
    `min_evidence` (one strong cue) decides. With a single voice, it is called the agent only when it says agent
    things and nothing a prospect says (an agent talking to voicemail), with at most 0.5 confidence, since a
    single cluster may also be two voices the separation failed to split. The confidence is the strength of
    the evidence times `separation_confidence` (pass `MonoSeparation.confidence`): roles read off badly
    separated voices are no surer than the separation.
    """
    clusters = sorted({s.cluster for s in spans})
    stretches = _stretches(spans, words)
    scores = {c: _scores(stretches, c) for c in clusters}
    cues = {c: tuple(scores[c][2]) for c in clusters}
    if len(clusters) == 1:
        (only,) = clusters
        agent, prospect, _ = scores[only]
        strength = round(1.0 - float(np.exp(-abs(agent - prospect) / 3.0)), 3)
        if agent - prospect >= min_evidence and prospect == 0:
            return RoleAssignment({only: Speaker.AGENT}, 0.5 * strength, cues)
        if prospect - agent >= min_evidence and agent == 0:
            return RoleAssignment({only: Speaker.PROSPECT}, 0.5 * strength, cues)
        return RoleAssignment({only: Speaker.UNKNOWN}, 0.0, cues)
    if len(clusters) != 2:
        return RoleAssignment({c: Speaker.UNKNOWN for c in clusters}, 0.0, cues)
    first, second = clusters
    evidence = (scores[first][0] - scores[first][1]) - (scores[second][0] - scores[second][1])
    confidence = round((1.0 - float(np.exp(-abs(evidence) / 3.0))) * separation_confidence, 3)
    if abs(evidence) < min_evidence:
        return RoleAssignment({first: Speaker.UNKNOWN, second: Speaker.UNKNOWN}, confidence, cues)
    agent, prospect = (first, second) if evidence > 0 else (second, first)
    return RoleAssignment({agent: Speaker.AGENT, prospect: Speaker.PROSPECT}, confidence, cues)


def mono_segments(separation: MonoSeparation, words: Sequence[Word], roles: RoleAssignment) -> list[Segment]:
    """The separated voices as domain segments, each with its words and a speaker confidence.

    A segment's confidence is its span's clustering margin times the role decision's confidence; segments are
    flagged ``mono_separation`` so a reader knows the speaker came from the audio, not from a channel.
    """
    starts = np.array([s.start_s for s in separation.spans])
    grouped: dict[int, list[Word]] = {i: [] for i in range(len(separation.spans))}
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        index = int(np.searchsorted(starts, middle, side="right")) - 1
        candidates = [i for i in (index, index + 1) if 0 <= i < len(separation.spans)]
        if candidates:
            distance = [
                max(separation.spans[i].start_s - middle, middle - separation.spans[i].end_s, 0.0) for i in candidates
            ]
            grouped[candidates[int(np.argmin(distance))]].append(word)
    return [
        Segment(
            speaker=roles.role(span.cluster),
            start_s=span.start_s,
            end_s=span.end_s,
            text=" ".join(w.text.strip() for w in grouped[i]),
            words=tuple(sorted(grouped[i], key=lambda w: w.start_s)),
            channel=None,
            speaker_confidence=round(span.confidence * roles.confidence, 4),
            flags=("mono_separation",),
        )
        for i, span in enumerate(separation.spans)
    ]
