"""The audit chain's rules: how an entry is hashed and how a chain is checked.

Each entry commits to the previous entry's hash, so rewriting, deleting or reordering any past entry breaks
every hash after it; ``verify_chain`` names the first entry where that shows. Hashing is over a canonical JSON
form so that any implementation (or an auditor with ``jq`` and ``sha256sum``) can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """Something that happened, before it has a place in the chain."""

    actor: str
    action: str
    resource_type: str
    resource_id: str | None = None
    purpose: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    """An event with its position, time and hashes."""

    seq: int
    at: str
    actor: str
    action: str
    resource_type: str
    resource_id: str | None
    purpose: str | None
    details: Mapping[str, Any]
    prev_hash: str
    hash: str

    def to_json_dict(self) -> dict[str, Any]:
        """The entry as exported (JSON lines) and as hashed, plus its own hash."""
        return {**hashed_fields(self), "hash": self.hash}


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields an entry's hash covers."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "purpose": entry.purpose,
        "details": dict(entry.details),
        "prev_hash": entry.prev_hash,
    }


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: one byte string for one value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def compute_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``fields``."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def seal(event: AuditEvent, *, seq: int, at: str, prev_hash: str) -> AuditEntry:
    """Place ``event`` after ``prev_hash`` and compute its hash."""
    unsealed = AuditEntry(
        seq=seq,
        at=at,
        actor=event.actor,
        action=event.action,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        purpose=event.purpose,
        details=dict(event.details),
        prev_hash=prev_hash,
        hash="",
    )
    return AuditEntry(**{**hashed_fields(unsealed), "hash": compute_hash(hashed_fields(unsealed))})


@dataclass(frozen=True)
class ChainVerdict:
    """Outcome of a chain check; ``broken_seq`` is the first entry that fails, with the reason."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH


def verify_chain(
    entries: Iterable[AuditEntry], *, expected_count: int | None = None, expected_head: str | None = None
) -> ChainVerdict:
    """Check sequence, links and hashes in order; the recorded head catches a truncated tail."""
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in entries:
        expected_seq = checked + 1
        if entry.seq != expected_seq:
            return ChainVerdict(False, checked, entry.seq, f"entry {expected_seq} is missing", prev_hash)
        if entry.prev_hash != prev_hash:
            return ChainVerdict(False, checked, entry.seq, "does not link to the previous entry", prev_hash)
        if compute_hash(hashed_fields(entry)) != entry.hash:
            return ChainVerdict(False, checked, entry.seq, "content does not match its hash", prev_hash)
        prev_hash = entry.hash
        checked += 1
    if expected_count is not None and checked != expected_count:
        return ChainVerdict(
            False,
            checked,
            checked + 1,
            f"chain head records {expected_count} entries, found {checked}",
            prev_hash,
        )
    if expected_head is not None and expected_head != prev_hash:
        return ChainVerdict(False, checked, checked, "last entry does not match the recorded chain head", prev_hash)
    return ChainVerdict(True, checked, head_hash=prev_hash)
