"""Executing one claimed deletion: crypto-shredding, and cutting an original short.

``delete_call`` shreds every blob of the call (the original and everything derived from it) in one transaction
and keeps the catalogue row, the consent records and the audit trail. ``after_objection`` seals the kept part
as a new original first (outside any transaction: re-encoding an hour takes a while), checks that it decodes,
then one transaction records it, shreds the old original and every derived blob, and queues the call from the
first stage so its transcript and everything else are rebuilt from what is kept. A crash before that commit
leaves the old state and an unreferenced sealed blob, which ``store sweep`` removes; after it, the new state.
Each outcome is an audit entry in the transaction that makes it true; a call put on legal hold meanwhile is
left untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.audio.probe import probe
from callwarden.domain.audit import AuditEvent
from callwarden.domain.pipeline import CallStatus
from callwarden.domain.retention import DeletionScope
from callwarden.pipeline.runner import ORIGINAL
from callwarden.pipeline.truncation import truncated
from callwarden.services.faults import crash_point
from callwarden.services.ingest import RECORDING_PREFIX
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log, deletions, job_queue
from callwarden.store.blobs import BlobStoreError
from callwarden.store.deletions import ClaimedDeletion
from callwarden.store.models import Blob, Call, ScheduledDeletion
from callwarden.store.vault import SealedBlob

log = logging.getLogger(__name__)

# Crash point for the crash-safety test: the kept audio is sealed, nothing about it is recorded yet.
AFTER_SEAL = "retention.after_seal"
DELETED_FLAG = "audio_deleted"
TRUNCATED_FLAG = "audio_deleted_after_objection"


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed deletion: executed, held (a legal hold came first), lost (another worker
    owns it now) or failed (it stays open and is tried again)."""

    deletion_id: int
    call_id: str
    scope: str
    outcome: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "deletion_id": self.deletion_id,
            "call_id": self.call_id,
            "scope": self.scope,
            "outcome": self.outcome,
            **self.detail,
        }


def execute(rt: Runtime, claimed: ClaimedDeletion, actor_name: str) -> Outcome:
    """Carry out ``claimed``; errors leave it open (released, with the error kept) and are reported, not raised."""
    try:
        if claimed.scope == DeletionScope.CALL.value:
            return _delete_call(rt, claimed, actor_name)
        return _delete_after_cut(rt, claimed, actor_name)
    except Exception as exc:
        log.warning("deletion %s of call %s failed: %s", claimed.id, claimed.call_id, exc)
        with rt.db.transaction() as session:
            row = deletions.held(session, claimed)
            if row is not None:
                deletions.release(row, f"{type(exc).__name__}: {exc}")
        return _outcome(claimed, "failed", {"error": f"{type(exc).__name__}: {exc}"})


def _outcome(claimed: ClaimedDeletion, outcome: str, detail: dict[str, Any] | None = None) -> Outcome:
    return Outcome(claimed.id, claimed.call_id, claimed.scope, outcome, detail or {})


def _live_blobs(session: Session, call_id: str) -> list[Blob]:
    return list(
        session.execute(
            select(Blob).where(Blob.call_id == call_id, Blob.shredded_at.is_(None)).order_by(Blob.created_at)
        ).scalars()
    )


def _current_original(session: Session, call_id: str) -> Blob:
    originals = [blob for blob in _live_blobs(session, call_id) if blob.kind == ORIGINAL]
    if not originals:
        raise LookupError(f"call {call_id} has no original recording left to cut")
    return originals[-1]


def _locked_call(session: Session, claimed: ClaimedDeletion) -> tuple[ScheduledDeletion, Call] | Outcome:
    """The still-held row and its call, locked; or the outcome when it may not run now (another worker owns it,
    or a legal hold was placed meanwhile, which is seen here because the call row is locked)."""
    row = deletions.held(session, claimed)
    if row is None:
        return _outcome(claimed, "lost")
    call = session.get(Call, claimed.call_id, with_for_update=True)
    if call is None:
        raise LookupError(f"call {claimed.call_id} no longer exists")
    if call.legal_hold:
        deletions.release(row)
        return _outcome(claimed, "held", {"hold_reason": call.legal_hold_reason})
    return row, call


