"""The local keyset: private on disk, atomic saves, wrap/unwrap/rotate/retire with clear errors."""

from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from callwarden.store.keyset import Keyset, KeysetError, KeyUnwrapError, KeyWrapper, WrappedKey

DATA_KEY = bytes(range(32))
CONTEXT = b"recordings/call-1"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keyset.json"


def test_create_writes_a_private_file_that_loads_back(path: Path) -> None:
    keyset = Keyset.create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["version"] == 1
    assert doc["primary"] == keyset.primary_id
    assert [k["state"] for k in doc["keys"]] == ["primary"]
    assert len(base64.b64decode(doc["keys"][0]["material"])) == 32
    assert Keyset.load(path).unwrap(keyset.wrap(DATA_KEY, CONTEXT), CONTEXT) == DATA_KEY
    assert [p.name for p in path.parent.iterdir()] == ["keyset.json"]  # no temp file left behind


def test_create_ignores_a_permissive_umask(path: Path) -> None:
    old = os.umask(0)
    try:
        Keyset.create(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_create_refuses_an_existing_file(path: Path) -> None:
    Keyset.create(path)
    before = path.read_bytes()
    with pytest.raises(KeysetError, match="already exists"):
        Keyset.create(path)
    assert path.read_bytes() == before


def test_load_missing_file(path: Path) -> None:
    with pytest.raises(KeysetError, match="not found"):
        Keyset.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 2, "primary": "a", "keys": []}', "version 1"),
        ('{"version": 1, "primary": "a", "keys": []}', "non-empty list"),
        (
            '{"version": 1, "primary": "a", "keys": [{"id": "a", "created_at": "x", "material": "AAAA", '
            '"state": "primary"}]}',
            "material is not base64 of 32 bytes",
        ),
        (
            '{"version": 1, "primary": "a", "keys": [{"id": "a", "created_at": "x", "material": "!!", '
            '"state": "primary"}]}',
            "material is not base64",
        ),
        ('{"version": 1, "primary": "a", "keys": [{"id": "a"}]}', "string fields"),
    ],
)
def test_load_rejects_corrupt_files(path: Path, content: str, message: str) -> None:
    path.parent.mkdir()
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeysetError, match=message):
        Keyset.load(path)


def test_load_rejects_a_primary_that_does_not_match(path: Path) -> None:
    Keyset.create(path)
    doc = json.loads(path.read_text())
    doc["primary"] = "someone-else"
    path.write_text(json.dumps(doc))
    with pytest.raises(KeysetError, match="'primary' must name"):
        Keyset.load(path)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_load_refuses_a_file_others_can_read(path: Path, mode: int) -> None:
    Keyset.create(path)
    path.chmod(mode)
    with pytest.raises(KeysetError, match=f"chmod 600 {path}"):
        Keyset.load(path)


def test_wrap_unwrap_round_trip_and_fresh_nonces(path: Path) -> None:
    keyset = Keyset.create(path)
    first, second = keyset.wrap(DATA_KEY, CONTEXT), keyset.wrap(DATA_KEY, CONTEXT)
    assert first.kek_id == keyset.primary_id
    assert first.ciphertext != second.ciphertext
    assert DATA_KEY not in first.ciphertext
    assert keyset.unwrap(first, CONTEXT) == keyset.unwrap(second, CONTEXT) == DATA_KEY


def test_unwrap_with_the_wrong_context_fails(path: Path) -> None:
    keyset = Keyset.create(path)
    with pytest.raises(KeyUnwrapError, match="wrong context or tampered"):
        keyset.unwrap(keyset.wrap(DATA_KEY, CONTEXT), b"recordings/call-2")


@pytest.mark.parametrize("position", [0, 11, 12, 30, -1])
def test_tampered_wrapped_key_fails(path: Path, position: int) -> None:
    keyset = Keyset.create(path)
    wrapped = keyset.wrap(DATA_KEY, CONTEXT)
    tampered = bytearray(wrapped.ciphertext)
    tampered[position] ^= 0x01
    with pytest.raises(KeyUnwrapError, match="failed authentication"):
        keyset.unwrap(replace(wrapped, ciphertext=bytes(tampered)), CONTEXT)
    with pytest.raises(KeyUnwrapError, match="truncated"):
        keyset.unwrap(replace(wrapped, ciphertext=wrapped.ciphertext[:20]), CONTEXT)


