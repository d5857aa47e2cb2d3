"""The drop-folder watcher: a file is taken only once it has settled and nobody is writing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callwarden.ingest.watch import FolderWatcher, is_open_for_writing


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def watcher(root: Path, clock: Clock, taken: list[Path], **kw: Any) -> FolderWatcher:
    def ingest(path: Path) -> dict[str, Any]:
        taken.append(path)
        return {"path": str(path), "status": "created", "id": "x"}

    return FolderWatcher(root, ingest, settle_s=5.0, clock=clock, **kw)


def test_file_is_taken_only_after_it_settles(tmp_path: Path) -> None:
    clock, taken = Clock(), []  # type: ignore[var-annotated]
    w = watcher(tmp_path, clock, taken)
    f = tmp_path / "20240115-143022_5551234567-all.wav"
    f.write_bytes(b"RIFF" + b"\0" * 100)
    assert w.scan() == [] and taken == []
    clock.now = 3
    with f.open("ab") as grow:
        grow.write(b"\0" * 100)
    assert w.scan() == []
    clock.now = 7
    assert w.scan() == []
    clock.now = 9
    assert [r["path"] for r in w.scan()] == [str(f)]
    clock.now = 30
    assert w.scan() == [] and taken == [f], "a file is ingested once"


def test_partial_names_are_ignored(tmp_path: Path) -> None:
    clock, taken = Clock(), []  # type: ignore[var-annotated]
    w = watcher(tmp_path, clock, taken)
    (tmp_path / "call.wav.part").write_bytes(b"x")
    (tmp_path / ".call.wav").write_bytes(b"x")
    w.scan()
    clock.now = 100
    assert w.scan() == []


def test_file_held_open_for_writing_waits(tmp_path: Path) -> None:
    clock, taken = Clock(), []  # type: ignore[var-annotated]
    w = watcher(tmp_path, clock, taken)
    f = tmp_path / "out-5551234567-1001-20240115-143022-1705329022.123.wav"
    with f.open("wb") as writer:
        writer.write(b"RIFF")
        writer.flush()
        assert is_open_for_writing(f)
        w.scan()
        clock.now = 100
        assert w.scan() == [], "a dialer still holding the file must not lose it to us"
    assert not is_open_for_writing(f)
    assert len(w.scan()) == 1


def test_done_dir_receives_file_and_sidecar(tmp_path: Path) -> None:
    drop, done = tmp_path / "drop", tmp_path / "done"
    drop.mkdir()
    clock, taken = Clock(), []  # type: ignore[var-annotated]
    w = watcher(drop, clock, taken, done_dir=done)
    (drop / "a.wav").write_bytes(b"x")
    (drop / "a.json").write_text("{}")
    w.scan()
    clock.now = 10
    w.scan()
    assert (done / "a.wav").exists() and (done / "a.json").exists() and not (drop / "a.wav").exists()
