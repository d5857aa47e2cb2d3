"""What every CLI command shares: consoles, opening the runtime, turning service errors into exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console

from callwarden.config import Settings
from callwarden.services.errors import ServiceError
from callwarden.services.runtime import NotInitialisedError, Runtime, open_runtime

err = Console(stderr=True)
out = Console()
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error naming the problem and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def runtime() -> Iterator[Runtime]:
    """Open the configured home, turning setup problems into one clear line."""
    try:
        rt = open_runtime(Settings())
    except (NotInitialisedError, ServiceError, ValueError, OSError) as exc:
        raise fail(str(exc)) from exc
    try:
        yield rt
    finally:
        rt.close()


def served(call: Callable[[], T]) -> T:
    """Run a service call, turning its refusals into an error line and exit code 1."""
    try:
        return call()
    except ServiceError as exc:
        raise fail(str(exc)) from exc


def print_json(value: Any) -> None:
    """Machine-readable output on stdout, nothing else."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=False) + "\n")
