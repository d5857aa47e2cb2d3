"""The one place services turn ``domain.access.can`` into a refusal."""

from __future__ import annotations

from callwarden.domain.access import Action, Actor, CallResource, can, needs_purpose
from callwarden.pipeline.redact_stage import REVIEW_FLAG
from callwarden.services.errors import InvalidInput, PermissionDenied
from callwarden.store.models import Call


def call_resource(call: Call) -> CallResource:
    """The access-relevant facts of a stored call."""
    return CallResource(
        agent_id=call.agent_id, restricted=call.restricted, redaction_review=REVIEW_FLAG in (call.flags or [])
    )


def require(actor: Actor, action: Action, call: Call | None = None, *, purpose: str | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (with a purpose where one is required)."""
    if not can(actor, action, call_resource(call) if call is not None else None):
        raise PermissionDenied(f"{actor.name} ({actor.role}) may not {action.value}")
    if needs_purpose(action) and not (purpose and purpose.strip()):
        raise InvalidInput(f"{action.value} needs a stated purpose; it is recorded in the audit log")
