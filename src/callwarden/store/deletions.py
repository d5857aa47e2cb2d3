"""Scheduled deletions in the catalogue: scheduling once per call and scope, claiming due ones with a lease.

Claiming works like the jobs queue: FOR UPDATE SKIP LOCKED on PostgreSQL, the IMMEDIATE write lock on SQLite,
and a lease so the worker that re-encodes audio outside any transaction is the only one that may record the
outcome. A call on legal hold is never claimed; its deletions wait, visibly, until the hold is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from callwarden.domain.audit import AuditEvent
from callwarden.domain.retention import DeletionRequest
from callwarden.store import audit_log
from callwarden.store.models import Call, ScheduledDeletion


@dataclass(frozen=True)
class ClaimedDeletion:
    """A due deletion a worker holds until its lease runs out."""

    id: int
    call_id: str
    scope: str
    cut_at_s: float | None
    lease_owner: str


def schedule(session: Session, call: Call, request: DeletionRequest, *, now: datetime) -> ScheduledDeletion | None:
    """Add the deletion ``request`` asks for, with its audit entry; None when the call already has one of that
    scope (pending, executed or cancelled by a person): a re-run pipeline never schedules the same thing twice."""
    existing = session.execute(
        select(ScheduledDeletion.id).where(
            ScheduledDeletion.call_id == call.id, ScheduledDeletion.scope == request.scope.value
        )
    ).first()
    if existing is not None:
        return None
    row = ScheduledDeletion(
        call_id=call.id,
        scope=request.scope.value,
        cut_at_s=request.cut_at_s,
        reason=request.reason,
        policy_version=request.policy_version,
        due_at=request.due_at(now),
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit_log.append(
        session,
        AuditEvent(
            actor="pipeline",
            action="deletion.scheduled",
            resource_type="call",
            resource_id=call.id,
            details={**request.to_dict(), "deletion_id": row.id, "due_at": iso(row.due_at), "on_hold": call.legal_hold},
        ),
        now=now,
    )
    return row


def _open() -> list[ColumnElement[bool]]:
    """Neither executed nor cancelled."""
    return [ScheduledDeletion.executed_at.is_(None), ScheduledDeletion.cancelled_at.is_(None)]


def claim_due(session: Session, owner: str, lease_s: float, *, now: datetime) -> ClaimedDeletion | None:
    """Take the oldest due deletion of a call not on hold, whose lease (if any) has run out."""
    query = (
        select(ScheduledDeletion)
        .join(Call, Call.id == ScheduledDeletion.call_id)
        .where(
            *_open(),
            ScheduledDeletion.due_at <= now,
            Call.legal_hold.is_(False),
            or_(ScheduledDeletion.lease_until.is_(None), ScheduledDeletion.lease_until < now),
        )
        .order_by(ScheduledDeletion.due_at, ScheduledDeletion.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=ScheduledDeletion)
    )
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        return None
    row.lease_owner = owner
    row.lease_until = now + timedelta(seconds=lease_s)
    return ClaimedDeletion(row.id, row.call_id, row.scope, row.cut_at_s, owner)


def held(session: Session, claimed: ClaimedDeletion) -> ScheduledDeletion | None:
    """The row, locked, if ``claimed`` still holds its lease and the deletion is still open."""
    row = session.get(ScheduledDeletion, claimed.id, with_for_update=True)
    if row is None or row.lease_owner != claimed.lease_owner or row.executed_at or row.cancelled_at:
        return None
    return row


def release(row: ScheduledDeletion, error: str | None = None) -> None:
    """Give a claimed row back (held call, failure), keeping the error for ``retention list``."""
    row.lease_owner = None
    row.lease_until = None
    row.last_error = error[:4000] if error else None


def due_on_hold(session: Session, *, now: datetime) -> list[ScheduledDeletion]:
    """Open deletions that are due but wait for a legal hold to be released."""
    return list(
        session.execute(
            select(ScheduledDeletion)
            .join(Call, Call.id == ScheduledDeletion.call_id)
            .where(*_open(), ScheduledDeletion.due_at <= now, Call.legal_hold.is_(True))
            .order_by(ScheduledDeletion.due_at, ScheduledDeletion.id)
        ).scalars()
    )


def open_for_call(session: Session, call_id: str) -> list[ScheduledDeletion]:
    """A call's deletions that have neither run nor been cancelled."""
    return list(
        session.execute(
            select(ScheduledDeletion)
            .where(ScheduledDeletion.call_id == call_id, *_open())
            .order_by(ScheduledDeletion.id)
        ).scalars()
    )


def iso(moment: datetime | None) -> str | None:
    """A UTC time as ISO 8601 with a Z."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
