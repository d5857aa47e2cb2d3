"""Named crash points for the crash-safety tests: ``CALLWARDEN_FAULT_AT=name`` kills the process there.

The tests SIGKILL a real ingest at each point and then check that the catalogue holds either nothing or a
complete call; the points cost one environment lookup each when unset.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """Die at once (as a power cut would) when the fault-injection variable names this point."""
    if os.environ.get("CALLWARDEN_FAULT_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
