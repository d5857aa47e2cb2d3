"""People and integrations: accounts, passwords (argon2), API tokens (stored as SHA-256 digests)."""

from __future__ import annotations

import getpass
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from callwarden.domain.access import Action, Actor, Role
from callwarden.domain.audit import AuditEvent
from callwarden.services.authz import require
from callwarden.services.errors import InvalidInput, PermissionDenied
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log
from callwarden.store.models import User

TOKEN_PREFIX = "cw_"  # noqa: S105 - a public marker, not a secret
_hasher = PasswordHasher()


@dataclass(frozen=True)
class NewUser:
    """A created account; ``token`` and ``password`` are shown once and never stored in the clear."""

    name: str
    role: Role
    agent_id: str | None
    token: str | None
    password: str | None


def local_operator() -> Actor:
    """Whoever runs the CLI on the server: an admin, named after the OS account in the audit log."""
    return Actor(name=f"cli:{getpass.getuser()}", role=Role.ADMIN, via="cli")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    rt: Runtime,
    actor: Actor,
    name: str,
    role: str,
    *,
    agent_id: str | None = None,
    password: str | None = None,
    with_token: bool = False,
    with_password: bool = False,
) -> NewUser:
    """Create an account; an agent account must name the agent id whose calls it may see."""
    require(actor, Action.USER_MANAGE)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("user name must be 1-200 characters")
    try:
        parsed_role = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}") from exc
    if parsed_role is Role.AGENT and not agent_id:
        raise InvalidInput("an agent account needs --agent-id (the id the dialer uses for this agent)")
    if with_password and password is None:
        password = secrets.token_urlsafe(12)
    if password is not None and len(password) < 8:
        raise InvalidInput("password must be at least 8 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32) if with_token else None
    with rt.db.transaction() as session:
        if session.execute(select(User.id).where(User.name == name)).first() is not None:
            raise InvalidInput(f"a user named {name!r} already exists")
        session.add(
            User(
                id=str(uuid.uuid4()),
                name=name,
                role=parsed_role.value,
                agent_id=agent_id,
                password_hash=_hasher.hash(password) if password else None,
                token_digest=_digest(token) if token else None,
                created_at=datetime.now(UTC),
            )
        )
        audit_log.append(
            session,
            AuditEvent(
                actor=actor.name,
                action="user.added",
                resource_type="user",
                resource_id=name,
                details={"role": parsed_role.value, "agent_id": agent_id, "token": token is not None},
            ),
        )
    return NewUser(name=name, role=parsed_role, agent_id=agent_id, token=token, password=password)


def ensure_user(rt: Runtime, actor: Actor, name: str, role: str, agent_id: str | None, password: str) -> None:
    """Create the account, or give an existing one this role and a new password (demo set-up)."""
    require(actor, Action.USER_MANAGE)
    with rt.db.transaction() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            exists = False
        else:
            exists = True
            user.role, user.agent_id, user.password_hash = Role(role).value, agent_id, _hasher.hash(password)
            audit_log.append(
                session,
                AuditEvent(actor=actor.name, action="user.password_reset", resource_type="user", resource_id=name),
            )
    if not exists:
        add_user(rt, actor, name, role, agent_id=agent_id, password=password)


def _actor(user: User, via: str) -> Actor:
    return Actor(name=user.name, role=Role(user.role), agent_id=user.agent_id, via=via)


def actor_for_token(rt: Runtime, token: str) -> Actor:
    """The account a bearer token belongs to."""
    if not token.startswith(TOKEN_PREFIX):
        raise PermissionDenied("invalid token")
    with rt.db.transaction() as session:
        user = session.execute(select(User).where(User.token_digest == _digest(token))).scalar_one_or_none()
        if user is None or user.disabled_at is not None:
            raise PermissionDenied("invalid token")
        return _actor(user, "token")


def actor_for_login(rt: Runtime, name: str, password: str) -> Actor:
    """Check a password login; failures are audited without saying which part was wrong."""
    with rt.db.transaction() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        ok = False
        if user is not None and user.password_hash and user.disabled_at is None:
            try:
                ok = _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        audit_log.append(
            session,
            AuditEvent(
                actor=name[:200],
                action="auth.login" if ok else "auth.login_failed",
                resource_type="user",
                resource_id=name[:200],
            ),
        )
    if not ok or user is None:
        raise PermissionDenied("wrong user name or password")
    return _actor(user, "session")


def actor_by_name(rt: Runtime, name: str) -> Actor | None:
    """The account behind a signed session cookie, if it still exists and is enabled."""
    with rt.db.transaction() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None or user.disabled_at is not None:
            return None
        return _actor(user, "session")
