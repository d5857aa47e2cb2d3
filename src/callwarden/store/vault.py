"""The vault: encrypted blobs plus their wrapped data keys, the only way callwarden stores audio.

Writing is split in two so ingest can stay crash-safe: ``seal`` streams ciphertext durably into the blob store
(before any database row exists, the ciphertext is unreadable noise because its key lives only in memory), then
``record`` adds the wrapped key and blob rows inside the caller's transaction. A crash between the two leaves
an orphan ciphertext with no key, which ``orphans`` finds for the ingest service's sweep to delete.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.store.blobs import BlobNotFound, BlobStore
from callwarden.store.crypto import DecryptingReader, StreamEncryptor, new_data_key
from callwarden.store.keyset import KeyWrapper, WrappedKey
from callwarden.store.models import Blob, DataKey


class ShreddedError(LookupError):
    """The blob's data key was destroyed: its content is gone for good."""


@dataclass(frozen=True)
class SealedBlob:
    """Ciphertext durably written, waiting for its rows; the data key is held wrapped only."""

    blob_id: str
    store_key: str
    data_key_id: str
    wrapped: WrappedKey
    plaintext_sha256: str
    plaintext_size: int
    ciphertext_size: int


def _context(data_key_id: str) -> bytes:
    return f"callwarden-data-key|{data_key_id}".encode()


class Vault:
    """Envelope encryption over a blob store and a key wrapper (keyset file now, KMS later)."""

    def __init__(self, blobs: BlobStore, keys: KeyWrapper) -> None:
        self.blobs = blobs
        self.keys = keys

    def seal(self, chunks: Iterable[bytes], *, prefix: str) -> SealedBlob:
        """Encrypt ``chunks`` under a fresh data key into a new object below ``prefix``."""
        blob_id = str(uuid.uuid4())
        data_key_id = str(uuid.uuid4())
        store_key = f"{prefix}/{blob_id}"
        data_key = new_data_key()
        encryptor = StreamEncryptor(data_key, store_key.encode())
        self.blobs.put(store_key, encryptor.encrypt(chunks))
        return SealedBlob(
            blob_id=blob_id,
            store_key=store_key,
            data_key_id=data_key_id,
            wrapped=self.keys.wrap(data_key, _context(data_key_id)),
            plaintext_sha256=encryptor.plaintext_sha256,
            plaintext_size=encryptor.plaintext_size,
            ciphertext_size=encryptor.ciphertext_size,
        )

    def record(self, session: Session, sealed: SealedBlob, *, call_id: str, kind: str, media_type: str) -> Blob:
        """Add the data key and blob rows for ``sealed`` to the caller's transaction."""
        now = datetime.now(UTC)
        session.add(
            DataKey(
                id=sealed.data_key_id,
                kek_id=sealed.wrapped.kek_id,
                wrapped=sealed.wrapped.ciphertext,
                created_at=now,
            )
        )
        session.flush()  # the key row first: blobs refer to it, and no relationship tells the ORM the order
        blob = Blob(
            id=sealed.blob_id,
            call_id=call_id,
            kind=kind,
            store_key=sealed.store_key,
            data_key_id=sealed.data_key_id,
            plaintext_sha256=sealed.plaintext_sha256,
            plaintext_size=sealed.plaintext_size,
            ciphertext_size=sealed.ciphertext_size,
            media_type=media_type,
            created_at=now,
        )
        session.add(blob)
        return blob

    def open_sealed(self, sealed: SealedBlob) -> DecryptingReader:
        """Read back a blob that has no rows yet (to validate an upload from its ciphertext)."""
        data_key = self.keys.unwrap(sealed.wrapped, _context(sealed.data_key_id))
        return DecryptingReader(
            self.blobs.open(sealed.store_key), data_key, sealed.store_key.encode(), name=sealed.blob_id
        )

    def discard(self, sealed: SealedBlob) -> None:
        """Remove ciphertext that will never get rows (a duplicate or a rejected upload)."""
        self.blobs.delete(sealed.store_key)

    def open(self, session: Session, blob: Blob) -> DecryptingReader:
        """A seekable plaintext reader for ``blob``; it does not depend on ``session`` once returned."""
        if blob.data_key_id is None:
            raise ShreddedError(f"blob {blob.id} was crypto-shredded; its content cannot be recovered")
        key_row = session.get(DataKey, blob.data_key_id)
        if key_row is None:
            raise ShreddedError(f"blob {blob.id}: its data key is gone; the content cannot be recovered")
        data_key = self.keys.unwrap(WrappedKey(key_row.kek_id, key_row.wrapped), _context(key_row.id))
        return DecryptingReader(self.blobs.open(blob.store_key), data_key, blob.store_key.encode(), name=blob.id)

    def shred(self, session: Session, blob: Blob) -> None:
        """Destroy the blob's data key in the caller's transaction: from its commit on, the content is gone.

        The ciphertext is left for ``blobs.delete`` after the commit (a rolled-back shred must not lose data);
        without its key it is noise either way.
        """
        if blob.data_key_id is not None:
            key_row = session.get(DataKey, blob.data_key_id)
            if key_row is not None:
                session.delete(key_row)
            blob.data_key_id = None
        blob.shredded_at = datetime.now(UTC)

    def rewrap_all(self, session: Session, *, batch: int = 500) -> int:
        """Re-wrap every data key not yet under the primary key-encryption key; audio is not touched."""
        primary = self.keys.primary_id
        count = 0
        while True:
            rows = session.execute(select(DataKey).where(DataKey.kek_id != primary).limit(batch)).scalars().all()
            if not rows:
                return count
            now = datetime.now(UTC)
            for row in rows:
                fresh = self.keys.rewrap(WrappedKey(row.kek_id, row.wrapped), _context(row.id))
                row.kek_id, row.wrapped, row.rewrapped_at = fresh.kek_id, fresh.ciphertext, now
                count += 1
            session.flush()

    def keys_in_use(self, session: Session, kek_id: str) -> int:
        """How many data keys are still wrapped by ``kek_id``."""
        return len(session.execute(select(DataKey.id).where(DataKey.kek_id == kek_id)).all())

    def referenced_keys(self, session: Session) -> set[str]:
        """Store keys the catalogue knows, for sweeping orphans."""
        return set(session.execute(select(Blob.store_key)).scalars())

    def orphans(self, known: set[str], *, prefix: str, older_than_s: float) -> Iterator[str]:
        """Store keys below ``prefix`` that no catalogue row names and that were written over ``older_than_s`` ago.

        ``known`` must be read from the catalogue before this is iterated: an ingest commits its rows only after
        its ciphertext is durable, so a key missing from ``known`` is either an orphan or an ingest still in
        progress, and only the age tells them apart. Keep ``older_than_s`` well above the longest ingest.
        """
        folder = f"{prefix.strip('/')}/"
        cutoff = time.time() - older_than_s
        for key in self.blobs.keys(folder):
            if key in known or not key.startswith(folder):
                continue
            try:
                written = self.blobs.last_modified(key)
            except BlobNotFound:  # deleted meanwhile (a discarded duplicate, another sweep)
                continue
            if written < cutoff:
                yield key
