"""The audit chain in the database: append inside the caller's transaction, read back in order.

Appends take the single ``audit_head`` row with FOR UPDATE (PostgreSQL) or under SQLite's IMMEDIATE write
lock, so concurrent writers extend the chain one at a time and the entry commits or rolls back with the change
it records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.domain.audit import AuditEntry, AuditEvent, ChainVerdict, seal, verify_chain
from callwarden.store.models import AuditHead, AuditRow


def append(session: Session, event: AuditEvent, *, now: datetime | None = None) -> AuditEntry:
    """Add ``event`` to the chain in ``session``'s transaction and return the sealed entry."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    entry = seal(event, seq=head.seq + 1, at=moment.isoformat(timespec="microseconds"), prev_hash=head.hash)
    session.add(
        AuditRow(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            resource_type=entry.resource_type,
            resource_id=entry.resource_id,
            purpose=entry.purpose,
            details=dict(entry.details),
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
    )
    head.seq = entry.seq
    head.hash = entry.hash
    return entry


def _to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        purpose=row.purpose,
        details=row.details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def entries(session: Session, *, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry in sequence order, read in batches so a long chain never sits in memory at once."""
    after = 0
    while True:
        rows = session.execute(select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch))
        page = [_to_entry(row) for row in rows.scalars()]
        if not page:
            return
        yield from page
        after = page[-1].seq


def entries_for(session: Session, resource_id: str) -> list[AuditEntry]:
    """Entries about one resource (a call's history), oldest first."""
    rows = session.execute(select(AuditRow).where(AuditRow.resource_id == resource_id).order_by(AuditRow.seq))
    return [_to_entry(row) for row in rows.scalars()]


def verify(session: Session) -> ChainVerdict:
    """Check every entry and that the chain ends where the head row says it does."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    return verify_chain(entries(session), expected_count=head.seq, expected_head=head.hash)
