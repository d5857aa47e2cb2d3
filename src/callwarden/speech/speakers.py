"""Who spoke when in a stereo recording: channels mapped to roles, turns merged, the other party's bleed dropped.

Stereo recordings (the dialer records each party on its own channel) make attribution a configuration
question: `ChannelRoles` says which channel is whom (VICIdial: agent left, customer right) and
`merge_channel_segments` interleaves the per-channel turns, keeping overtalk as overlapping turns rather than
cutting either. The other party often leaks faintly into a channel (line echo, a headset near a speaker), so
`suppress_bleed` drops words or turns of a channel whose span is much louder on another channel.
`channel_speech` finds each channel's turns with the energy detector of `callwarden.speech.activity`.

Mono recordings are separated into voices by `callwarden.speech.mono` and the voices named by
`callwarden.speech.roles`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from callwarden.domain.transcript import Segment, Speaker
from callwarden.speech.activity import ChannelEnergy, frame_energy, spans_from_energy


@dataclass(frozen=True)
class ChannelRoles:
    """Which party each channel of a stereo recording carries; channels not listed are `unknown`."""

    by_channel: Mapping[int, Speaker] = field(default_factory=lambda: {0: Speaker.AGENT, 1: Speaker.PROSPECT})

    @classmethod
    def vicidial(cls) -> ChannelRoles:
        """VICIdial's (and most dialers') convention: agent on the left channel, customer on the right."""
        return cls()

    @classmethod
    def parse(cls, text: str) -> ChannelRoles:
        """From a setting such as ``"agent,prospect"`` or ``"prospect,agent"`` (roles in channel order)."""
        names = [part.strip().lower() for part in text.split(",")]
        try:
            return cls({index: Speaker(name) for index, name in enumerate(names) if name})
        except ValueError:
            raise ValueError(
                f"channel roles must be agent, prospect or unknown in channel order, got {text!r}"
            ) from None

    def role(self, channel: int) -> Speaker:
        """The party on ``channel``."""
        return self.by_channel.get(channel, Speaker.UNKNOWN)

    def describe(self) -> str:
        """The setting form, roles in channel order (recorded with each transcript)."""
        return ",".join(self.role(channel).value for channel in range(max(self.by_channel, default=-1) + 1))


def _joined(first: Segment, second: Segment) -> Segment:
    text = " ".join(part for part in (first.text.strip(), second.text.strip()) if part)
    flags = tuple(dict.fromkeys((*first.flags, *second.flags)))
    return replace(
        first,
        end_s=max(first.end_s, second.end_s),
        text=text,
        words=(*first.words, *second.words),
        speaker_confidence=min(first.speaker_confidence, second.speaker_confidence),
        flags=flags,
    )


def merge_channel_segments(
    per_channel: Mapping[int, Sequence[Segment]], roles: ChannelRoles | None = None, *, join_gap_s: float = 0.5
) -> list[Segment]:
    """One time-ordered list of turns from per-channel segments, each labelled with its channel's role.

    A segment is joined onto the previous turn when it is the same channel, follows within `join_gap_s`, and
    nobody else started speaking in between. Overlapping turns of different channels both stay, whole.
    """
    roles = roles or ChannelRoles()
    labelled = [
        replace(segment, speaker=roles.role(channel), channel=channel)
        for channel, segments in per_channel.items()
        for segment in segments
    ]
    labelled.sort(key=lambda s: (s.start_s, s.end_s, s.channel or 0))
    merged: list[Segment] = []
    for segment in labelled:
        last = merged[-1] if merged else None
        if last and last.channel == segment.channel and segment.start_s - last.end_s <= join_gap_s:
            merged[-1] = _joined(last, segment)
        else:
            merged.append(segment)
    return merged


def channel_speech(
    audio: npt.ArrayLike, sample_rate: int, *, bleed_margin_db: float | None = 15.0
) -> dict[int, list[Segment]]:
    """Energy-detected speech of each channel as untexted segments (turns without a transcript).

    With `bleed_margin_db`, frames where another channel is that much louder count as silence before speech
    is detected, so the other party's leak neither forms turns of its own nor stretches a real turn.
    """
    samples = np.asarray(audio, dtype=np.float32)
    samples = samples.reshape(1, -1) if samples.ndim == 1 else samples
    energy = frame_energy(samples, sample_rate)
    found: dict[int, list[Segment]] = {}
    for channel in range(samples.shape[0]):
        db = energy.db[channel].copy()
        if bleed_margin_db is not None and samples.shape[0] > 1 and db.size:
            # The leak arrives a little late (a hybrid's echo path): compare with the other side's level
            # anywhere within ±50 ms, so the tail of each leaked syllable is caught too.
            reach = 5
            other = np.pad(np.delete(energy.db, channel, axis=0).max(axis=0), reach, mode="edge")
            loudest_other = np.lib.stride_tricks.sliding_window_view(other, 2 * reach + 1).max(axis=1)
            db[loudest_other - db >= bleed_margin_db] = np.percentile(db, 10)
        spans = spans_from_energy(db, energy.hop_s, energy.win_s, bridge_s=0.3, min_speech_s=0.15, pad_s=0.05)
        found[channel] = [Segment(Speaker.UNKNOWN, s, e, "", channel=channel) for s, e in spans]
    if bleed_margin_db is not None and samples.shape[0] > 1:
        found = suppress_bleed(found, energy, margin_db=bleed_margin_db)
    return found


class _Timed(Protocol):
    @property
    def start_s(self) -> float: ...
    @property
    def end_s(self) -> float: ...


TimedT = TypeVar("TimedT", bound=_Timed)


def suppress_bleed(
    per_channel: Mapping[int, Sequence[TimedT]], energy: ChannelEnergy, *, margin_db: float = 15.0
) -> dict[int, list[TimedT]]:
    """Drop words (or segments) of a channel whose span is `margin_db` louder on another channel.

    Real overtalk is loud on both channels and stays; a voice heard only as a leak from the other channel is
    far quieter than at its source and goes.
    """
    kept: dict[int, list[TimedT]] = {}
    for channel, items in per_channel.items():
        others = [c for c in range(energy.db.shape[0]) if c != channel]
        kept[channel] = [
            item
            for item in items
            if not any(
                energy.mean_db(other, item.start_s, item.end_s) - energy.mean_db(channel, item.start_s, item.end_s)
                >= margin_db
                for other in others
            )
        ]
    return kept
