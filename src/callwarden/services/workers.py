"""The ``callwarden worker`` process: pipeline jobs run outside the web server.

Embedded (``CALLWARDEN_QUEUE_URL=inprocess``): threads polling the jobs table. Scale-out (a broker URL): a Celery
worker consuming wake-ups, plus the same polling threads as the fallback, so a lost wake-up, or a dead worker's job
whose lease ran out, waits only for the next poll. Both share one gate: ``concurrency`` bounds the jobs this
process runs at once, whichever path found them. The polling threads also run due scheduled deletions every
``CALLWARDEN_RETENTION_TICK_S`` (claimed rows, so several workers never run one deletion twice).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from callwarden.domain.access import Action, Actor
from callwarden.jobs.worker import InProcessWorker, RunOne
from callwarden.pipeline.runner import PipelineRunner
from callwarden.pipeline.stage import Stage, StageInput, StageOutput
from callwarden.services.authz import require
from callwarden.services.errors import InvalidInput
from callwarden.services.faults import crash_point
from callwarden.services.runtime import Runtime

DEFAULT_POLL_S = 2.0
# Crash point for the lease tests: the worker process dies inside a stage, holding the job's lease.
IN_STAGE = "worker.in_stage"


@dataclass(frozen=True)
class WorkerPlan:
    """What a worker process is about to do, for the line it prints when ready."""

    mode: str  # "celery" or "polling"
    concurrency: int
    poll_s: float
    broker: str | None
    queue_name: str | None

    def describe(self) -> str:
        """One line for the operator."""
        polling = f"polling the jobs table every {self.poll_s:g} s"
        if self.broker is None:
            return f"worker ready: {self.concurrency} thread(s) {polling}; SIGTERM or Ctrl-C stops"
        return (
            f"worker ready: {self.concurrency} thread(s) woken through {self.broker} (queue {self.queue_name}), "
            f"{polling} as the fallback; SIGTERM or Ctrl-C stops"
        )


def gated(run_one: RunOne, slots: int) -> RunOne:
    """``run_one`` limited to ``slots`` concurrent calls across every thread that uses it."""
    gate = threading.BoundedSemaphore(slots)

    def run(owner: str) -> bool:
        with gate:
            return run_one(owner)

    return run


def run_worker(
    rt: Runtime,
    actor: Actor,
    *,
    concurrency: int,
    poll_s: float = DEFAULT_POLL_S,
    on_ready: Callable[[WorkerPlan], None] | None = None,
) -> int:
    """Run pipeline jobs until SIGTERM or Ctrl-C, finishing the jobs in hand; returns the process exit code.

    Call from the main thread: it installs the signal handlers.
    """
    require(actor, Action.PIPELINE_MANAGE)
    if concurrency < 1:
        raise InvalidInput("concurrency must be at least 1")
    if poll_s <= 0:
        raise InvalidInput("the poll interval must be positive")
    run_one = gated(_runner(rt).run_one, concurrency)
    poller = InProcessWorker(run_one, threads=concurrency, poll_s=poll_s, periodic=rt.periodic_tasks())
    stop_timeout_s = rt.settings.job_lease_s
    if not rt.uses_broker:
        plan = WorkerPlan("polling", concurrency, poll_s, None, None)
        return _run_polling(poller, plan, on_ready, stop_timeout_s)
    try:
        from callwarden.jobs import celery_queue
    except ImportError as exc:
        raise InvalidInput(
            f"CALLWARDEN_QUEUE_URL names a broker but Celery is not installed ({exc}); install the scale extra"
        ) from exc
    plan = WorkerPlan(
        "celery", concurrency, poll_s, celery_queue.safe_url(rt.settings.queue_url), rt.settings.queue_name
    )
    app = celery_queue.make_celery_app(rt.settings.queue_url, queue_name=rt.settings.queue_name)
    stopping = threading.Event()
    celery_queue.register_wake_task(app, run_one, owner_prefix=poller.owner_prefix, stopping=stopping)
    poller.start()
    try:
        return celery_queue.run_celery_worker(
            app,
            concurrency=concurrency,
            hostname=celery_queue.worker_hostname(),
            stopping=stopping,
            loglevel=rt.settings.log_level.upper(),
            on_ready=(lambda: on_ready(plan)) if on_ready is not None else None,
        )
    finally:
        poller.stop(stop_timeout_s)


def _run_polling(
    poller: InProcessWorker, plan: WorkerPlan, on_ready: Callable[[WorkerPlan], None] | None, stop_timeout_s: float
) -> int:
    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    poller.start()
    try:
        if on_ready is not None:
            on_ready(plan)
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        poller.stop(stop_timeout_s)
    return 0


class _CrashingStage:
    """``inner`` with the ``worker.in_stage`` crash point at the start of ``run``."""

    def __init__(self, inner: Stage) -> None:
        self.inner = inner
        self.name = inner.name
        self.engine = inner.engine
        self.version = inner.version
        self.depends_on = inner.depends_on

    def able_to_run(self, given: StageInput) -> bool:
        return self.inner.able_to_run(given)

    def run(self, given: StageInput) -> StageOutput:
        crash_point(IN_STAGE)
        return self.inner.run(given)

    def cleanup(self) -> None:
        self.inner.cleanup()


def _runner(rt: Runtime) -> PipelineRunner:
    """The runtime's runner, or, when ``CALLWARDEN_FAULT_AT=worker.in_stage``, one whose stages die when they start."""
    if os.environ.get("CALLWARDEN_FAULT_AT") != IN_STAGE:
        return rt.runner
    stages = [_CrashingStage(stage) for stage in rt.runner.stages]
    return PipelineRunner(rt.runner.db, rt.runner.vault, stages, lease_s=rt.runner.lease_s)
