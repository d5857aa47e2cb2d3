"""The scale-out queue: Celery over Redis or RabbitMQ carries wake-ups; the jobs table stays the truth.

A wake-up is an empty message. The worker that receives one runs jobs from the table until none is left, so a
lost, duplicated or late wake-up changes only *when* a job runs, never *whether*: workers also poll the table, and
leases hand a dead worker's job to another. That is why there is no result backend, no late acknowledgement and
no persistent message: the broker may lose anything it carries without losing work.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down
from kombu.utils.url import maybe_sanitize_url

from callwarden.jobs.worker import RunOne

log = logging.getLogger(__name__)

WAKE_TASK = "callwarden.wake"
DEFAULT_QUEUE_NAME = "callwarden"
# A wake-up older than this is pointless: polling has found its job long before.
WAKE_EXPIRES_S = 600.0
# How long one publish may try before the wake-up is given up (the caller never waits for it).
CONNECT_TIMEOUT_S = 2.0
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.0, "interval_step": 0.5, "interval_max": 1.0}
# Longest a Celery worker's event loop sleeps before it notices a shutdown request.
SHUTDOWN_CHECK_S = 1.0
# Wake-ups waiting for the sender thread; beyond this they add nothing (one per worker thread is plenty).
MAX_PENDING = 1000


def safe_url(url: str) -> str:
    """The broker URL without its password, for log lines."""
    return str(maybe_sanitize_url(url))


def make_celery_app(broker_url: str, *, queue_name: str = DEFAULT_QUEUE_NAME) -> Celery:
    """A Celery app that only carries wake-ups on ``queue_name``: JSON, no results, transient messages."""
    app = Celery("callwarden", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_acks_late=False,
        task_default_queue=queue_name,
        task_default_delivery_mode="transient",
        broker_connection_timeout=CONNECT_TIMEOUT_S,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    return app


def register_wake_task(
    app: Celery, run_one: RunOne, *, owner_prefix: str, stopping: threading.Event | None = None
) -> None:
    """Give ``app`` the wake task: run jobs with ``run_one`` until it returns False (or the worker is stopping)."""

    def wake() -> int:
        owner = f"{owner_prefix}:celery:{threading.current_thread().name}"
        ran = 0
        while stopping is None or not stopping.is_set():
            try:
                if not run_one(owner):
                    break
            except Exception:
                log.exception("wake-up %s: unexpected error while claiming a job", owner)
                break
            ran += 1
        if ran:
            log.info("wake-up ran %d job(s)", ran)
        return ran

    app.task(name=WAKE_TASK, ignore_result=True)(wake)


def run_celery_worker(
    app: Celery,
    *,
    concurrency: int,
    hostname: str,
    stopping: threading.Event,
    loglevel: str = "INFO",
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Consume wake-ups with ``concurrency`` threads until SIGTERM or Ctrl-C; returns the exit code.

    Celery installs the signal handlers (warm shutdown: running jobs finish). ``stopping`` is set as soon as the
    shutdown starts, so a wake task stops taking further jobs instead of draining a deep queue first. ``on_ready``
    runs once the worker consumes from the broker.
    """

    def on_shutdown(**_: Any) -> None:
        stopping.set()

    ticks: list[Any] = []

    def on_worker_ready(sender: Any = None, **_: Any) -> None:
        # The event loop sleeps until its next timer (up to 10 s over AMQP) and a signal does not wake it: a tick
        # every second makes a SIGTERM take effect at once. Ready again after a reconnect: one tick is enough.
        timer = getattr(sender, "timer", None)
        if timer is not None:
            for entry in ticks:
                entry.cancel()
            ticks[:] = [timer.call_repeatedly(SHUTDOWN_CHECK_S, _tick)]
        if on_ready is not None:
            on_ready()

    worker_shutting_down.connect(on_shutdown, weak=False)
    worker_ready.connect(on_worker_ready, weak=False)
    try:
        worker = app.Worker(
            pool="threads",
            concurrency=concurrency,
            hostname=hostname,
            loglevel=loglevel,
            quiet=True,
            without_mingle=True,
            without_gossip=True,
            without_heartbeat=True,
            optimization="fair",
        )
        if loglevel.upper() != "DEBUG":
            # Celery logs every message received and every task finished: one pair per wake-up is noise.
            for name in ("celery.worker.strategy", "celery.app.trace"):
                logging.getLogger(name).setLevel(logging.WARNING)
        worker.start()
        return int(worker.exitcode or 0)
    finally:
        stopping.set()
        worker_shutting_down.disconnect(on_shutdown)
        worker_ready.disconnect(on_worker_ready)


def _tick() -> None:
    """Nothing: its timer only bounds how long the worker's event loop sleeps."""


class CeleryNotifier:
    """Sends wake-ups from a background thread, so ``notify()`` never blocks on or raises from the broker.

    When the broker cannot be reached the failure is logged once per outage and the waiting wake-ups are
    dropped: the workers' polling picks their jobs up. ``close()`` flushes what is waiting (bounded), so a short
    command such as ``ingest --no-process`` still wakes the workers before it exits.
    """

    def __init__(self, broker_url: str, *, queue_name: str = DEFAULT_QUEUE_NAME, app: Celery | None = None) -> None:
        self._url = safe_url(broker_url)
        self._app = app if app is not None else make_celery_app(broker_url, queue_name=queue_name)
        self._cond = threading.Condition()
        self._pending = 0
        self._closing = False
        self._failing = False
        self._thread: threading.Thread | None = None
        self.sent = 0

    def notify(self) -> None:
        """Queue one wake-up; returns at once and never raises."""
        try:
            with self._cond:
                if self._closing:
                    return
                self._pending = min(self._pending + 1, MAX_PENDING)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="cw-wake-sender", daemon=True)
                    self._thread.start()
                self._cond.notify()
        except Exception:
            log.exception("could not queue a wake-up; workers will find the job by polling")

    def close(self, timeout_s: float = 5.0) -> None:
        """Send what is waiting (for at most ``timeout_s``), then stop the sender and release connections."""
        with self._cond:
            self._closing = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        if thread is None or not thread.is_alive():
            try:
                self._app.close()
            except Exception:
                log.debug("closing the broker connection pool failed", exc_info=True)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending == 0 and not self._closing:
                    self._cond.wait()
                if self._pending == 0:
                    return
                self._pending -= 1
            if not self._send():
                with self._cond:
                    dropped, self._pending = self._pending, 0
                if dropped:
                    log.debug("dropped %d more wake-up(s) while the broker is unreachable", dropped)

    def _send(self) -> bool:
        try:
            self._app.send_task(
                WAKE_TASK,
                expires=WAKE_EXPIRES_S,
                ignore_result=True,
                retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
        except Exception as exc:
            if not self._failing:
                log.warning(
                    "could not send a wake-up to %s (%s: %s); workers will find the job by polling",
                    self._url,
                    type(exc).__name__,
                    exc,
                )
            self._failing = True
            return False
        if self._failing:
            log.warning("broker %s reachable again; wake-ups resume", self._url)
        self._failing = False
        self.sent += 1
        return True


def worker_hostname(prefix: str = "callwarden") -> str:
    """A Celery node name unique to this process, so several workers on one host never clash."""
    return f"{prefix}-{os.getpid()}@{os.uname().nodename}"
