"""The command line as a user runs it: ingest, duplicates, bad input, listing, audit verify around tampering."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from callwarden.config import Settings
from tests.audio_fixtures import tone, write_wav
from tests.integration.cli_helpers import blob_files, calls_json, run_cli

META = {
    "call_id": "V-77",
    "agent_id": "a-101",
    "campaign": "solar-q4",
    "direction": "outbound",
    "from": "+15125550147",
    "to": "(415) 555-2671",
    "started_at": "2026-11-02T15:04:05Z",
    "agent_region": "US-TX",
}


def test_ingest_list_show_and_duplicate(settings: Settings, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", tone(2.0, channels=2))
    (tmp_path / "call.json").write_text(json.dumps(META))
    done = run_cli(settings, "ingest", str(wav), "--json")
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "created"
    (item,) = calls_json(settings)
    assert item["id"] == result["id"] and item["status"] == "done"
    assert item["to"] == "+14155552671" and item["agent_id"] == "a-101" and item["call_id"] == "V-77"
    assert item["sha256"] == hashlib.sha256(wav.read_bytes()).hexdigest()
    again = run_cli(settings, "ingest", str(wav), "--json")
    duplicate = json.loads(again.stdout)["results"][0]
    assert duplicate["status"] == "duplicate"
    assert (duplicate["id"], duplicate["sha256"]) == (result["id"], result["sha256"])
    assert len(calls_json(settings)) == 1
    show = run_cli(settings, "calls", "show", result["id"], "--json")
    report = json.loads(show.stdout)["report"]
    assert report["duration_s"] == pytest.approx(2.0, abs=0.01) and len(report["levels"]["channels"]) == 2
    assert item["flags"], "a tone has no disclosure: the call is flagged"
    for flag, expected in ((item["flags"][0], [result["id"]]), ("redaction_review", [])):
        listed = run_cli(settings, "calls", "list", "--json", "--flag", flag)
        assert [i["id"] for i in json.loads(listed.stdout)["items"]] == expected, flag


def test_folder_ingest_with_sidecars_and_shared_meta(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for i in range(3):
        write_wav(folder / f"c{i}.wav", tone(1.0 + i / 4))
    (folder / "c1.json").write_text(json.dumps({"agent_id": "a-2"}))
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"agent_id": "a-1", "campaign": "x"}))
    done = run_cli(settings, "ingest", str(folder), "--meta", str(meta))
    assert done.returncode == 0, done.stderr
    agents = sorted(item["agent_id"] for item in calls_json(settings))
    assert agents == ["a-1", "a-1", "a-2"]


@pytest.mark.parametrize(
    ("name", "content", "meta", "needle"),
    [
        ("empty.wav", b"", None, "empty"),
        ("notes.wav", b"this is a text file, not audio\n" * 50, None, "not"),
        ("good.wav", None, "{not json", "not valid JSON"),
        ("good.wav", None, json.dumps({"to": "call me maybe"}), "not a phone number"),
        ("good.wav", None, json.dumps({"started_at": "last tuesday"}), "started_at"),
    ],
)
def test_bad_input_is_named_and_leaves_nothing(
    settings: Settings, tmp_path: Path, name: str, content: bytes | None, meta: str | None, needle: str
) -> None:
    path = tmp_path / name
    if content is None:
        write_wav(path, tone(1.0))
    else:
        path.write_bytes(content)
    if meta is not None:
        path.with_suffix(".json").write_text(meta)
    done = run_cli(settings, "ingest", str(path))
    assert done.returncode == 1
    assert needle in done.stderr and name in done.stderr
    assert "Traceback" not in done.stderr
    assert calls_json(settings) == [] and blob_files(settings) == []


def test_audit_verify_before_and_after_tampering(settings: Settings, tmp_path: Path) -> None:
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("tampering is done with the sqlite3 tool's view of the file")
    run_cli(settings, "ingest", str(write_wav(tmp_path / "a.wav", tone(1.0))))
    ok = run_cli(settings, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    db = sqlite3.connect(settings.home / "callwarden.db")
    with db:
        db.execute('UPDATE audit_events SET details = \'{"sha256": "forged"}\' WHERE seq = 1')
    db.close()
    broken = run_cli(settings, "audit", "verify")
    assert broken.returncode == 1 and "entry 1" in broken.stderr


def test_audit_export_writes_json_lines(settings: Settings, tmp_path: Path) -> None:
    run_cli(settings, "ingest", str(write_wav(tmp_path / "a.wav", tone(1.0))))
    out = tmp_path / "audit.jsonl"
    assert run_cli(settings, "audit", "export", "-o", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["action"] for r in rows][:1] == ["call.ingested"] and rows[-1]["action"] == "audit.exported"
    assert all(len(r["hash"]) == 64 for r in rows)


def test_user_add_prints_token_last(settings: Settings) -> None:
    done = run_cli(settings, "user", "add", "dialer", "--role", "admin", "--print-token")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("cw_")
    bad = run_cli(settings, "user", "add", "x", "--role", "agent")
    assert bad.returncode == 1 and "agent-id" in bad.stderr


def test_keys_rotate_keeps_calls_readable(settings: Settings, tmp_path: Path) -> None:
    run_cli(settings, "ingest", str(write_wav(tmp_path / "a.wav", tone(1.0))))
    done = run_cli(settings, "keys", "rotate", "--retire-old")
    assert done.returncode == 0, done.stderr
    rewrapped = re.search(r"re-wrapped (\d+) data keys", done.stdout)
    assert rewrapped is not None and int(rewrapped.group(1)) >= 1
    keyset = json.loads((settings.home / "keyset.json").read_text())
    assert len(keyset["keys"]) == 1
    assert (settings.home / "keyset.json").stat().st_mode & 0o777 == 0o600
    (item,) = calls_json(settings)
    assert item["status"] == "done"


def test_uninitialised_home_says_to_run_init(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "nowhere")
    done = run_cli(settings, "calls", "list")
    assert done.returncode == 1 and "callwarden init" in done.stderr


def test_watch_once_ingests_dialer_named_files_with_hints(settings: Settings, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    write_wav(drop / "out-4155552671-1001-20240115-143022-1705329022.123.wav", tone(1.0))
    (drop / "still-writing.wav.part").write_bytes(b"partial")
    done = run_cli(settings, "watch", str(drop), "--once", "--settle", "0.5")
    assert done.returncode == 0, done.stderr
    (item,) = calls_json(settings)
    assert item["to"] == "+14155552671" and item["call_id"] == "1705329022.123" and item["direction"] == "outbound"
