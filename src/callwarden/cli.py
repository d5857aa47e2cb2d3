"""The ``callwarden`` command line (Typer); every command goes through a service function.

Exit codes: 0 success, 1 a request that could not be served (the message says why), 2 usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callwarden.cli_retention import register_retention_commands
from callwarden.cli_server import ingest_path, register_server_commands
from callwarden.cli_support import err, fail, out, print_json, runtime, served
from callwarden.config import Settings
from callwarden.domain.metadata import MetadataError
from callwarden.ingest.paths import expand, metadata_for, read_meta_file
from callwarden.services import audit as audit_service
from callwarden.services import calls as calls_service
from callwarden.services import compliance as compliance_service
from callwarden.services import keys as keys_service
from callwarden.services import pipeline as pipeline_service
from callwarden.services import users as users_service
from callwarden.services.analyze import analyze_file
from callwarden.services.ingest import sweep_orphans
from callwarden.services.redaction_text import BadLine, redact_jsonl
from callwarden.services.runtime import init_home

app = typer.Typer(help="callwarden: ethical call recording on your own machines.", no_args_is_help=True)
calls_app = typer.Typer(help="Browse the catalogue.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
keys_app = typer.Typer(help="Key-encryption keys.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts and API tokens.", no_args_is_help=True)
store_app = typer.Typer(help="Blob store maintenance.", no_args_is_help=True)
app.add_typer(calls_app, name="calls")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(user_app, name="user")
app.add_typer(store_app, name="store")
register_server_commands(app)
register_retention_commands(app, calls_app)


@app.command()
def init() -> None:
    """Create the data home, its keyset (0600) and database; safe to run again."""
    result = init_home(Settings())
    out.print(f"home: {result.home}")
    out.print("keyset: created" if result.created_keyset else "keyset: kept (already present)")
    out.print(f"database: {result.database_url}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Recordings or folders of recordings.")],
    meta: Annotated[Path | None, typer.Option(help="META.json applied to every file (a NAME.json wins).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    process: Annotated[bool, typer.Option(help="Run the pipeline for the new calls before returning.")] = True,
) -> None:
    """Accept recordings: validate, encrypt, catalogue, audit. The same bytes twice are one call."""
    settings = Settings()
    base = None
    if meta is not None:
        try:
            base = read_meta_file(
                meta, default_region=settings.default_phone_region, dialer_timezone=settings.dialer_timezone
            )
        except MetadataError as exc:
            raise fail(str(exc)) from exc
    files = expand(paths)
    if not files:
        raise fail("no recordings found in the given paths")
    results: list[dict[str, Any]] = []
    with runtime() as rt:
        actor = users_service.local_operator()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=len(files) < 2 or as_json,
        ) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                results.append(ingest_path(rt, path, settings, base))
                progress.advance(task)
        if process:
            served(lambda: pipeline_service.run_pending(rt, actor))
    if as_json:
        print_json({"results": results})
    else:
        for r in results:
            if r["status"] == "error":
                err.print(f"[red]✗[/red] {r['path']}: {r['error']}", highlight=False)
            else:
                flags = f" flags: {', '.join(r['flags'])}" if r["flags"] else ""
                out.print(f"{'✓' if r['status'] == 'created' else '='} {r['path']} → {r['id']} ({r['status']}){flags}")
    if any(r["status"] == "error" for r in results):
        raise typer.Exit(1)


@app.command()
def analyze(
    audio: Annotated[Path, typer.Argument(help="The recording.")],
    meta: Annotated[Path | None, typer.Option(help="META.json of the call (default: a NAME.json beside it).")] = None,
    prompt: Annotated[
        list[Path] | None, typer.Option(help="Reference audio of a pre-recorded disclosure prompt (repeatable).")
    ] = None,
    redacted_audio: Annotated[
        Path | None, typer.Option(help="Also write the redacted recording (personal data replaced) to this WAV.")
    ] = None,
) -> None:
    """Print the call report of one recording as JSON (transcript redacted); nothing is stored, no home is needed."""
    settings = Settings()
    try:
        given = (
            read_meta_file(meta, default_region=settings.default_phone_region, dialer_timezone=settings.dialer_timezone)
            if meta is not None
            else None
        )
        call_meta = metadata_for(
            audio, given, default_region=settings.default_phone_region, dialer_timezone=settings.dialer_timezone
        )
    except MetadataError as exc:
        raise fail(str(exc)) from exc
    print_json(served(lambda: analyze_file(settings, audio, call_meta, prompt or [], redacted_audio)))


@app.command()
def compliance(
    by: Annotated[str, typer.Option(help="Group by agent, campaign or day (UTC).")] = "agent",
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Disclosure verdict counts and rates (given, late, missing, objected) per agent, campaign or day."""
    with runtime() as rt:
        rows = served(lambda: compliance_service.compliance_figures(rt, users_service.local_operator(), by))
    if as_csv:
        sys.stdout.write(compliance_service.figures_csv(rows, by))
        return
    if as_json:
        print_json({"group_by": by, "rows": [row.to_dict() for row in rows]})
        return
    table = Table(by, "calls", "given", "late", "missing", "objected", "pending", "given %")
    for row in rows:
        counts = row.counts
        table.add_row(
            row.key,
            str(row.calls),
            *(str(counts[s]) for s in compliance_service.STATUSES),
            str(row.pending),
            f"{row.rates()['given'] * 100:.0f}",
        )
    out.print(table)