def test_unknown_kek_id_and_other_installations(path: Path, tmp_path: Path) -> None:
    keyset = Keyset.create(path)
    other = Keyset.create(tmp_path / "other.json")
    with pytest.raises(KeyUnwrapError, match="unknown key-encryption key"):
        keyset.unwrap(other.wrap(DATA_KEY, CONTEXT), CONTEXT)
    with pytest.raises(KeyUnwrapError, match="unknown key-encryption key 'kek-nope'"):
        keyset.unwrap(WrappedKey("kek-nope", bytes(60)), CONTEXT)


def test_rotate_keeps_old_keys_unwrappable_and_wraps_under_the_new(path: Path) -> None:
    keyset = Keyset.create(path)
    old_id = keyset.primary_id
    old_wrapped = keyset.wrap(DATA_KEY, CONTEXT)
    new_id = keyset.rotate()
    assert new_id != old_id
    assert keyset.primary_id == new_id
    assert keyset.wrap(DATA_KEY, CONTEXT).kek_id == new_id
    reloaded = Keyset.load(path)
    assert reloaded.primary_id == new_id
    assert reloaded.key_ids() == [old_id, new_id]
    assert reloaded.unwrap(old_wrapped, CONTEXT) == DATA_KEY
    states = {k["id"]: k["state"] for k in json.loads(path.read_text())["keys"]}
    assert states == {old_id: "active", new_id: "primary"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rewrap_then_retire(path: Path) -> None:
    keyset = Keyset.create(path)
    old_id = keyset.primary_id
    old_wrapped = keyset.wrap(DATA_KEY, CONTEXT)
    keyset.rotate()
    rewrapped = keyset.rewrap(old_wrapped, CONTEXT)
    assert rewrapped.kek_id == keyset.primary_id
    keyset.retire(old_id)
    reloaded = Keyset.load(path)
    assert reloaded.key_ids() == [keyset.primary_id]
    assert reloaded.unwrap(rewrapped, CONTEXT) == DATA_KEY
    with pytest.raises(KeyUnwrapError, match=f"unknown key-encryption key '{old_id}'"):
        reloaded.unwrap(old_wrapped, CONTEXT)


def test_retire_refuses_the_primary_and_unknown_ids(path: Path) -> None:
    keyset = Keyset.create(path)
    with pytest.raises(KeysetError, match="primary"):
        keyset.retire(keyset.primary_id)
    with pytest.raises(KeysetError, match="no such key"):
        keyset.retire("kek-nope")


def test_a_retired_state_in_the_file_blocks_unwrapping(path: Path) -> None:
    keyset = Keyset.create(path)
    old_wrapped = keyset.wrap(DATA_KEY, CONTEXT)
    keyset.rotate()
    doc = json.loads(path.read_text())
    doc["keys"][0]["state"] = "retired"
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyUnwrapError, match="retired"):
        Keyset.load(path).unwrap(old_wrapped, CONTEXT)


def test_keyset_satisfies_the_key_wrapper_protocol(path: Path) -> None:
    wrapper: KeyWrapper = Keyset.create(path)
    assert wrapper.unwrap(wrapper.wrap(DATA_KEY, CONTEXT), CONTEXT) == DATA_KEY
    material = base64.b64decode(json.loads(path.read_text())["keys"][0]["material"])
    assert repr(material) not in repr(vars(wrapper))  # key material never ends up in logs via repr


def test_a_running_process_sees_a_rotation_made_by_another(tmp_path: Path) -> None:
    path = tmp_path / "keyset.json"
    server = Keyset.create(path)
    old = server.wrap(b"k" * 32, b"ctx-old")
    cli = Keyset.load(path)
    new_id = cli.rotate()
    rewrapped = cli.rewrap(old, b"ctx-old")
    cli.retire(next(k for k in cli.key_ids() if k != new_id))
    assert server.unwrap(rewrapped, b"ctx-old") == b"k" * 32
    assert server.wrap(b"j" * 32, b"ctx-new").kek_id == new_id
