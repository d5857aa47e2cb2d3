"""Objection policy: parsing and bad values, where the objection ends, the deletion it plans, deletion states."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from callwarden.domain.disclosure import DisclosurePolicy
from callwarden.domain.retention import (
    OBJECTION_PAD_S,
    DeletionRequest,
    DeletionScope,
    DeletionState,
    ObjectionAction,
    deletion_state,
    objection_end_s,
    plan_objection_deletion,
)
from callwarden.domain.transcript import Segment, Speaker
from callwarden.pipeline.consent import ConsentPolicies
from callwarden.pipeline.objection_stage import PolicyActionsStage
from callwarden.pipeline.stage import StageInput

SEGMENTS = [
    Segment(Speaker.AGENT, 0.5, 4.0, "this call is recorded for quality"),
    Segment(Speaker.PROSPECT, 4.5, 7.2, "please do not record me"),
    Segment(Speaker.AGENT, 7.8, 12.0, "of course, sorry"),
]


def test_default_policy_deletes_after_the_objection_after_a_week() -> None:
    policy = DisclosurePolicy.from_dict({})
    assert policy.on_objection is ObjectionAction.DELETE_AFTER_OBJECTION
    assert policy.objection_grace_days == 7.0
    assert DisclosurePolicy.from_dict(policy.to_dict()) == policy


@pytest.mark.parametrize("value", ["restrict", "delete_call", " Delete_After_Objection "])
def test_policy_accepts_each_action(value: str) -> None:
    policy = DisclosurePolicy.from_dict({"on_objection": value, "objection_grace_days": 0})
    assert policy.on_objection.value == value.strip().lower() and policy.objection_grace_days == 0.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"on_objection": "shred"}, "on_objection must be one of restrict, delete_after_objection, delete_call"),
        ({"objection_grace_days": -1}, "objection_grace_days must be a number of days >= 0"),
        ({"objection_grace_days": "7"}, "objection_grace_days must be a number of days"),
        ({"objection_grace_days": True}, "objection_grace_days must be a number of days"),
        ({"objection_grace_days": float("inf")}, "objection_grace_days must be a number of days >= 0"),
    ],
)
def test_bad_policy_values_are_named(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DisclosurePolicy.from_dict(raw)


def test_objection_end_is_the_end_of_the_prospects_turn() -> None:
    assert objection_end_s(SEGMENTS, 4.5) == 7.2
    assert objection_end_s(SEGMENTS, 4.4) == 7.2, "an objection timed just before its segment"
    assert objection_end_s(SEGMENTS, 13.0) == 13.0, "no turn at or after it: its own time"


def test_plan_for_each_action() -> None:
    kwargs = {"objection_at_s": 4.5, "segments": SEGMENTS, "duration_s": 12.0, "grace_days": 2.0}
    assert plan_objection_deletion(ObjectionAction.RESTRICT, policy_version="p", **kwargs) is None  # type: ignore[arg-type]
    after = plan_objection_deletion(ObjectionAction.DELETE_AFTER_OBJECTION, policy_version="p", **kwargs)  # type: ignore[arg-type]
    assert after is not None and after.scope is DeletionScope.AFTER_OBJECTION
    assert after.cut_at_s == pytest.approx(7.2 + OBJECTION_PAD_S)
    whole = plan_objection_deletion(ObjectionAction.DELETE_CALL, policy_version="p", **kwargs)  # type: ignore[arg-type]
    assert whole is not None and whole.scope is DeletionScope.CALL and whole.cut_at_s is None
    scheduled = datetime(2024, 1, 1, tzinfo=UTC)
    assert whole.due_at(scheduled) == scheduled + timedelta(days=2)


def test_nothing_to_cut_when_the_call_ends_with_the_objection() -> None:
    plan = plan_objection_deletion(
        ObjectionAction.DELETE_AFTER_OBJECTION,
        objection_at_s=4.5,
        segments=SEGMENTS[:2],
        duration_s=7.5,
        grace_days=0,
        policy_version="p",
    )
    assert plan is None


def test_a_request_needs_a_cut_exactly_when_it_cuts() -> None:
    with pytest.raises(ValueError, match="cut point"):
        DeletionRequest(DeletionScope.CALL, 3.0, 1.0, "r", "p")
    with pytest.raises(ValueError, match="cut point"):
        DeletionRequest(DeletionScope.AFTER_OBJECTION, None, 1.0, "r", "p")
    with pytest.raises(ValueError, match="cut_at_s must be a positive"):
        DeletionRequest(DeletionScope.AFTER_OBJECTION, 0.0, 1.0, "r", "p")


def test_states() -> None:
    now = datetime(2024, 1, 2, tzinfo=UTC)
    past, future = now - timedelta(hours=1), now + timedelta(hours=1)

    def state(**changes: object) -> DeletionState:
        given: dict[str, object] = {"due_at": past, "executed_at": None, "cancelled_at": None, "on_hold": False}
        return deletion_state(**{**given, **changes}, now=now)  # type: ignore[arg-type]

    assert state() is DeletionState.DUE
    assert state(due_at=future) is DeletionState.PENDING
    assert state(on_hold=True) is DeletionState.HELD
    assert state(on_hold=True, executed_at=past) is DeletionState.EXECUTED
    assert state(cancelled_at=past) is DeletionState.CANCELLED


@dataclass(frozen=True)
class Given:
    """What the policy stage reads of its StageInput (the rest of the contract is the runner's business)."""

    metadata: dict[str, Any]
    upstream: dict[str, dict[str, Any]]
    read_artifact: Callable[[str], bytes]


def stage_input(status: str, campaign: str | None = None) -> StageInput:
    transcript = json.dumps({"segments": [s.to_dict() for s in SEGMENTS]}).encode()
    given = Given(
        metadata={"campaign": campaign, "duration_s": 12.0},
        upstream={"transcribe": {}, "consent": {"disclosure": {"status": status}, "objection": {"at_s": 4.5}}},
        read_artifact=lambda kind: transcript,
    )
    return cast(StageInput, given)


def test_policy_stage_schedules_for_objected_calls_only_as_the_campaign_says() -> None:
    policies = ConsentPolicies.from_dict(
        {"default": {"objection_grace_days": 1}, "campaigns": {"keep": {"on_objection": "restrict"}}}
    )
    stage = PolicyActionsStage(policies)
    assert not stage.able_to_run(stage_input("late"))
    output = stage.run(stage_input("objected"))
    assert output.call_changes is not None and output.call_changes.schedule_deletion is not None
    request = output.call_changes.schedule_deletion
    assert request.scope is DeletionScope.AFTER_OBJECTION and request.grace_days == 1
    assert request.cut_at_s == pytest.approx(7.2 + OBJECTION_PAD_S) and request.policy_version == policies.version
    kept = stage.run(stage_input("objected", campaign="keep"))
    assert kept.call_changes is None and kept.data == {"on_objection": "restrict", "deletion": None}