@calls_app.command("list")
def calls_list(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    agent: Annotated[str | None, typer.Option(help="Only this agent's calls.")] = None,
    campaign: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option(help="Either party's number (E.164).")] = None,
    flag: Annotated[
        str | None, typer.Option(help="Only calls with this flag (redaction_review: the redaction review queue).")
    ] = None,
    limit: Annotated[int, typer.Option()] = 100,
) -> None:
    """List calls, newest first."""
    with runtime() as rt:
        flt = calls_service.CallFilter(
            agent_id=agent, campaign=campaign, status=status, phone=phone, flag=flag, limit=limit
        )
        page = served(lambda: calls_service.list_calls(rt, users_service.local_operator(), flt))
    if as_json:
        print_json({"items": page["items"], "total": page["total"]})
        return
    table = Table("id", "call id", "agent", "campaign", "from", "to", "started", "dur s", "status", "flags")
    for item in page["items"]:
        table.add_row(
            item["id"][:8],
            item["call_id"] or "",
            item["agent_id"] or "",
            item["campaign"] or "",
            item["from"] or "",
            item["to"] or "",
            item["started_at"] or "",
            f"{item['duration_s']:.1f}",
            item["status"],
            ",".join(item["flags"]),
        )
    out.print(table)
    out.print(f"{page['total']} call(s)")


@calls_app.command("show")
def calls_show(call_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One call with its report (the view is audited)."""
    with runtime() as rt:
        item = served(lambda: calls_service.show_call(rt, users_service.local_operator(), call_id))
    if as_json:
        print_json(item)
        return
    for key, value in item.items():
        if key not in ("report", "history"):
            out.print(f"[bold]{key}[/bold]: {value}", highlight=False)
    out.print_json(data=item["report"])


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every entry's hash and link; exit 0 only for an intact chain."""
    with runtime() as rt:
        verdict = served(lambda: audit_service.verify_audit(rt, users_service.local_operator()))
    if verdict.ok:
        out.print(f"audit chain intact: {verdict.checked} entries, head {verdict.head_hash}")
        return
    raise fail(
        f"audit chain broken at entry {verdict.broken_seq}: {verdict.reason} "
        f"({verdict.checked} entries verified before it)"
    )


@audit_app.command("export")
def audit_export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")] = None,
) -> None:
    """Write the chain as JSON lines."""
    with runtime() as rt:
        lines = served(lambda: list(audit_service.export_audit(rt, users_service.local_operator())))
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(lines)} entries to {output}")


@keys_app.command("rotate")
def keys_rotate(
    retire_old: Annotated[bool, typer.Option(help="Remove old keys from the keyset once nothing uses them.")] = False,
) -> None:
    """New key-encryption key; re-wrap every data key under it (audio is not re-encrypted)."""
    with runtime() as rt:
        result = served(lambda: keys_service.rotate_keys(rt, users_service.local_operator(), retire_old=retire_old))
    out.print(f"new primary key {result.new_kek_id}; re-wrapped {result.rewrapped} data keys")
    if result.retired:
        out.print(f"retired: {', '.join(result.retired)}")


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin, compliance, qa_manager, agent or auditor.")],
    agent_id: Annotated[str | None, typer.Option(help="For agents: the dialer's id for them.")] = None,
    print_token: Annotated[bool, typer.Option(help="Create an API token; printed as the last line.")] = False,
    password: Annotated[bool, typer.Option(help="Generate a login password and print it.")] = False,
) -> None:
    """Create an account."""
    with runtime() as rt:
        new = served(
            lambda: users_service.add_user(
                rt,
                users_service.local_operator(),
                name,
                role,
                agent_id=agent_id,
                with_token=print_token,
                with_password=password,
            )
        )
    out.print(f"user {new.name} ({new.role.value}) created")
    if new.password:
        out.print(f"password: {new.password}")
    if new.token:
        sys.stdout.write(new.token + "\n")


@store_app.command("sweep")
def store_sweep(
    older_than: Annotated[float, typer.Option(help="Only leftovers older than this many seconds.")] = 3600.0,
) -> None:
    """Remove leftovers of interrupted writes and ciphertext no call refers to."""
    with runtime() as rt:
        removed = sweep_orphans(rt, older_than_s=older_than)
    out.print(f"removed {removed} leftover object(s)")


@app.command()
def work() -> None:
    """Run every queued pipeline job in this process, then exit."""
    with runtime() as rt:
        ran = served(lambda: pipeline_service.run_pending(rt, users_service.local_operator()))
    out.print(f"ran {ran} job(s)")


@app.command("redact-text")
def redact_text_command(
    jsonl: Annotated[bool, typer.Option("--jsonl", help='JSON lines {"text": ...} on stdin.')] = False,
) -> None:
    """Redact PII in text: JSON lines on stdin -> {"text": redacted, "spans": [{type, start, end}]} on stdout."""
    if not jsonl:
        raise fail('give --jsonl and JSON lines {"text": ...} on stdin', code=2)

    def write(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    try:
        redact_jsonl(sys.stdin, write)
    except BadLine as exc:
        raise fail(str(exc)) from exc
