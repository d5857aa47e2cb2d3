"""The embedded deployment's worker: threads in the server process that poll the jobs table.

Services call ``notify()`` after a commit that queued work, so a new call starts processing at once instead of
at the next poll; polling remains the fallback, which is what makes a missed wake-up harmless. Periodic tasks
(retention runs) are offered a turn between jobs.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable, Sequence

from callwarden.jobs.periodic import Periodic

log = logging.getLogger(__name__)

RunOne = Callable[[str], bool]


class InProcessWorker:
    """``threads`` loops, each running jobs until none is left, then waiting for a wake-up or ``poll_s``."""

    def __init__(
        self, run_one: RunOne, *, threads: int = 1, poll_s: float = 2.0, periodic: Sequence[Periodic] = ()
    ) -> None:
        self._run_one = run_one
        self._periodic = tuple(periodic)
        self._threads_wanted = threads
        self._poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.owner_prefix = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def start(self) -> None:
        """Start the worker threads (daemon threads: a stopping server does not wait on a stage)."""
        for index in range(self._threads_wanted):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self.owner_prefix}:{index}",),
                name=f"cw-worker-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def notify(self) -> None:
        """Wake idle threads: work was committed."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the threads to finish their current job and stop."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    def drain(self, owner: str = "drain") -> int:
        """Run jobs in the calling thread until none is waiting; returns how many ran (CLI and tests)."""
        count = 0
        while self._run_one(f"{self.owner_prefix}:{owner}"):
            count += 1
        return count

    def _loop(self, owner: str) -> None:
        while not self._stop.is_set():
            for task in self._periodic:
                task.maybe_run(owner)
            try:
                worked = self._run_one(owner)
            except Exception:
                log.exception("worker %s: unexpected error while claiming a job", owner)
                worked = False
            if not worked:
                self._wake.wait(self._poll_s)
                self._wake.clear()
