"""Periodic work in the worker loops (retention runs): at most once per interval, whichever thread gets there.

Worker threads call ``maybe_run`` between jobs; the first to find the interval elapsed runs the task and the
others skip it, so one process never runs it twice at once. Across processes the task itself must be safe to
run concurrently (the retention run claims rows with a lease), which is why no process-wide lock is needed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    """``task(owner)`` at most every ``every_s`` seconds; a failing task is logged and tried again next time."""

    def __init__(
        self, name: str, task: Callable[[str], object], every_s: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if every_s <= 0:
            raise ValueError(f"{name}: the interval must be positive, got {every_s}")
        self.name = name
        self._task = task
        self._every_s = every_s
        self._clock = clock
        self._next = clock()
        self._lock = threading.Lock()

    def maybe_run(self, owner: str) -> bool:
        """Run the task if its time has come and no other thread took this turn; True when it ran."""
        with self._lock:
            now = self._clock()
            if now < self._next:
                return False
            self._next = now + self._every_s
        try:
            self._task(owner)
        except Exception:
            log.exception("periodic task %s failed; it runs again in %g s", self.name, self._every_s)
        return True
