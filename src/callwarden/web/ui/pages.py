"""Pages for people: login, the call list and one call. Server-rendered, no script needed to read them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from callwarden.domain.access import Actor
from callwarden.services import calls as calls_service
from callwarden.services import users as users_service
from callwarden.services.errors import PermissionDenied
from callwarden.web.auth import SESSION_COOKIE, new_session_cookie, runtime_of, session_actor
from callwarden.web.ui.evidence import disclosure_evidence

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["disclosure_evidence"] = disclosure_evidence
router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, actor: Actor | None, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"actor": actor, **context}, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    """The same refusal the API gives, as a page."""
    return _render(request, "error.html", session_actor(request), status=status, status_code=status, message=message)


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/", response_model=None)
def home(request: Request) -> Response:
    """Start at the call list."""
    return RedirectResponse("/calls", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/calls") -> HTMLResponse:
    """The login form."""
    return _render(request, "login.html", None, next=next if next.startswith("/") else "/calls", error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/calls",
) -> Response:
    """Check the password; a signed, HttpOnly, SameSite=Strict cookie carries the session."""
    rt = runtime_of(request)
    try:
        actor = users_service.actor_for_login(rt, username, password)
    except PermissionDenied as exc:
        return _render(request, "login.html", None, status=401, next=next, error=str(exc))
    target = next if next.startswith("/") and not next.startswith("//") else "/calls"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new_session_cookie(rt, actor),
        max_age=int(rt.settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", response_model=None)
def logout(request: Request) -> Response:
    """Forget the session."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/calls", response_model=None)
def calls_page(
    request: Request, phone: str | None = None, agent_id: str | None = None, campaign: str | None = None
) -> Response:
    """The calls this person may see, with search by number, agent and campaign."""
    actor = session_actor(request)
    if actor is None:
        return _login_redirect(request)
    flt = calls_service.CallFilter(phone=phone or None, agent_id=agent_id or None, campaign=campaign or None, limit=200)
    page = calls_service.list_calls(runtime_of(request), actor, flt)
    return _render(
        request,
        "calls.html",
        actor,
        page=page,
        query={"phone": phone, "agent_id": agent_id, "campaign": campaign},
    )


@router.get("/calls/{call_id}", response_model=None)
def call_page(request: Request, call_id: str) -> Response:
    """One call: its facts, its measurements and everything the audit chain says about it."""
    actor = session_actor(request)
    if actor is None:
        return _login_redirect(request)
    item = calls_service.show_call(runtime_of(request), actor, call_id)
    return _render(request, "call.html", actor, call=item)
