"""Key-encryption key rotation and crypto-shredding."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from callwarden.domain.access import Action, Actor
from callwarden.domain.audit import AuditEvent
from callwarden.services.authz import require
from callwarden.services.errors import NotFound
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log
from callwarden.store.models import Blob, Call


@dataclass(frozen=True)
class RotationResult:
    """The new primary key and how many data keys were re-wrapped under it."""

    new_kek_id: str
    rewrapped: int
    retired: tuple[str, ...]


def rotate_keys(rt: Runtime, actor: Actor, *, retire_old: bool = False) -> RotationResult:
    """Make a new key-encryption key primary and re-wrap every data key; audio is not re-encrypted.

    The keyset file gains the new key before any data key is re-wrapped, and old keys are retired only after
    the re-wrap committed, so a crash at any point leaves every data key unwrappable by some key in the file.
    An old key is retired only when no data key still refers to it (a running server may have wrapped one
    with the old primary meanwhile); it then stays for the next rotation.
    """
    require(actor, Action.KEYS_ROTATE)
    keyset = rt.keyset
    old_ids = tuple(k for k in keyset.key_ids() if k != keyset.primary_id)
    previous_primary = keyset.primary_id
    new_id = keyset.rotate()
    with rt.db.transaction() as session:
        count = rt.vault.rewrap_all(session)
        audit_log.append(
            session,
            AuditEvent(
                actor=actor.name,
                action="keys.rotated",
                resource_type="keyset",
                resource_id=new_id,
                details={"previous_primary": previous_primary, "rewrapped": count},
            ),
        )
    retired: list[str] = []
    if retire_old:
        with rt.db.transaction() as session:
            for kek_id in (*old_ids, previous_primary):
                if rt.vault.keys_in_use(session, kek_id) == 0:
                    keyset.retire(kek_id)
                    retired.append(kek_id)
    return RotationResult(new_kek_id=new_id, rewrapped=count, retired=tuple(retired))


def shred_call_audio(rt: Runtime, actor: Actor, call_id: str, purpose: str) -> int:
    """Crypto-shred every blob of a call (its data keys are destroyed); returns how many blobs."""
    with rt.db.transaction() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise NotFound(f"no call {call_id}")
        require(actor, Action.CALL_DELETE, call, purpose=purpose)
        blobs = session.execute(select(Blob).where(Blob.call_id == call_id)).scalars().all()
        keys = [blob.store_key for blob in blobs if blob.shredded_at is None]
        for blob in blobs:
            rt.vault.shred(session, blob)
        if "audio_shredded" not in call.flags:
            call.flags = [*call.flags, "audio_shredded"]
        audit_log.append(
            session,
            AuditEvent(
                actor=actor.name,
                action="call.audio_shredded",
                resource_type="call",
                resource_id=call_id,
                purpose=purpose,
                details={"blobs": len(keys)},
            ),
        )
    for key in keys:
        rt.vault.blobs.delete(key)
    return len(keys)
