"""The stage contract: every step of a call's pipeline is a Stage.

A stage declares its name, engine and version and what it depends on; the runner hashes the stage's inputs
(the recording's SHA-256, the engine version and the outputs it reads), so re-running with the same inputs is
recognised and changes nothing, and every stored result can be traced to exactly what produced it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from callwarden.domain.audit import AuditEvent, canonical_json, compute_hash
from callwarden.domain.retention import DeletionRequest
from callwarden.store.vault import SealedBlob


@dataclass(frozen=True)
class StageInput:
    """Everything a stage may read: the call's facts, earlier stages' outputs, its audio and its artifacts.

    ``recording_sha256`` is the SHA-256 of the CURRENT original (after a PCI redaction or a truncation it is the
    new one's), so a stage that replaces the original invalidates every result derived from the old one.
    ``seal_audio`` streams audio a stage makes into the vault (encrypted, no rows yet); the stage returns it as
    an ``AudioArtifact``, and the runner discards whatever it sealed but was not stored. ``open_sealed`` reads
    such a blob back (a stage checking its own work).
    """

    call_id: str
    recording_sha256: str
    metadata: Mapping[str, Any]
    upstream: Mapping[str, Mapping[str, Any]]
    open_audio: Callable[[], BinaryIO] = field(compare=False)
    read_artifact: Callable[[str], bytes] = field(compare=False)
    seal_audio: Callable[[Iterable[bytes]], SealedBlob] = field(compare=False)
    open_sealed: Callable[[SealedBlob], BinaryIO] = field(compare=False)


@dataclass(frozen=True)
class AudioArtifact:
    """Audio a stage made and sealed with ``StageInput.seal_audio``, stored as a blob of ``kind``.

    An artifact of the original's kind replaces the original: the runner records it and shreds the previous
    original's data key in the transaction that stores the result.
    """

    kind: str
    media_type: str
    sealed: SealedBlob


@dataclass(frozen=True)
class StageOutput:
    """A stage's result: ``data`` is stored in the catalogue (no call content in it: it is not encrypted);
    ``artifacts`` (transcripts, anything holding what was said) are stored encrypted in the vault, one blob each,
    and referenced from the stored data by name, blob id and SHA-256; ``audio`` likewise, streamed.
    ``replaces`` names artifacts that supersede the call's current blob of the same kind: that blob's data key is
    shredded in the transaction that stores this result (how card data is purged from an earlier transcript)."""

    data: dict[str, Any]
    artifacts: Mapping[str, bytes] = field(default_factory=dict)
    audio: tuple[AudioArtifact, ...] = ()
    replaces: tuple[str, ...] = ()
    call_changes: CallChanges | None = None
    audit: tuple[AuditEvent, ...] = ()


@dataclass(frozen=True)
class CallChanges:
    """What a stage's verdict changes on the call itself, applied in the transaction that stores the result.

    Restriction only ever tightens here: lifting one is a person's decision, made through a service.
    ``schedule_deletion`` is scheduled once per call and scope (a re-run schedules nothing new); it runs later,
    through the retention service, unless the call is on legal hold.
    """

    disclosure_status: str | None = None
    add_flags: tuple[str, ...] = ()
    restrict: bool = False
    schedule_deletion: DeletionRequest | None = None


class Stage(Protocol):
    """A pipeline step: pure of storage, told its inputs, returning its output as JSON-able data."""

    name: str
    engine: str
    version: str
    depends_on: tuple[str, ...]

    def able_to_run(self, given: StageInput) -> bool:
        """False when this stage has nothing to do for the call (its output then records that it skipped)."""

    def run(self, given: StageInput) -> StageOutput:
        """Do the work; raise on failure (the runner retries, then marks the call failed)."""

    def cleanup(self) -> None:
        """Release what ``run`` held; always called, whether ``run`` succeeded or not."""


def input_hash(stage: Stage, given: StageInput) -> str:
    """What identifies one run of ``stage``: same hash, same result."""
    return compute_hash(
        {
            "stage": stage.name,
            "engine": stage.engine,
            "version": stage.version,
            "recording_sha256": given.recording_sha256,
            "metadata": dict(given.metadata),
            "upstream": {name: output_hash(given.upstream[name]) for name in sorted(given.upstream)},
        }
    )


def output_hash(output: Mapping[str, Any]) -> str:
    """Hash of a stage's output in canonical JSON."""
    return compute_hash(dict(output))


def pipeline_event(call_id: str, action: str, details: Mapping[str, Any]) -> AuditEvent:
    """An audit entry a stage writes about its call (stored with the stage's result, in its transaction)."""
    return AuditEvent(actor="pipeline", action=action, resource_type="call", resource_id=call_id, details=dict(details))


def json_artifact(value: Mapping[str, Any]) -> bytes:
    """An artifact's bytes: UTF-8 JSON, no NaN (what was said, as the vault stores it)."""
    return json.dumps(dict(value), ensure_ascii=False, allow_nan=False).encode()


def to_json_safe(output: Mapping[str, Any]) -> dict[str, Any]:
    """Check that an output is canonical-JSON serialisable (no NaN, no bytes) before it is stored."""
    canonical_json(dict(output))
    return dict(output)