def _finish(
    session: Session, row: ScheduledDeletion, call: Call, result: dict[str, Any], actor_name: str, flag: str
) -> None:
    now = datetime.now(UTC)
    row.executed_at = now
    row.result = result
    deletions.release(row)
    call.flags = sorted({*(call.flags or []), flag})
    call.updated_at = now
    audit_log.append(
        session,
        AuditEvent(
            actor=actor_name,
            action="deletion.executed",
            resource_type="call",
            resource_id=call.id,
            details={"deletion_id": row.id, "scope": row.scope, "reason": row.reason, **result},
        ),
        now=now,
    )


def _remove_ciphertext(rt: Runtime, store_keys: list[str]) -> None:
    """After the commit: the keys are gone, so this is tidying; a failure leaves keyless noise for the sweep."""
    for key in store_keys:
        try:
            rt.vault.blobs.delete(key)
        except BlobStoreError as exc:
            log.warning("shredded blob %s: ciphertext not removed (%s); it is unreadable without its key", key, exc)


def _delete_call(rt: Runtime, claimed: ClaimedDeletion, actor_name: str) -> Outcome:
    with rt.db.transaction() as session:
        locked = _locked_call(session, claimed)
        if isinstance(locked, Outcome):
            return locked
        row, call = locked
        blobs = _live_blobs(session, call.id)
        for blob in blobs:
            rt.vault.shred(session, blob)
        result = {"shredded": [{"blob_id": b.id, "kind": b.kind, "sha256": b.plaintext_sha256} for b in blobs]}
        _finish(session, row, call, result, actor_name, DELETED_FLAG)
        keys = [blob.store_key for blob in blobs]
    _remove_ciphertext(rt, keys)
    return _outcome(claimed, "executed", result)


def _seal_kept(rt: Runtime, claimed: ClaimedDeletion) -> tuple[str, SealedBlob, str, float]:
    """Seal the audio before the cut as a new blob; returns the old original's id, the blob, media type, duration."""
    if claimed.cut_at_s is None:
        raise ValueError(f"deletion {claimed.id} has no cut point")
    with rt.db.transaction() as session:
        original = _current_original(session, claimed.call_id)
        reader = rt.vault.open(session, original)
    with reader:
        chunks, media_type = truncated(cast(BinaryIO, reader), claimed.cut_at_s)
        sealed = rt.vault.seal(chunks, prefix=RECORDING_PREFIX)
    crash_point(AFTER_SEAL)
    try:
        with rt.vault.open_sealed(sealed) as kept:
            info = probe(
                cast(BinaryIO, kept), max_duration_s=rt.settings.max_duration_s, max_channels=rt.settings.max_channels
            )
    except BaseException:
        rt.vault.discard(sealed)
        raise
    return original.id, sealed, media_type, info.duration_s


def _delete_after_cut(rt: Runtime, claimed: ClaimedDeletion, actor_name: str) -> Outcome:
    old_id, sealed, media_type, kept_s = _seal_kept(rt, claimed)
    committed = False
    try:
        with rt.db.transaction() as session:
            locked = _locked_call(session, claimed)
            if isinstance(locked, Outcome):
                return locked
            row, call = locked
            if _current_original(session, call.id).id != old_id:
                raise RuntimeError("the call's original changed while the kept audio was being sealed")
            blobs = _live_blobs(session, call.id)
            for blob in blobs:
                rt.vault.shred(session, blob)
            new = rt.vault.record(session, sealed, call_id=call.id, kind=ORIGINAL, media_type=media_type)
            result = {
                "cut_at_s": claimed.cut_at_s,
                "kept_duration_s": kept_s,
                "removed_duration_s": max(0.0, call.duration_s - kept_s),
                "new_original": {"blob_id": new.id, "sha256": new.plaintext_sha256},
                "shredded": [{"blob_id": b.id, "kind": b.kind, "sha256": b.plaintext_sha256} for b in blobs],
            }
            call.extra = {**(call.extra or {}), "retention": {"original_duration_s": call.duration_s}}
            call.duration_s = kept_s
            call.status = CallStatus.QUEUED.value
            job_queue.enqueue(session, call.id, rt.runner.first_stage)
            _finish(session, row, call, result, actor_name, TRUNCATED_FLAG)
            keys = [blob.store_key for blob in blobs]
        committed = True
    finally:
        if not committed:
            rt.vault.discard(sealed)
    _remove_ciphertext(rt, keys)
    rt.notify_work()
    return _outcome(claimed, "executed", result)
