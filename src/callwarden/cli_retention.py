"""Retention commands: ``retention run|list|cancel`` and legal holds (``calls hold|release``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from callwarden.cli_support import fail, out, print_json, runtime, served
from callwarden.domain.retention import DeletionState
from callwarden.services import retention as retention_service
from callwarden.services import users as users_service

retention_app = typer.Typer(help="Scheduled deletions (objected calls) and their execution.", no_args_is_help=True)


@retention_app.command("run")
def retention_run() -> None:
    """Execute every deletion due now (calls on legal hold wait); prints what happened as JSON."""
    with runtime() as rt:
        result = served(lambda: retention_service.run_due(rt, users_service.local_operator()))
    print_json(result.to_dict())
    if result.to_dict()["failed"]:
        raise typer.Exit(1)


@retention_app.command("list")
def retention_list(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    state: Annotated[
        str | None, typer.Option(help="Only deletions in this state: pending, due, held, executed or cancelled.")
    ] = None,
) -> None:
    """Scheduled deletions, soonest due first."""
    try:
        wanted = DeletionState(state) if state else None
    except ValueError:
        raise fail(f"--state must be one of {', '.join(s.value for s in DeletionState)}; got {state!r}") from None
    with runtime() as rt:
        items = served(lambda: retention_service.list_deletions(rt, users_service.local_operator(), state=wanted))
    if as_json:
        print_json({"items": items})
        return
    table = Table("id", "call", "scope", "cut s", "state", "due", "reason")
    for item in items:
        cut = "" if item["cut_at_s"] is None else f"{item['cut_at_s']:.1f}"
        table.add_row(
            str(item["id"]), item["call_id"][:8], item["scope"], cut, item["state"], item["due_at"], item["reason"]
        )
    out.print(table)
    out.print(f"{len(items)} deletion(s)")


@retention_app.command("cancel")
def retention_cancel(
    deletion_id: int, reason: Annotated[str, typer.Option(help="Why it must not run (audited).")]
) -> None:
    """Cancel a scheduled deletion after review; the pipeline never schedules it again."""
    with runtime() as rt:
        item = served(
            lambda: retention_service.cancel_deletion(rt, users_service.local_operator(), deletion_id, reason)
        )
    print_json(item)


def register_retention_commands(app: typer.Typer, calls_app: typer.Typer) -> None:
    """Add ``retention`` to the root app and the legal-hold commands to ``calls``."""
    app.add_typer(retention_app, name="retention")

    @calls_app.command("hold")
    def calls_hold(call_id: str, reason: Annotated[str, typer.Option(help="Why the call is held (audited).")]) -> None:
        """Put a call on legal hold: none of its deletions runs until it is released."""
        with runtime() as rt:
            info = served(lambda: retention_service.place_hold(rt, users_service.local_operator(), call_id, reason))
        print_json(info)

    @calls_app.command("release")
    def calls_release(call_id: str, reason: Annotated[str, typer.Option(help="Why the hold ends (audited).")]) -> None:
        """Lift a call's legal hold; its due deletions run at the next retention run."""
        with runtime() as rt:
            info = served(lambda: retention_service.release_hold(rt, users_service.local_operator(), call_id, reason))
        print_json(info)
