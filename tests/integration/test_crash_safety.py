"""SIGKILL during ingest leaves nothing or a complete call, and the next ingest of the same file succeeds."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from callwarden.config import Settings
from tests.audio_fixtures import tone, write_long_wav, write_wav
from tests.integration.cli_helpers import CLI, blob_files, calls_json, cli_env, run_cli


def assert_consistent(settings: Settings) -> list[dict[str, object]]:
    """Either no call, or calls whose recording decrypts; the audit chain intact."""
    items = calls_json(settings)
    for item in items:
        show = run_cli(settings, "calls", "show", str(item["id"]), "--json")
        assert show.returncode == 0, show.stderr
    assert run_cli(settings, "audit", "verify").returncode == 0
    return items


@pytest.mark.parametrize(
    ("point", "survives"),
    [("ingest.after_seal", False), ("ingest.before_commit", False), ("ingest.after_commit", True)],
)
def test_kill_at_each_point(settings: Settings, tmp_path: Path, point: str, survives: bool) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(3.0, channels=2))
    killed = run_cli(settings, "ingest", str(wav), "--no-process", CALLWARDEN_FAULT_AT=point)
    assert killed.returncode == -signal.SIGKILL
    items = assert_consistent(settings)
    assert len(items) == (1 if survives else 0)
    again = run_cli(settings, "ingest", str(wav), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["results"][0]["status"] == ("duplicate" if survives else "created")
    (item,) = calls_json(settings)
    assert item["status"] == "done"
    assert run_cli(settings, "store", "sweep", "--older-than", "0").returncode == 0
    recordings = [p for p in blob_files(settings) if "recordings" in p.parts]
    assert len(recordings) == 1, "orphan ciphertext of the killed ingest must be swept"


@pytest.mark.slow
def test_kill_at_random_moments_of_a_large_ingest(settings: Settings, tmp_path: Path) -> None:
    wav = write_long_wav(tmp_path / "long.wav", seconds=1800, channels=2)
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([*CLI, "ingest", str(wav), "--no-process"], env=cli_env(settings))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        items = assert_consistent(settings)
        assert len(items) <= 1
    final = run_cli(settings, "ingest", str(wav), "--json", "--no-process", timeout=300)
    assert final.returncode == 0, final.stderr
    assert len(calls_json(settings)) == 1
    assert run_cli(settings, "store", "sweep", "--older-than", "0").returncode == 0
    assert len([p for p in blob_files(settings) if "recordings" in p.parts]) == 1
