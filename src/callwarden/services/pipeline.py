"""Running the pipeline: in the server's worker threads, or to completion from the CLI."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from callwarden.domain.access import Action, Actor
from callwarden.services.authz import require
from callwarden.services.runtime import Runtime
from callwarden.store.models import Job


def start_workers(rt: Runtime) -> None:
    """Start the in-process worker threads (``serve`` and ``demo``)."""
    rt.worker.start()


def run_pending(rt: Runtime, actor: Actor) -> int:
    """Run every runnable job in this process until none is left; returns how many ran."""
    require(actor, Action.PIPELINE_MANAGE)
    return rt.worker.drain()


def job_counts(rt: Runtime, actor: Actor) -> dict[str, int]:
    """Jobs per status, for health pages and the CLI."""
    require(actor, Action.PIPELINE_MANAGE)
    with rt.db.transaction() as session:
        return dict(Counter(session.execute(select(Job.status)).scalars()))
