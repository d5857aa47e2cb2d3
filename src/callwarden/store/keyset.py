"""Key-encryption keys (KEKs): the local keyset file that wraps every per-blob data key.

Envelope encryption keeps rotation cheap: audio is encrypted once under its own data key, and only the small
wrapped data keys are re-wrapped when the KEK changes. The keyset file is the embedded deployment's KEK store;
`KeyWrapper` is the seam where a KMS (AWS KMS, GCP KMS, Vault transit) replaces it in scale-out.

File format (JSON, mode 0600)::

    {"version": 1, "primary": "<kek id>",
     "keys": [{"id", "created_at", "material": base64 of 32 bytes, "state": "primary|active|retired"}]}

Rotation: `rotate()` adds a new primary and keeps the old key "active" so existing wrapped keys still unwrap;
after every data key has been `rewrap`ped, `retire(old_id)` removes the old key from the file. A process that
holds a loaded Keyset does not see later changes by another process; reload it after rotating.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
KEK_SIZE = 32
NONCE_SIZE = 12
_TAG_SIZE = 16
_STATES = ("primary", "active", "retired")


class KeysetError(Exception):
    """The keyset file cannot be created, read or changed as asked; the message says how to fix it."""


class KeyUnwrapError(Exception):
    """A wrapped data key cannot be unwrapped: unknown KEK, wrong context, or tampered ciphertext."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under one KEK; `ciphertext` is nonce (12) | AES-GCM ciphertext | tag (16)."""

    kek_id: str
    ciphertext: bytes


