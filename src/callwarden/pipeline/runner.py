"""Runs one claimed job: read inputs in one transaction, work outside any transaction, store in another.

The work happens outside a transaction so a long transcription never holds the database; the result is only
stored if this worker still holds the job's lease, so a job taken over after a stall is not stored twice.
A result whose input hash is already stored is reused, which makes every stage idempotent and resumable.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.domain.pipeline import CallStatus
from callwarden.pipeline.stage import (
    Stage,
    StageInput,
    StageOutput,
    input_hash,
    output_hash,
    to_json_safe,
)
from callwarden.store import audit_log, deletions, job_queue
from callwarden.store.blobs import BlobStoreError
from callwarden.store.db import Database
from callwarden.store.job_queue import ClaimedJob
from callwarden.store.models import Blob, Call, StageResult
from callwarden.store.vault import SealedBlob, Vault

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0
ORIGINAL = "original"
ARTIFACT_PREFIX = "derived"


class PipelineRunner:
    """Claims and runs jobs for an ordered list of stages."""

    def __init__(self, db: Database, vault: Vault, stages: Sequence[Stage], *, lease_s: float = 300.0) -> None:
        self.db = db
        self.vault = vault
        self.stages = list(stages)
        self._by_name = {stage.name: stage for stage in self.stages}
        self.lease_s = lease_s

    @property
    def first_stage(self) -> str:
        """Where every new call starts."""
        return self.stages[0].name

    def next_stage(self, name: str) -> str | None:
        """The stage after ``name``, or None when ``name`` is the last."""
        index = [stage.name for stage in self.stages].index(name)
        return self.stages[index + 1].name if index + 1 < len(self.stages) else None

    def run_one(self, owner: str) -> bool:
        """Claim and run one job; False when none was waiting."""
        with self.db.transaction() as session:
            claimed = job_queue.claim(session, owner, self.lease_s)
            if claimed is None:
                return False
            call = session.get(Call, claimed.call_id)
            if call is not None and call.status == CallStatus.QUEUED.value:
                call.status = CallStatus.PROCESSING.value
        try:
            self._run(claimed)
        except Exception as exc:
            log.warning("stage %s failed for call %s: %s", claimed.stage, claimed.call_id, exc)
            self._record_failure(claimed, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")
        return True

    def _run(self, claimed: ClaimedJob) -> None:
        stage = self._by_name.get(claimed.stage)
        if stage is None:
            raise LookupError(f"no stage named {claimed.stage!r} in this version of callwarden")
        made: list[SealedBlob] = []  # audio the stage seals while running; discarded unless stored
        with self.db.transaction() as session:
            given = self._gather(session, claimed.call_id, stage, made)
            wanted = input_hash(stage, given)
            done_before = session.execute(
                select(StageResult.id).where(
                    StageResult.call_id == claimed.call_id,
                    StageResult.stage == stage.name,
                    StageResult.input_hash == wanted,
                )
            ).first()
        if done_before is not None:
            self._store(claimed, stage, wanted, None, [], None)
            return
        sealed: list[tuple[str, SealedBlob]] = []
        stored = False
        try:
            try:
                result = stage.run(given) if stage.able_to_run(given) else StageOutput({"skipped": True})
            finally:
                stage.cleanup()
            data = to_json_safe(result.data)
            for name, content in result.artifacts.items():
                sealed.append((name, self.vault.seal([content], prefix=f"{ARTIFACT_PREFIX}/{claimed.call_id}")))
            stored = self._store(claimed, stage, wanted, data, sealed, result)
        finally:
            kept = {audio.sealed.blob_id for audio in result.audio} if stored else set()
            for blob in [blob for _, blob in sealed if not stored] + [b for b in made if b.blob_id not in kept]:
                self.vault.discard(blob)

    def _gather(self, session: Session, call_id: str, stage: Stage, made: list[SealedBlob]) -> StageInput:
        call = session.get(Call, call_id)
        if call is None:
            raise LookupError(f"call {call_id} no longer exists")
        upstream = {name: latest_output(session, call_id, name) or {} for name in stage.depends_on}
        original = current_blob(session, call_id, ORIGINAL)

        def seal_audio(chunks: Iterable[bytes]) -> SealedBlob:
            made.append(self.vault.seal(chunks, prefix=f"{ARTIFACT_PREFIX}/{call_id}"))
            return made[-1]

        return StageInput(
            call_id=call_id,
            recording_sha256=original.plaintext_sha256 if original is not None else call.sha256,
            metadata={
                "agent_id": call.agent_id,
                "campaign": call.campaign,
                "direction": call.direction,
                "from": call.from_number,
                "to": call.to_number,
                "agent_region": call.agent_region,
                "channels": call.channels,
                "duration_s": call.duration_s,
                "started_at": call.started_at.isoformat() if call.started_at else None,
                "agent_channel": (call.extra or {}).get("agent_channel"),
                "sample_rate": call.sample_rate,
            },
            upstream=upstream,
            open_audio=lambda: self._open_blob(call_id, ORIGINAL),
            read_artifact=lambda kind: self._read_artifact(call_id, kind),
            seal_audio=seal_audio,
            open_sealed=lambda sealed: cast(BinaryIO, self.vault.open_sealed(sealed)),
        )

    def _open_blob(self, call_id: str, kind: str) -> BinaryIO:
        with self.db.transaction() as session:
            blob = current_blob(session, call_id, kind)
            if blob is None:
                raise LookupError(f"call {call_id} has no {kind}")
            return cast(BinaryIO, self.vault.open(session, blob))

    def _read_artifact(self, call_id: str, kind: str) -> bytes:
        with self._open_blob(call_id, kind) as reader:
            return reader.read()

    def _store(
        self,
        claimed: ClaimedJob,
        stage: Stage,
        wanted: str,
        output: dict[str, Any] | None,
        artifacts: list[tuple[str, SealedBlob]],
        result: StageOutput | None,
    ) -> bool:
        """Store the result if the lease still holds; False (nothing stored) when it was lost."""
        now = datetime.now(UTC)
        replaced: list[str] = []
        with self.db.transaction() as session:
            job = job_queue.held(session, claimed)
            if job is None:
                log.info("job %s lost its lease; another worker owns it now", claimed.id)
                return False
            if output is not None:
                if artifacts:
                    output = {
                        **output,
                        "artifacts": {name: _blob_ref(blob) for name, blob in artifacts},
                    }
                if result is not None and result.audio:
                    output = {**output, "audio": {a.kind: _blob_ref(a.sealed) for a in result.audio}}
                superseding = set(result.replaces) if result is not None else set()
                for name, blob in artifacts:
                    replaced += self._record(
                        session, claimed.call_id, blob, name, "application/json", replace=name in superseding
                    )
                for audio in result.audio if result is not None else ():
                    replaced += self._record(
                        session,
                        claimed.call_id,
                        audio.sealed,
                        audio.kind,
                        audio.media_type,
                        replace=audio.kind == ORIGINAL,
                    )
                session.add(
                    StageResult(
                        call_id=claimed.call_id,
                        stage=stage.name,
                        engine=stage.engine,
                        engine_version=stage.version,
                        input_hash=wanted,
                        output=output,
                        output_hash=output_hash(output),
                        created_at=now,
                    )
                )
            job_queue.finish(job, now=now)
            call = session.get(Call, claimed.call_id)
            following = self.next_stage(stage.name)
            if following is not None:
                job_queue.enqueue(session, claimed.call_id, following, now=now)
            elif call is not None:
                call.status = CallStatus.DONE.value
            if call is not None:
                call.updated_at = now
                if result is not None:
                    _apply(session, call, result, now)
        for store_key in replaced:  # keyless after the commit: noise, removed to free the space
            try:
                self.vault.blobs.delete(store_key)
            except BlobStoreError as exc:
                log.warning("could not delete the shredded ciphertext %s: %s", store_key, exc)
        return True

    def _record(
        self, session: Session, call_id: str, sealed: SealedBlob, kind: str, media_type: str, *, replace: bool
    ) -> list[str]:
        """Catalogue a stage's blob; one that replaces (a new original, a purged transcript) shreds the current
        blob of its kind in this same transaction.

        Returns the store keys of the shredded ciphertext, to delete once the transaction has committed.
        """
        replaced = current_blob(session, call_id, kind) if replace else None
        self.vault.record(session, sealed, call_id=call_id, kind=kind, media_type=media_type)
        if replaced is None:
            return []
        self.vault.shred(session, replaced)
        return [replaced.store_key]

    def _record_failure(self, claimed: ClaimedJob, error: str) -> None:
        with self.db.transaction() as session:
            job = job_queue.held(session, claimed)
            if job is None:
                return
            final = job_queue.fail(job, error, retry_after_s=RETRY_AFTER_S)
            call = session.get(Call, claimed.call_id)
            if final and call is not None:
                call.status = CallStatus.FAILED.value
                call.updated_at = datetime.now(UTC)


def _apply(session: Session, call: Call, result: StageOutput, now: datetime) -> None:
    """A stage verdict's effect on its call and its audit entries, in the result's own transaction."""
    changes = result.call_changes
    if changes is not None:
        if changes.disclosure_status is not None:
            call.disclosure_status = changes.disclosure_status
        if changes.add_flags:
            call.flags = sorted(set(call.flags or []) | set(changes.add_flags))
        if changes.restrict:
            call.restricted = True
        if changes.schedule_deletion is not None:
            deletions.schedule(session, call, changes.schedule_deletion, now=now)
    for event in result.audit:
        audit_log.append(session, event, now=now)


def _blob_ref(blob: SealedBlob) -> dict[str, str]:
    return {"blob_id": blob.blob_id, "sha256": blob.plaintext_sha256}


def current_blob(session: Session, call_id: str, kind: str) -> Blob | None:
    """The newest blob of ``kind`` for a call that has not been shredded (the one every reader uses)."""
    return session.execute(
        select(Blob)
        .where(Blob.call_id == call_id, Blob.kind == kind, Blob.shredded_at.is_(None))
        .order_by(Blob.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def latest_output(session: Session, call_id: str, stage: str) -> dict[str, Any] | None:
    """The newest stored output of ``stage`` for a call."""
    row = session.execute(
        select(StageResult.output)
        .where(StageResult.call_id == call_id, StageResult.stage == stage)
        .order_by(StageResult.id.desc())
        .limit(1)
    ).first()
    return None if row is None else dict(row[0])
