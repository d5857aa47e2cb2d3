"""Retention use cases: running due deletions, listing them, legal holds, cancelling a scheduled deletion.

Deletions are scheduled by the pipeline (``pipeline.objection_stage``) and run when due, by the worker loops'
periodic tick or by ``callwarden retention run``; both take the same path (``execute_due``), claiming rows so
two workers never run one deletion twice. People act through these functions only with the compliance or
admin role, and every hold, release, cancellation and execution is an audit entry in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.domain.access import Action, Actor
from callwarden.domain.audit import AuditEvent
from callwarden.domain.retention import DeletionState, deletion_state
from callwarden.jobs.periodic import Periodic
from callwarden.services import deletions as executor
from callwarden.services.authz import require
from callwarden.services.errors import InvalidInput, NotFound
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log, deletions
from callwarden.store.deletions import iso
from callwarden.store.models import Call, ScheduledDeletion

SYSTEM_ACTOR = "retention"
MAX_PER_RUN = 100


@dataclass
class RetentionRun:
    """What one run did: each claimed deletion's outcome, and the due deletions a legal hold keeps waiting."""

    outcomes: list[executor.Outcome] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        done = [o.to_dict() for o in self.outcomes]
        return {
            "executed": [o for o in done if o["outcome"] == "executed"],
            "failed": [o for o in done if o["outcome"] == "failed"],
            "held": self.held,
        }


def execute_due(
    rt: Runtime, owner: str, *, actor_name: str = SYSTEM_ACTOR, now: datetime | None = None
) -> RetentionRun:
    """Claim and carry out due deletions (up to ``MAX_PER_RUN``) of calls not on hold; the tick's entry point."""
    run = RetentionRun()
    for _ in range(MAX_PER_RUN):
        moment = now or datetime.now(UTC)
        with rt.db.transaction() as session:
            claimed = deletions.claim_due(session, owner, rt.settings.job_lease_s, now=moment)
        if claimed is None:
            break
        run.outcomes.append(executor.execute(rt, claimed, actor_name))
    with rt.db.transaction() as session:
        moment = now or datetime.now(UTC)
        run.held = [_item(row, True, moment) for row in deletions.due_on_hold(session, now=moment)]
    return run


def run_due(rt: Runtime, actor: Actor, *, now: datetime | None = None) -> RetentionRun:
    """``callwarden retention run``: what is due now, executed as ``actor``."""
    require(actor, Action.RETENTION_MANAGE)
    return execute_due(rt, f"{actor.name}:run", actor_name=actor.name, now=now)


def retention_tick(rt: Runtime) -> list[Periodic]:
    """The worker loops' periodic retention run (none when ``CALLWARDEN_RETENTION_TICK_S`` is 0)."""
    every = rt.settings.retention_tick_s
    if every <= 0:
        return []
    return [Periodic("retention", lambda owner: execute_due(rt, f"{owner}:retention"), every)]


def _item(row: ScheduledDeletion, on_hold: bool, now: datetime) -> dict[str, Any]:
    state = deletion_state(
        due_at=row.due_at, executed_at=row.executed_at, cancelled_at=row.cancelled_at, on_hold=on_hold, now=now
    )
    return {
        "id": row.id,
        "call_id": row.call_id,
        "scope": row.scope,
        "cut_at_s": row.cut_at_s,
        "state": state.value,
        "reason": row.reason,
        "policy_version": row.policy_version,
        "due_at": iso(row.due_at),
        "created_at": iso(row.created_at),
        "executed_at": iso(row.executed_at),
        "cancelled_at": iso(row.cancelled_at),
        "cancelled_by": row.cancelled_by,
        "result": row.result,
        "last_error": row.last_error,
    }


