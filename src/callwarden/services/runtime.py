"""Wiring: one object holding the database, the vault, the pipeline runner and the worker for a data home.

Edges (CLI, web, watch folder) build a Runtime from Settings and pass it to service functions; nothing else
opens databases or key files, so every use case sees the same configuration.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from callwarden.config import Settings
from callwarden.jobs.worker import InProcessWorker
from callwarden.pipeline.runner import ORIGINAL as ORIGINAL
from callwarden.pipeline.runner import PipelineRunner
from callwarden.pipeline.stages import default_stages
from callwarden.store.blobs import open_blob_store
from callwarden.store.db import Database
from callwarden.store.keyset import Keyset
from callwarden.store.vault import Vault

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

    def __post_init__(self) -> None:
        self.worker = InProcessWorker(self.runner.run_one, threads=self.settings.workers)

    def notify_work(self) -> None:
        """Called after a commit that queued jobs."""
        self.worker.notify()

    def close(self) -> None:
        """Stop workers and release connections."""
        self.worker.stop()
        self.db.dispose()


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
    runner = PipelineRunner(db, vault, default_stages(), lease_s=settings.job_lease_s)
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
