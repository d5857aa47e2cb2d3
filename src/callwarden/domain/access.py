"""Who may do what: one pure function, ``can``, checked by every service so the API, UI, CLI and exports agree.

Defaults protect the person being recorded: an action not granted here is refused, agents reach only their own
calls, restricted calls (objections, quarantine, redaction review) are for compliance and admin only, the audio
of a call under redaction review (its redaction may have leaked) only compliance may play or export, and
original (unredacted) audio additionally needs a stated purpose, which the service records in the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of DESIGN.md."""

    ADMIN = "admin"
    COMPLIANCE = "compliance"
    QA_MANAGER = "qa_manager"
    AGENT = "agent"
    AUDITOR = "auditor"


class Action(StrEnum):
    """Every guarded operation."""

    CALL_INGEST = "call.ingest"
    CALL_LIST = "call.list"
    CALL_VIEW = "call.view"
    CALL_PLAY_REDACTED = "call.play_redacted"
    CALL_PLAY_ORIGINAL = "call.play_original"
    CALL_EXPORT = "call.export"
    CALL_DELETE = "call.delete"
    AUDIT_READ = "audit.read"
    KEYS_ROTATE = "keys.rotate"
    USER_MANAGE = "user.manage"
    PIPELINE_MANAGE = "pipeline.manage"
    RETENTION_MANAGE = "retention.manage"


@dataclass(frozen=True)
class Actor:
    """Someone (or some integration) acting; ``agent_id`` links an agent account to its calls."""

    name: str
    role: Role
    agent_id: str | None = None
    via: str = "api"


@dataclass(frozen=True)
class CallResource:
    """The facts about a call that access depends on."""

    agent_id: str | None
    restricted: bool = False
    redaction_review: bool = False


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.COMPLIANCE: frozenset(
        {
            Action.CALL_INGEST,
            Action.CALL_LIST,
            Action.CALL_VIEW,
            Action.CALL_PLAY_REDACTED,
            Action.CALL_PLAY_ORIGINAL,
            Action.CALL_EXPORT,
            Action.CALL_DELETE,
            Action.AUDIT_READ,
            Action.RETENTION_MANAGE,
        }
    ),
    Role.QA_MANAGER: frozenset({Action.CALL_LIST, Action.CALL_VIEW, Action.CALL_PLAY_REDACTED}),
    Role.AGENT: frozenset({Action.CALL_LIST, Action.CALL_VIEW, Action.CALL_PLAY_REDACTED}),
    Role.AUDITOR: frozenset({Action.CALL_LIST, Action.CALL_VIEW, Action.AUDIT_READ}),
}

_RESTRICTED_ROLES = frozenset({Role.ADMIN, Role.COMPLIANCE})
_PLAYBACK = frozenset({Action.CALL_PLAY_REDACTED, Action.CALL_PLAY_ORIGINAL, Action.CALL_EXPORT})
_PURPOSE_REQUIRED = frozenset({Action.CALL_PLAY_ORIGINAL, Action.CALL_EXPORT, Action.CALL_DELETE})


def can(actor: Actor, action: Action, resource: CallResource | None = None) -> bool:
    """True when ``actor`` may perform ``action`` on ``resource`` (None for actions not about one call)."""
    if action not in _ALLOWED[actor.role]:
        return False
    if resource is None:
        return True
    if resource.restricted and actor.role not in _RESTRICTED_ROLES:
        return False
    if resource.redaction_review and action in _PLAYBACK and actor.role is not Role.COMPLIANCE:
        return False  # its audio may still hold personal data: compliance listens first
    if actor.role is Role.AGENT:
        return actor.agent_id is not None and actor.agent_id == resource.agent_id
    return True


def needs_purpose(action: Action) -> bool:
    """Actions on original audio or evidence must state why (recorded in the audit chain)."""
    return action in _PURPOSE_REQUIRED


def list_scope(actor: Actor) -> tuple[str | None, bool]:
    """How a call listing is narrowed for ``actor``: (only this agent's calls or None, include restricted)."""
    agent_only = actor.agent_id if actor.role is Role.AGENT else None
    return agent_only, actor.role in _RESTRICTED_ROLES
