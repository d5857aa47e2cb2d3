"""Accepting a recording: validate by decoding, encrypt while hashing, then one transaction.

The caller hears "accepted" only after the ciphertext is durable and the call, its wrapped key, its first job
and its audit entry have committed together. Any failure before that commit leaves no row, and the ciphertext
already written is deleted (or, after a crash, is keyless noise that ``sweep_orphans`` removes). The same bytes
ingested twice are one call: the SHA-256 of the original is unique in the catalogue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError as DbIntegrityError

from callwarden.audio.probe import AudioInfo, AudioValidationError, probe
from callwarden.domain.access import Action, Actor
from callwarden.domain.audit import AuditEvent
from callwarden.domain.metadata import CallMetadata
from callwarden.domain.pipeline import CallStatus
from callwarden.pipeline.runner import ARTIFACT_PREFIX, ORIGINAL
from callwarden.services.authz import require
from callwarden.services.errors import InvalidInput, TooLarge
from callwarden.services.faults import crash_point
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log, job_queue
from callwarden.store.blobs import BlobStoreError
from callwarden.store.models import Call
from callwarden.store.vault import SealedBlob

CHUNK = 1024 * 1024
RECORDING_PREFIX = "recordings"
_MEDIA_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg"}


@dataclass(frozen=True)
class IngestOutcome:
    """The call a recording belongs to; ``created`` is False when the same bytes were already accepted."""

    call_id: str
    created: bool
    sha256: str
    flags: tuple[str, ...]


def _limited(chunks: Iterable[bytes], limit: int, name: str) -> Iterator[bytes]:
    """The chunks, stopping with TooLarge once they pass ``limit`` (a file may grow, an upload may lie)."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"{name}: larger than the {limit}-byte limit (CALLWARDEN_MAX_UPLOAD_BYTES)")
        yield chunk


def ingest_file(
    rt: Runtime, actor: Actor, path: Path, meta: CallMetadata | None, *, source: str = "cli"
) -> IngestOutcome:
    """Ingest one local file; the file is read twice (validate, then encrypt) and never copied in the clear."""
    require(actor, Action.CALL_INGEST)
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    size = path.stat().st_size
    if size > rt.settings.max_upload_bytes:
        raise TooLarge(f"{path.name}: {size} bytes is over the limit of {rt.settings.max_upload_bytes} bytes")
    info = _validate(rt, path, path.name)
    with path.open("rb") as handle:
        chunks = iter(lambda: handle.read(CHUNK), b"")
        sealed = _seal(rt, _limited(chunks, rt.settings.max_upload_bytes, path.name), path.name)
    return _commit(rt, actor, sealed, info, meta, source=source, original_name=path.name)


def ingest_stream(
    rt: Runtime,
    actor: Actor,
    chunks: Iterable[bytes],
    filename: str,
    meta: CallMetadata | None,
    *,
    source: str,
) -> IngestOutcome:
    """Ingest bytes arriving over the network: encrypted as they arrive, validated from the ciphertext."""
    require(actor, Action.CALL_INGEST)
    sealed = _seal(rt, _limited(chunks, rt.settings.max_upload_bytes, filename), filename)
    try:
        if sealed.plaintext_size == 0:
            raise InvalidInput(f"{filename}: empty file (0 bytes)")
        with rt.vault.open_sealed(sealed) as reader:
            info = _validate(rt, cast(BinaryIO, reader), filename)
    except BaseException:
        rt.vault.discard(sealed)
        raise
    return _commit(rt, actor, sealed, info, meta, source=source, original_name=filename)


def _validate(rt: Runtime, source: Path | BinaryIO, name: str) -> AudioInfo:
    try:
        return probe(
            source,
            max_duration_s=rt.settings.max_duration_s,
            max_channels=rt.settings.max_channels,
            allow_no_samples=True,
        )
    except AudioValidationError as exc:
        raise InvalidInput(f"{name}: {exc}") from exc


def _seal(rt: Runtime, chunks: Iterable[bytes], name: str) -> SealedBlob:
    try:
        sealed = rt.vault.seal(chunks, prefix=RECORDING_PREFIX)
    except BlobStoreError as exc:
        raise InvalidInput(f"{name}: could not be stored: {exc}") from exc
    crash_point("ingest.after_seal")
    return sealed


