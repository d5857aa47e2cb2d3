"""A watched drop folder: dialers write recordings there, callwarden ingests each once it is complete.

"Complete" needs two signs, because a dialer may pause mid-write: the file's size and mtime have not changed
for ``settle_s``, and (on Linux) no process holds it open for writing. Names that writers use for files in
progress (``.part``, ``.tmp``, …) are never picked up. A file that failed is not retried until it changes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callwarden.ingest.paths import expand

IngestOne = Callable[[Path], dict[str, Any]]


def is_open_for_writing(path: Path) -> bool:
    """True when some process has ``path`` open for writing (Linux /proc; False where it cannot tell)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    target = str(path.resolve())
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            fds = list((pid_dir / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) != target:
                    continue
                flags_line = next(
                    line
                    for line in (pid_dir / "fdinfo" / fd.name).read_text().splitlines()
                    if line.startswith("flags:")
                )
            except (OSError, StopIteration):
                continue
            if int(flags_line.split()[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                return True
    return False


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float
    outcome: str | None = None


@dataclass
class FolderWatcher:
    """Polls ``root``; ``scan`` ingests every file that has settled and returns what happened."""

    root: Path
    ingest_one: IngestOne
    settle_s: float = 5.0
    done_dir: Path | None = None
    clock: Callable[[], float] = time.monotonic
    _seen: dict[Path, _Seen] = field(default_factory=dict)

    def scan(self) -> list[dict[str, Any]]:
        """One pass over the folder."""
        now = self.clock()
        results: list[dict[str, Any]] = []
        present = set()
        for path in expand([self.root]):
            if self.done_dir is not None and self.done_dir in path.parents:
                continue
            present.add(path)
            try:
                stat = path.stat()
            except OSError:
                continue
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                continue
            if seen.outcome is not None or now - seen.stable_since < self.settle_s or is_open_for_writing(path):
                continue
            result = self.ingest_one(path)
            seen.outcome = result["status"]
            results.append(result)
            if result["status"] != "error" and self.done_dir is not None:
                self._move_done(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return results

    def _move_done(self, path: Path) -> None:
        assert self.done_dir is not None
        target = self.done_dir / path.relative_to(self.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        for sidecar in (path.with_suffix(".json"), path.with_name(path.name + ".json")):
            if sidecar.is_file():
                os.replace(sidecar, target.parent / sidecar.name)

    def run(
        self,
        report: Callable[[dict[str, Any]], None],
        *,
        poll_s: float = 1.0,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Scan until ``stop()`` says so, reporting each ingest."""
        while not stop():
            for result in self.scan():
                report(result)
            time.sleep(poll_s)
