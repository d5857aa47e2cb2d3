"""Checking and exporting the audit chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from callwarden.domain.access import Action, Actor
from callwarden.domain.audit import AuditEvent, ChainVerdict, canonical_json
from callwarden.services.authz import require
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log


def verify_audit(rt: Runtime, actor: Actor) -> ChainVerdict:
    """Recompute every hash and link; the verdict names the first broken entry."""
    require(actor, Action.AUDIT_READ)
    with rt.db.transaction() as session:
        return audit_log.verify(session)


def export_audit(rt: Runtime, actor: Actor) -> Iterator[str]:
    """The chain as JSON lines (each line exactly the hashed fields plus the hash), oldest first.

    The export itself is recorded first, so the exported chain shows that it was exported.
    """
    require(actor, Action.AUDIT_READ)
    with rt.db.transaction() as session:
        audit_log.append(session, AuditEvent(actor=actor.name, action="audit.exported", resource_type="audit"))
    with rt.db.transaction() as session:
        for entry in audit_log.entries(session):
            yield canonical_json(entry.to_json_dict())


def call_history(rt: Runtime, actor: Actor, call_id: str) -> list[dict[str, Any]]:
    """Audit entries about one call."""
    require(actor, Action.AUDIT_READ)
    with rt.db.transaction() as session:
        return [entry.to_json_dict() for entry in audit_log.entries_for(session, call_id)]
