"""Pipeline vocabulary shared by the stages, the runner and the catalogue."""

from __future__ import annotations

from enum import StrEnum


class CallStatus(StrEnum):
    """Where a call is in its pipeline; ``done`` once every stage has finished."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class JobStatus(StrEnum):
    """State of one stage's job for one call."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
