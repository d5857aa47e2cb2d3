"""Long-running commands: ``serve``, ``watch``, ``worker`` and ``demo``."""

from __future__ import annotations

import logging
import secrets
import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer

from callwarden.cli_support import err, fail, out, runtime, served
from callwarden.config import Settings
from callwarden.domain.metadata import MetadataError
from callwarden.ingest.paths import expand, metadata_for
from callwarden.ingest.watch import FolderWatcher
from callwarden.services import pipeline as pipeline_service
from callwarden.services import users as users_service
from callwarden.services import workers as workers_service
from callwarden.services.errors import ServiceError
from callwarden.services.ingest import ingest_file
from callwarden.services.runtime import Runtime, init_home

DEMO_USERS = (
    ("admin", "admin", None),
    ("compliance", "compliance", None),
    ("qa", "qa_manager", None),
    ("agent-a101", "agent", "a-101"),
)


def ingest_path(rt: Runtime, path: Path, settings: Settings, base: Any = None) -> dict[str, Any]:
    """Ingest one file as the local operator; the result row the CLI prints."""
    try:
        meta = metadata_for(
            path,
            base,
            default_region=settings.default_phone_region,
            dialer_timezone=settings.dialer_timezone,
            extra_pattern=settings.watch_pattern,
        )
        outcome = ingest_file(rt, users_service.local_operator(), path, meta)
    except (ServiceError, MetadataError) as exc:
        return {"path": str(path), "status": "error", "error": str(exc)}
    return {
        "path": str(path),
        "status": "created" if outcome.created else "duplicate",
        "id": outcome.call_id,
        "sha256": outcome.sha256,
        "flags": list(outcome.flags),
    }


def _serve(rt: Runtime, host: str, port: int) -> None:
    # Imported here: the web stack costs a third of a second that no other command should pay.
    import uvicorn

    from callwarden.web.app import create_app

    uvicorn.run(create_app(rt), host=host, port=port, log_level=rt.settings.log_level.lower())


def register_server_commands(app: typer.Typer) -> None:
    """Add the long-running commands to the root app."""

    @app.command()
    def serve(
        host: Annotated[str | None, typer.Option(help="Address to bind (default CALLWARDEN_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default CALLWARDEN_PORT).")] = None,
    ) -> None:
        """Run the web app, the API and the in-process pipeline workers."""
        with runtime() as rt:
            _serve(rt, host or rt.settings.host, port or rt.settings.port)

    @app.command()
    def watch(
        folder: Annotated[Path, typer.Argument(help="Drop folder the dialer writes recordings into.")],
        settle: Annotated[float | None, typer.Option(help="Seconds a file must stay unchanged.")] = None,
        done_dir: Annotated[Path | None, typer.Option(help="Move ingested files (and sidecars) here.")] = None,
        once: Annotated[bool, typer.Option(help="Scan once (after the settle time) and exit.")] = False,
    ) -> None:
        """Ingest recordings from a folder as dialers finish writing them (VICIdial, Asterisk, FreeSWITCH names)."""
        if not folder.is_dir():
            raise fail(f"{folder}: not a folder")
        with runtime() as rt:
            settings = rt.settings

            def report(result: dict[str, Any]) -> None:
                if result["status"] == "error":
                    err.print(f"[red]✗[/red] {result['path']}: {result['error']}", highlight=False)
                else:
                    out.print(f"{result['status']}: {result['path']} → {result['id']}", highlight=False)

            watcher = FolderWatcher(
                folder,
                lambda path: ingest_path(rt, path, settings),
                settle_s=settle if settle is not None else settings.watch_settle_s,
                done_dir=done_dir,
            )
            pipeline_service.start_workers(rt)
            if once:
                watcher.scan()
                time.sleep(watcher.settle_s)
                for result in watcher.scan():
                    report(result)
                served(lambda: pipeline_service.run_pending(rt, users_service.local_operator()))
                return
            out.print(f"watching {folder.resolve()} (settle {watcher.settle_s:g} s); Ctrl-C stops")
            try:
                watcher.run(report)
            except KeyboardInterrupt:
                out.print("stopped")

    @app.command()
    def worker(
        concurrency: Annotated[
            int | None, typer.Option(min=1, help="Jobs this process runs at once (default CALLWARDEN_WORKERS).")
        ] = None,
        poll_interval: Annotated[
            float, typer.Option(min=0.1, help="Seconds between polls of the jobs table (the fallback for wake-ups).")
        ] = workers_service.DEFAULT_POLL_S,
    ) -> None:
        """Run pipeline jobs until SIGTERM or Ctrl-C: woken through CALLWARDEN_QUEUE_URL's broker, or polling."""
        with runtime() as rt:
            logging.basicConfig(
                level=rt.settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
            )
            code = served(
                lambda: workers_service.run_worker(
                    rt,
                    users_service.local_operator(),
                    concurrency=concurrency or max(rt.settings.workers, 1),
                    poll_s=poll_interval,
                    on_ready=lambda plan: out.print(plan.describe(), highlight=False),
                )
            )
            out.print("worker stopped")
        if code:
            raise typer.Exit(code)

    @app.command()
    def demo(
        port: Annotated[int | None, typer.Option(help="Port (default CALLWARDEN_PORT).")] = None,
        no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare the demo data, then exit.")] = False,
    ) -> None:
        """Create a home with sample calls and demo accounts, then serve it."""
        settings = Settings()
        result = init_home(settings)
        out.print(f"demo home: {result.home}")
        with runtime() as rt:
            actor = users_service.local_operator()
            logins = []
            for name, role, agent_id in DEMO_USERS:
                password = secrets.token_urlsafe(9)
                try:
                    users_service.ensure_user(rt, actor, name, role, agent_id, password)
                except ServiceError as exc:
                    raise fail(str(exc)) from exc
                logins.append((name, role, password))
            samples = resources.files("callwarden") / "samples"
            with resources.as_file(samples) as folder:
                files = expand([Path(folder)])
                for path in files:
                    row = ingest_path(rt, path, settings)
                    if row["status"] == "error":
                        raise fail(f"sample {path.name} was refused: {row['error']}")
                ran = served(lambda: pipeline_service.run_pending(rt, actor))
            out.print(f"{len(files)} sample calls in the catalogue ({ran} pipeline jobs run)")
            url = f"http://{settings.host}:{port or settings.port}/"
            out.print("\n[bold]callwarden demo[/bold]")
            out.print(f"  open   {url}")
            for name, role, password in logins:
                out.print(f"  login  {name:<12} password {password}   ({role})", highlight=False)
            if no_serve:
                return
            _serve(rt, settings.host, port or settings.port)