class KeyWrapper(Protocol):
    """What the vault needs from a KEK holder, whether a local keyset or a KMS."""

    @property
    def primary_id(self) -> str: ...

    def wrap(self, data_key: bytes, context: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> bytes: ...

    def rewrap(self, wrapped: WrappedKey, context: bytes) -> WrappedKey: ...


@dataclass(frozen=True)
class _Kek:
    id: str
    created_at: str
    material: bytes = field(repr=False)
    state: str


def _new_kek(state: str) -> _Kek:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return _Kek(id=f"kek-{secrets.token_hex(8)}", created_at=now, material=os.urandom(KEK_SIZE), state=state)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_private(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` to `path` atomically with mode 0600: the file is either the old one or the new one."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may only remove bits; make the mode exact
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)  # unlike rename, fails when the target appeared meanwhile
            except FileExistsError:
                raise KeysetError(f"keyset {path} already exists; refusing to overwrite it") from None
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _parse_key(path: Path, raw: Any) -> _Kek:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) for f in ("id", "created_at", "state")):
        raise KeysetError(f"keyset {path}: each key needs string fields id, created_at, material and state")
    if raw["state"] not in _STATES:
        raise KeysetError(f"keyset {path}: key {raw['id']!r} has unknown state {raw['state']!r}")
    try:
        material = base64.b64decode(raw.get("material", ""), validate=True)
    except (binascii.Error, TypeError, ValueError):
        material = b""
    if len(material) != KEK_SIZE:
        raise KeysetError(f"keyset {path}: key {raw['id']!r} material is not base64 of {KEK_SIZE} bytes")
    return _Kek(id=raw["id"], created_at=raw["created_at"], material=material, state=raw["state"])


class Keyset:
    """The local KEK store; implements `KeyWrapper`. Build it with `create` or `load`."""

    def __init__(self, path: Path, keys: list[_Kek]) -> None:
        self.path = path
        self._keys = keys
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def _refresh(self) -> None:
        """Pick up a rotation made by another process (``keys rotate`` while ``serve`` runs).

        The file is replaced atomically, so a changed inode or mtime means a complete new keyset; without this a
        long-running server would keep wrapping under a retired key and fail on keys re-wrapped elsewhere.
        """
        stamp = self._file_stamp()
        if stamp is not None and stamp != self._stamp:
            self._keys = Keyset.load(self.path)._keys
            self._stamp = stamp

    @classmethod
    def create(cls, path: Path) -> Keyset:
        """Create a new keyset with one primary KEK; refuses to touch an existing file."""
        path = Path(path)
        if path.exists():
            raise KeysetError(f"keyset {path} already exists; refusing to overwrite it")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        keyset = cls(path, [_new_kek("primary")])
        _write_private(path, keyset._dump(keyset._keys), overwrite=False)
        return keyset

    @classmethod
    def load(cls, path: Path) -> Keyset:
        """Read and validate a keyset; refuses one that group or others can access."""
        path = Path(path)
        try:
            mode = path.stat().st_mode
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeysetError(f"keyset {path} not found; create it with `callwarden init`") from None
        except OSError as exc:
            raise KeysetError(f"keyset {path} cannot be read: {exc}") from exc
        if mode & 0o077:
            raise KeysetError(
                f"keyset {path} is accessible to group or others (mode {mode & 0o777:o}); "
                f"run `chmod 600 {path}` and check who could have read it"
            )
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KeysetError(f"keyset {path} is not valid JSON: {exc}") from None
        if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
            raise KeysetError(f"keyset {path}: expected a JSON object with version {FORMAT_VERSION}")
        raw_keys = doc.get("keys")
        if not isinstance(raw_keys, list) or not raw_keys:
            raise KeysetError(f"keyset {path}: 'keys' must be a non-empty list")
        keys = [_parse_key(path, raw) for raw in raw_keys]
        if len({k.id for k in keys}) != len(keys):
            raise KeysetError(f"keyset {path}: duplicate key ids")
        primaries = [k.id for k in keys if k.state == "primary"]
        if primaries != [doc.get("primary")]:
            raise KeysetError(f"keyset {path}: 'primary' must name the one key whose state is 'primary'")
        return cls(path, keys)

    @property
    def primary_id(self) -> str:
        self._refresh()
        return next(k.id for k in self._keys if k.state == "primary")

    def key_ids(self) -> list[str]:
        """Ids of all KEKs in the file, oldest first (to find what needs re-wrapping before retiring)."""
        return [k.id for k in self._keys]

    def wrap(self, data_key: bytes, context: bytes) -> WrappedKey:
        """Encrypt `data_key` under the primary KEK, bound to `context` (e.g. the blob key) as AAD."""
        self._refresh()
        primary = next(k for k in self._keys if k.state == "primary")
        nonce = os.urandom(NONCE_SIZE)
        return WrappedKey(primary.id, nonce + AESGCM(primary.material).encrypt(nonce, data_key, context))

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> bytes:
        """Decrypt with whichever KEK wrapped it; `context` must be the one given to `wrap`."""
        self._refresh()
        kek = next((k for k in self._keys if k.id == wrapped.kek_id), None)
        if kek is None:
            raise KeyUnwrapError(
                f"unknown key-encryption key {wrapped.kek_id!r}: not in keyset {self.path} "
                "(retired, or the data key comes from another installation)"
            )
        if kek.state == "retired":
            raise KeyUnwrapError(f"key-encryption key {kek.id!r} is retired; re-wrap before retiring")
        if len(wrapped.ciphertext) < NONCE_SIZE + _TAG_SIZE:
            raise KeyUnwrapError(f"wrapped key under {kek.id!r} is truncated ({len(wrapped.ciphertext)} bytes)")
        nonce, body = wrapped.ciphertext[:NONCE_SIZE], wrapped.ciphertext[NONCE_SIZE:]
        try:
            return AESGCM(kek.material).decrypt(nonce, body, context)
        except InvalidTag:
            raise KeyUnwrapError(
                f"data key wrapped under {kek.id!r} failed authentication: wrong context or tampered ciphertext"
            ) from None

    def rewrap(self, wrapped: WrappedKey, context: bytes) -> WrappedKey:
        """Move a wrapped data key under the primary KEK (the audio itself is not touched)."""
        return self.wrap(self.unwrap(wrapped, context), context)

    def rotate(self) -> str:
        """Add a new primary KEK, keep the old one active for unwrapping, save; return the new id."""
        demoted = [replace(k, state="active") if k.state == "primary" else k for k in self._keys]
        keys = [*demoted, _new_kek("primary")]
        self._save(keys)
        return keys[-1].id

    def retire(self, kek_id: str) -> None:
        """Remove a non-primary KEK from the file; every data key it wrapped must be re-wrapped first."""
        if kek_id == self.primary_id:
            raise KeysetError(f"cannot retire {kek_id!r}: it is the primary key (rotate first)")
        if kek_id not in self.key_ids():
            raise KeysetError(f"cannot retire {kek_id!r}: no such key in keyset {self.path}")
        self._save([k for k in self._keys if k.id != kek_id])

    def _save(self, keys: list[_Kek]) -> None:
        _write_private(self.path, self._dump(keys), overwrite=True)
        self._keys = keys
        self._stamp = self._file_stamp()

    @staticmethod
    def _dump(keys: list[_Kek]) -> str:
        doc = {
            "version": FORMAT_VERSION,
            "primary": next(k.id for k in keys if k.state == "primary"),
            "keys": [
                {
                    "id": k.id,
                    "created_at": k.created_at,
                    "material": base64.b64encode(k.material).decode("ascii"),
                    "state": k.state,
                }
                for k in keys
            ],
        }
        return json.dumps(doc, indent=2) + "\n"