def _flags(info: AudioInfo, meta: CallMetadata, ratio: float) -> list[str]:
    flags = set(meta.flags)
    if not (meta.from_number and meta.to_number):
        flags.add("numbers_missing")
    if meta.agent_id is None:
        flags.add("agent_missing")
    if info.duration_s == 0:
        flags.add("no_audio")
    claimed = meta.claimed_duration_s
    if claimed is not None and claimed > 0 and info.duration_s < claimed * ratio:
        flags.add("short_recording")
    return sorted(flags)


def _commit(
    rt: Runtime,
    actor: Actor,
    sealed: SealedBlob,
    info: AudioInfo,
    meta: CallMetadata | None,
    *,
    source: str,
    original_name: str,
) -> IngestOutcome:
    meta = meta or CallMetadata()
    flags = _flags(info, meta, rt.settings.short_recording_ratio)
    now = datetime.now(UTC)
    call_id = str(uuid.uuid4())
    try:
        with rt.db.transaction() as session:
            existing = session.execute(select(Call).where(Call.sha256 == sealed.plaintext_sha256)).scalar_one_or_none()
            if existing is not None:
                audit_log.append(
                    session,
                    AuditEvent(
                        actor=actor.name,
                        action="call.ingest_duplicate",
                        resource_type="call",
                        resource_id=existing.id,
                        details={"sha256": sealed.plaintext_sha256, "source": source, "name": original_name},
                    ),
                )
                duplicate = IngestOutcome(existing.id, False, existing.sha256, tuple(existing.flags))
            else:
                duplicate = None
                session.add(
                    Call(
                        id=call_id,
                        call_id=meta.call_id,
                        agent_id=meta.agent_id,
                        campaign=meta.campaign,
                        direction=meta.direction,
                        from_number=meta.from_number,
                        to_number=meta.to_number,
                        started_at=meta.started_at,
                        duration_s=round(info.duration_s, 3),
                        claimed_duration_s=meta.claimed_duration_s,
                        channels=info.channels,
                        sample_rate=info.sample_rate,
                        codec=info.codec,
                        container=info.container,
                        size_bytes=sealed.plaintext_size,
                        sha256=sealed.plaintext_sha256,
                        agent_region=meta.agent_region,
                        disposition=meta.disposition,
                        lead_id=meta.lead_id,
                        source=source,
                        original_name=original_name,
                        status=CallStatus.QUEUED.value,
                        flags=flags,
                        restricted=False,
                        extra=dict(meta.extra),
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.flush()
                rt.vault.record(session, sealed, call_id=call_id, kind=ORIGINAL, media_type=_media_type(info.container))
                job_queue.enqueue(session, call_id, rt.runner.first_stage, now=now)
                audit_log.append(
                    session,
                    AuditEvent(
                        actor=actor.name,
                        action="call.ingested",
                        resource_type="call",
                        resource_id=call_id,
                        details={
                            "sha256": sealed.plaintext_sha256,
                            "size_bytes": sealed.plaintext_size,
                            "source": source,
                            "name": original_name,
                            "duration_s": round(info.duration_s, 3),
                            "flags": flags,
                        },
                    ),
                    now=now,
                )
                crash_point("ingest.before_commit")
    except DbIntegrityError:
        # Another ingest of the same bytes committed first: that call is the one.
        rt.vault.discard(sealed)
        with rt.db.transaction() as session:
            winner = session.execute(select(Call).where(Call.sha256 == sealed.plaintext_sha256)).scalar_one()
            return IngestOutcome(winner.id, False, winner.sha256, tuple(winner.flags))
    except BaseException:
        rt.vault.discard(sealed)
        raise
    if duplicate is not None:
        rt.vault.discard(sealed)
        return duplicate
    crash_point("ingest.after_commit")
    rt.notify_work()
    return IngestOutcome(call_id, True, sealed.plaintext_sha256, tuple(flags))


def _media_type(container: str) -> str:
    for key, media_type in _MEDIA_TYPES.items():
        if key in container:
            return media_type
    return "application/octet-stream"


def sweep_orphans(rt: Runtime, *, older_than_s: float = 3600.0) -> int:
    """Delete interrupted writes and ciphertext no call refers to (left by a crash before a commit: an ingest's
    recording, or a stage's artifact whose worker died)."""
    removed = rt.vault.blobs.sweep_partial(older_than_s)
    with rt.db.transaction() as session:
        known = rt.vault.referenced_keys(session)
    for prefix in (RECORDING_PREFIX, ARTIFACT_PREFIX):
        for key in rt.vault.orphans(known, prefix=prefix, older_than_s=older_than_s):
            rt.vault.blobs.delete(key)
            removed += 1
    return removed
