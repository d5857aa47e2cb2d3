"""Wiring: one object holding the database, the vault, the pipeline runner and the worker for a data home.

Edges (CLI, web, watch folder) build a Runtime from Settings and pass it to service functions; nothing else
opens databases or key files, so every use case sees the same configuration.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from callwarden.config import Settings
from callwarden.jobs.periodic import Periodic
from callwarden.jobs.worker import InProcessWorker
from callwarden.pipeline.runner import PipelineRunner
from callwarden.pipeline.stages import default_stages
from callwarden.services.consent_config import consent_policies, consent_rules
from callwarden.services.redaction_config import redaction_settings
from callwarden.services.redaction_text import pii_settings
from callwarden.services.speech import asr_engine, channel_roles
from callwarden.store.blobs import open_blob_store
from callwarden.store.db import Database
from callwarden.store.keyset import Keyset
from callwarden.store.vault import Vault

if TYPE_CHECKING:
    from callwarden.jobs.celery_queue import CeleryNotifier

log = logging.getLogger(__name__)


class NotInitialisedError(RuntimeError):
    """The data home has no database or keyset yet."""


@dataclass
class Runtime:
    """The open resources of one callwarden home."""

    settings: Settings
    db: Database
    keyset: Keyset
    vault: Vault
    runner: PipelineRunner
    worker: InProcessWorker = field(init=False)
    _notifier: CeleryNotifier | None = field(init=False, default=None, repr=False)
    _notifier_lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        # With a broker, `callwarden worker` processes do the work: serve and watch start no threads of their own.
        threads = 0 if self.uses_broker else self.settings.workers
        self.worker = InProcessWorker(self.runner.run_one, threads=threads, periodic=self.periodic_tasks())

    def periodic_tasks(self) -> list[Periodic]:
        """What worker loops run between jobs: due scheduled deletions."""
        from callwarden.services.retention import retention_tick  # imported here: retention's use cases take a Runtime

        return retention_tick(self)

    @property
    def uses_broker(self) -> bool:
        """Whether pipeline work goes to ``callwarden worker`` processes through a broker (scale-out)."""
        return self.settings.queue_url != "inprocess"

    def notify_work(self) -> None:
        """Called after a commit that queued jobs: wake local threads, and the broker's workers in scale-out."""
        self.worker.notify()
        if self.uses_broker:
            try:
                self._broker_notifier().notify()
            except Exception:
                # The jobs are committed; the workers' polling finds them. Never fail the caller over a wake-up.
                log.exception("could not send a wake-up through the broker; workers will find the job by polling")

    def close(self) -> None:
        """Stop workers, send wake-ups still waiting (bounded) and release connections."""
        self.worker.stop()
        if self._notifier is not None:
            self._notifier.close()
        self.db.dispose()

    def _broker_notifier(self) -> CeleryNotifier:
        # Made on first use: commands that never queue work should not pay for importing Celery.
        with self._notifier_lock:
            if self._notifier is None:
                from callwarden.jobs.celery_queue import CeleryNotifier

                self._notifier = CeleryNotifier(self.settings.queue_url, queue_name=self.settings.queue_name)
            return self._notifier


def open_runtime(settings: Settings) -> Runtime:
    """Open an initialised home; a clear error tells the operator to run ``callwarden init`` otherwise."""
    db = Database(settings.resolved_database_url)
    keyset_path = settings.resolved_keyset_path
    if not db.is_initialised() or not keyset_path.exists():
        db.dispose()
        raise NotInitialisedError(
            f"callwarden is not initialised in {settings.home} (no database or keyset): run `callwarden init`"
        )
    keyset = Keyset.load(keyset_path)
    vault = Vault(
        open_blob_store(
            settings.resolved_blob_url, s3_endpoint_url=settings.s3_endpoint_url, s3_region=settings.s3_region
        ),
        keyset,
    )
    stages = default_stages(
        asr_engine(settings),
        channel_roles(settings),
        consent_rules(settings),
        consent_policies(settings),
        pii=pii_settings(settings),
        redaction=redaction_settings(settings),
    )
    runner = PipelineRunner(db, vault, stages, lease_s=settings.job_lease_s)
    return Runtime(settings=settings, db=db, keyset=keyset, vault=vault, runner=runner)


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did."""

    home: Path
    created_keyset: bool
    database_url: str


def init_home(settings: Settings) -> InitResult:
    """Create the data home (0700), the keyset (0600) and the schema; safe to run again."""
    home = settings.home
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    keyset_path = settings.resolved_keyset_path
    created = not keyset_path.exists()
    if created:
        Keyset.create(keyset_path)
    secret = home / "session.key"
    if not secret.exists():
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    db = Database(settings.resolved_database_url)
    try:
        db.migrate()
    finally:
        db.dispose()
    return InitResult(home=home.resolve(), created_keyset=created, database_url=settings.resolved_database_url)
