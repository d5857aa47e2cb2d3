"""Running the real ``callwarden`` command in a subprocess against a test home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from callwarden.config import Settings

CLI = [sys.executable, "-m", "callwarden"]


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWARDEN_")}
    env.update(
        CALLWARDEN_HOME=str(settings.home),
        CALLWARDEN_DATABASE_URL=settings.resolved_database_url,
        HF_HUB_OFFLINE="1",
        COLUMNS="200",
        **extra,
    )
    return env


def run_cli(settings: Settings, *args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=cli_env(settings, **extra), capture_output=True, text=True, timeout=timeout, check=False
    )


def calls_json(settings: Settings) -> list[dict[str, Any]]:
    done = run_cli(settings, "calls", "list", "--json")
    assert done.returncode == 0, done.stderr
    items: list[dict[str, Any]] = json.loads(done.stdout)["items"]
    return items


def blob_files(settings: Settings) -> list[Path]:
    return [p for p in (settings.home / "blobs").rglob("*") if p.is_file()]