def scheduled_deletions_for(session: Session, call_id: str, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """A call's scheduled deletions for its report, in the caller's transaction (access already checked)."""
    call = session.get(Call, call_id)
    if call is None:
        return []
    rows = session.execute(
        select(ScheduledDeletion).where(ScheduledDeletion.call_id == call_id).order_by(ScheduledDeletion.id)
    ).scalars()
    return [_item(row, call.legal_hold, now or datetime.now(UTC)) for row in rows]


def list_deletions(
    rt: Runtime, actor: Actor, *, state: DeletionState | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Every scheduled deletion (oldest due first), optionally only those in ``state``."""
    require(actor, Action.RETENTION_MANAGE)
    moment = now or datetime.now(UTC)
    with rt.db.transaction() as session:
        rows = session.execute(
            select(ScheduledDeletion, Call.legal_hold)
            .join(Call, Call.id == ScheduledDeletion.call_id)
            .order_by(ScheduledDeletion.due_at, ScheduledDeletion.id)
        ).all()
        items = [_item(row, on_hold, moment) for row, on_hold in rows]
    return [item for item in items if state is None or item["state"] == state.value]


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"{what} needs a reason; it is recorded in the audit log")
    return text


def _call_for_update(session: Session, call_id: str) -> Call:
    call = session.get(Call, call_id, with_for_update=True)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def hold_info(call: Call) -> dict[str, Any]:
    """A call's legal hold as shown to people."""
    return {
        "call_id": call.id,
        "legal_hold": call.legal_hold,
        "reason": call.legal_hold_reason,
        "by": call.legal_hold_by,
        "at": iso(call.legal_hold_at),
    }


def _set_hold(rt: Runtime, actor: Actor, call_id: str, reason: str, *, hold: bool) -> dict[str, Any]:
    """Place or release a hold in one transaction with its audit entry naming the deletions it affects."""
    require(actor, Action.RETENTION_MANAGE)
    text = _reason(reason, "a legal hold" if hold else "releasing a legal hold")
    with rt.db.transaction() as session:
        call = _call_for_update(session, call_id)
        if call.legal_hold == hold:
            state = (
                f"already on legal hold ({call.legal_hold_reason}, by {call.legal_hold_by})"
                if hold
                else "not on legal hold"
            )
            raise InvalidInput(f"call {call_id} is {state}")
        previous = hold_info(call)
        now = datetime.now(UTC)
        call.legal_hold, call.legal_hold_reason = hold, text if hold else None
        call.legal_hold_by, call.legal_hold_at = (actor.name, now) if hold else (None, None)
        call.updated_at = now
        affected = [row.id for row in deletions.open_for_call(session, call.id)]
        details: dict[str, Any] = (
            {"deletions_held": affected} if hold else {"hold": previous, "deletions_released": affected}
        )
        audit_log.append(
            session,
            AuditEvent(
                actor=actor.name,
                action="call.legal_hold_placed" if hold else "call.legal_hold_released",
                resource_type="call",
                resource_id=call.id,
                purpose=text,
                details=details,
            ),
            now=now,
        )
        return {**hold_info(call), **details}


def place_hold(rt: Runtime, actor: Actor, call_id: str, reason: str) -> dict[str, Any]:
    """Put a call on legal hold: none of its deletions runs until the hold is released."""
    return _set_hold(rt, actor, call_id, reason, hold=True)


def release_hold(rt: Runtime, actor: Actor, call_id: str, reason: str) -> dict[str, Any]:
    """Lift a call's legal hold; its due deletions run at the next retention run."""
    return _set_hold(rt, actor, call_id, reason, hold=False)


def cancel_deletion(rt: Runtime, actor: Actor, deletion_id: int, reason: str) -> dict[str, Any]:
    """Compliance decided after review that a scheduled deletion must not run; the pipeline never re-adds it."""
    require(actor, Action.RETENTION_MANAGE)
    text = _reason(reason, "cancelling a deletion")
    with rt.db.transaction() as session:
        row = session.get(ScheduledDeletion, deletion_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no scheduled deletion {deletion_id}")
        if row.executed_at is not None or row.cancelled_at is not None:
            raise InvalidInput(f"deletion {deletion_id} was already {'executed' if row.executed_at else 'cancelled'}")
        now = datetime.now(UTC)
        row.cancelled_at, row.cancelled_by, row.result = now, actor.name, {"cancel_reason": text}
        deletions.release(row)
        audit_log.append(
            session,
            AuditEvent(
                actor=actor.name,
                action="deletion.cancelled",
                resource_type="call",
                resource_id=row.call_id,
                purpose=text,
                details={"deletion_id": row.id, "scope": row.scope},
            ),
            now=now,
        )
        call = session.get(Call, row.call_id)
        return _item(row, bool(call and call.legal_hold), now)
