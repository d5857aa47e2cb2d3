"""The FastAPI application: JSON API under /api/v1, pages for people, one error translation for both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from callwarden import __version__
from callwarden.services.errors import ServiceError
from callwarden.services.pipeline import start_workers
from callwarden.services.runtime import Runtime
from callwarden.web.api import admin, calls
from callwarden.web.ui import pages

STATIC_DIR = Path(__file__).parent / "ui" / "static"


def create_app(rt: Runtime, *, run_workers: bool = True) -> FastAPI:
    """Build the app around an open Runtime; workers start and stop with the server."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            start_workers(rt)
        yield
        rt.worker.stop()

    app = FastAPI(title="callwarden", version=__version__, lifespan=lifespan)
    app.state.runtime = rt

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)
        return pages.error_page(request, exc.http_status, str(exc))

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; media-src 'self'",
        )
        return response

    app.include_router(calls.router)
    app.include_router(admin.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
