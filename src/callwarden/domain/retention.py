"""Retention after an objection: what a campaign's policy says to do, and the deletion it schedules.

A prospect who objects to being recorded has not consented to what is recorded after the objection. The
protective default is therefore to delete the audio from the end of the objection on and keep what came before
(the disclosure and the objection itself are the evidence that the call was handled lawfully); a policy may
instead delete the whole call, or only restrict it. Nothing is deleted at once: ``grace_days`` gives compliance
time to review the call or put it on legal hold, and a held call's deletion waits until the hold is released.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from callwarden.domain.transcript import Segment, Speaker

DEFAULT_GRACE_DAYS = 7.0
# Kept after the end of the objecting turn, so the last word of the objection is never cut off (ASR segment
# ends can fall a little early).
OBJECTION_PAD_S = 0.5


class ObjectionAction(StrEnum):
    """A policy's answer to an objection (the call is restricted in every case)."""

    RESTRICT = "restrict"
    DELETE_AFTER_OBJECTION = "delete_after_objection"
    DELETE_CALL = "delete_call"


class DeletionScope(StrEnum):
    """What a scheduled deletion removes: the audio after a cut point, or every blob of the call."""

    AFTER_OBJECTION = "after_objection"
    CALL = "call"


class DeletionState(StrEnum):
    """Where a scheduled deletion stands (``held``: due or not, it waits for a legal hold to be released)."""

    PENDING = "pending"
    DUE = "due"
    HELD = "held"
    EXECUTED = "executed"
    CANCELLED = "cancelled"


def parse_objection_action(value: object) -> ObjectionAction:
    """A policy's ``on_objection`` value, or an error naming the accepted ones."""
    try:
        return ObjectionAction(str(value).strip().lower())
    except ValueError:
        accepted = ", ".join(action.value for action in ObjectionAction)
        raise ValueError(f"on_objection must be one of {accepted}; got {value!r}") from None


def check_grace_days(value: float) -> float:
    """A grace period in days: finite and not negative (0 deletes at the next retention run)."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"objection_grace_days must be a number of days >= 0; got {value!r}")
    return value


@dataclass(frozen=True)
class DeletionRequest:
    """A deletion a policy asks for; the store turns it into a scheduled row due ``grace_days`` after it lands."""

    scope: DeletionScope
    cut_at_s: float | None
    grace_days: float
    reason: str
    policy_version: str

    def __post_init__(self) -> None:
        check_grace_days(self.grace_days)
        if (self.scope is DeletionScope.AFTER_OBJECTION) != (self.cut_at_s is not None):
            raise ValueError("a cut point is given for after_objection deletions, and only for them")
        if self.cut_at_s is not None and (not math.isfinite(self.cut_at_s) or self.cut_at_s <= 0):
            raise ValueError(f"cut_at_s must be a positive number of seconds; got {self.cut_at_s!r}")

    def due_at(self, scheduled_at: datetime) -> datetime:
        """When the deletion may run, counted from when it was scheduled."""
        return scheduled_at + timedelta(days=self.grace_days)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.value,
            "cut_at_s": self.cut_at_s,
            "grace_days": self.grace_days,
            "reason": self.reason,
            "policy_version": self.policy_version,
        }


def objection_end_s(segments: Sequence[Segment], objection_at_s: float) -> float:
    """Where the objection ends: the end of the prospect's (or an unattributed) turn it starts in.

    Falls back to the end of the nearest such turn starting after it (ASR times can put the objection a
    little before its segment), then to the objection's own time.
    """
    theirs = [s for s in segments if s.speaker in (Speaker.PROSPECT, Speaker.UNKNOWN)]
    containing = [s.end_s for s in theirs if s.start_s - 0.05 <= objection_at_s <= s.end_s]
    if containing:
        return max(containing)
    later = sorted((s for s in theirs if s.start_s >= objection_at_s), key=lambda s: s.start_s)
    return later[0].end_s if later else objection_at_s


def plan_objection_deletion(
    action: ObjectionAction,
    *,
    objection_at_s: float,
    segments: Sequence[Segment],
    duration_s: float,
    grace_days: float,
    policy_version: str,
) -> DeletionRequest | None:
    """The deletion an objection calls for under ``action``, or None when nothing is to be deleted.

    ``delete_after_objection`` on a call that ends within the objection has nothing after the cut: no request.
    """
    if action is ObjectionAction.RESTRICT:
        return None
    if action is ObjectionAction.DELETE_CALL:
        reason = f"prospect objected at {objection_at_s:.1f} s; policy deletes the whole call"
        return DeletionRequest(DeletionScope.CALL, None, grace_days, reason, policy_version)
    cut = round(objection_end_s(segments, objection_at_s) + OBJECTION_PAD_S, 3)
    if cut >= duration_s:
        return None
    reason = f"prospect objected at {objection_at_s:.1f} s; policy deletes the audio after {cut:.1f} s"
    return DeletionRequest(DeletionScope.AFTER_OBJECTION, cut, grace_days, reason, policy_version)


def deletion_state(
    *,
    due_at: datetime,
    executed_at: datetime | None,
    cancelled_at: datetime | None,
    on_hold: bool,
    now: datetime,
) -> DeletionState:
    """A scheduled deletion's state at ``now``; a legal hold outranks being due, never a finished outcome."""
    if executed_at is not None:
        return DeletionState.EXECUTED
    if cancelled_at is not None:
        return DeletionState.CANCELLED
    if on_hold:
        return DeletionState.HELD
    return DeletionState.DUE if due_at <= now else DeletionState.PENDING
