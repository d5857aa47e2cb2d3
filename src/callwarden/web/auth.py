"""Who is asking: bearer tokens for integrations, a signed session cookie for people.

The cookie holds only the user name and login time, signed with the home's ``session.key``; the account is
looked up on every request, so a disabled account loses access at once.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from callwarden.domain.access import Actor
from callwarden.services import users as users_service
from callwarden.services.errors import PermissionDenied
from callwarden.services.runtime import Runtime

SESSION_COOKIE = "cw_session"


def runtime_of(request: Request) -> Runtime:
    """The Runtime the app was built with."""
    rt: Runtime = request.app.state.runtime
    return rt


def session_signer(rt: Runtime) -> URLSafeTimedSerializer:
    """Signs session cookies with the home's secret."""
    secret = (rt.settings.home / "session.key").read_text(encoding="utf-8").strip()
    return URLSafeTimedSerializer(secret, salt="callwarden-session")


def session_actor(request: Request) -> Actor | None:
    """The person behind a valid session cookie, if any."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    rt = runtime_of(request)
    try:
        payload = session_signer(rt).loads(cookie, max_age=int(rt.settings.session_hours * 3600))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), str):
        return None
    return users_service.actor_by_name(rt, payload["u"])


def new_session_cookie(rt: Runtime, actor: Actor) -> str:
    """A signed cookie value for a fresh login."""
    return str(session_signer(rt).dumps({"u": actor.name, "t": int(time.time())}))


def api_actor(request: Request) -> Actor:
    """The caller of an API route: bearer token first, then session cookie; 401 otherwise."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        try:
            return users_service.actor_for_token(runtime_of(request), header[7:].strip())
        except PermissionDenied as exc:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from exc
    actor = session_actor(request)
    if actor is None:
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]
