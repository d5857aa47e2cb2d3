"""The scale-out deployment end to end: a home whose recordings live in an S3 bucket (moto in server mode).

Everything goes through the service layer exactly as the CLI and web app use it: ingest, play the original,
crypto-shred, rotate keys. The bucket itself is inspected with a plain boto3 client, as an attacker who can
read the bucket (and nothing else) would see it.
"""

from __future__ import annotations

import time
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.services import calls as calls_service
from callwarden.services import keys as keys_service
from callwarden.services.errors import Unavailable
from callwarden.services.ingest import RECORDING_PREFIX, ingest_file, sweep_orphans
from callwarden.services.runtime import Runtime, init_home, open_runtime
from callwarden.services.users import local_operator
from callwarden.store.blobs import S3BlobStore
from callwarden.store.models import Blob
from tests.audio_fixtures import tone, write_wav
from tests.conftest import S3_BUCKET

ADMIN = local_operator()


@pytest.fixture
def s3_settings(tmp_path: Path, database_url: str, s3_endpoint: str) -> Settings:
    """An initialised home whose blobs go to its own prefix of the bucket."""
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        blob_url=f"s3://{S3_BUCKET}/deploy-{uuid.uuid4().hex}",
        s3_endpoint_url=s3_endpoint,
    )
    init_home(settings)
    return settings


@pytest.fixture
def s3_rt(s3_settings: Settings) -> Iterator[Runtime]:
    runtime = open_runtime(s3_settings)
    try:
        yield runtime
    finally:
        runtime.close()


def bucket_objects(rt: Runtime) -> dict[str, bytes]:
    """Every object under the home's prefix, read straight from the bucket."""
    store = rt.vault.blobs
    assert isinstance(store, S3BlobStore)
    objects: dict[str, bytes] = {}
    for page in store.client.get_paginator("list_objects_v2").paginate(Bucket=store.bucket, Prefix=store.prefix):
        for item in page.get("Contents", []):
            objects[item["Key"]] = store.client.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
    return objects


def noise_wav(path: Path, seconds: float, seed: int) -> Path:
    """Stereo noise over tones: no two seeds give the same bytes, and the PCM has no long repeats."""
    samples = tone(seconds, channels=2).astype(np.int32)
    samples += np.random.default_rng(seed).integers(-2000, 2000, size=samples.shape)
    return write_wav(path, samples.astype("<i2"))


def pcm_of(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def play(rt: Runtime, call_id: str) -> bytes:
    reader, media_type, size = calls_service.open_original_audio(rt, ADMIN, call_id, "s3 deployment check")
    with reader:
        data = reader.read()
    assert media_type == "audio/wav"
    assert len(data) == size
    return data


def test_ingest_play_rotate_shred_through_an_s3_bucket(s3_settings: Settings, s3_rt: Runtime, tmp_path: Path) -> None:
    rt = s3_rt
    assert isinstance(rt.vault.blobs, S3BlobStore)
    # 40 s of 8 kHz stereo is ~1.3 MB (many encryption segments); 5 min is ~9.6 MB, past one 8 MiB upload part
    first = noise_wav(tmp_path / "first.wav", 40.0, seed=1)
    second = noise_wav(tmp_path / "second.wav", 5 * 60.0, seed=2)
    first_id = ingest_file(rt, ADMIN, first, None).call_id
    second_id = ingest_file(rt, ADMIN, second, None).call_id

    assert play(rt, first_id) == first.read_bytes()
    assert play(rt, second_id) == second.read_bytes()

    objects = bucket_objects(rt)
    assert len(objects) == 2
    assert all(key.startswith(f"{rt.vault.blobs.prefix}/recordings/") for key in objects)
    for original in (first, second):
        pcm = pcm_of(original)
        needles = [b"RIFF", b"WAVEfmt", *(pcm[at : at + 64] for at in (0, len(pcm) // 2, len(pcm) - 64))]
        for key, body in objects.items():
            for needle in needles:
                assert needle not in body, f"{key} holds plaintext of {original.name}"

    rotation = keys_service.rotate_keys(rt, ADMIN, retire_old=True)
    assert rotation.rewrapped == 2
    assert rt.keyset.key_ids() == [rotation.new_kek_id]
    assert play(rt, first_id) == first.read_bytes()
    fresh = open_runtime(s3_settings)  # another process: only the rewritten keyset file and the bucket
    try:
        assert play(fresh, second_id) == second.read_bytes()
    finally:
        fresh.close()

    with rt.db.transaction() as session:
        first_key = session.execute(select(Blob.store_key).where(Blob.call_id == first_id)).scalar_one()
    assert keys_service.shred_call_audio(rt, ADMIN, first_id, "data-subject erasure") == 1
    remaining = bucket_objects(rt)
    assert len(remaining) == 1
    assert f"{rt.vault.blobs.prefix}/{first_key}" in objects
    assert f"{rt.vault.blobs.prefix}/{first_key}" not in remaining
    with pytest.raises(Unavailable, match="unavailable"):
        calls_service.open_original_audio(rt, ADMIN, first_id, "after shred")
    assert play(rt, second_id) == second.read_bytes()
    assert sweep_orphans(rt, older_than_s=0) == 0  # the surviving object is catalogued
    assert bucket_objects(rt) == remaining


def test_sweep_removes_orphans_from_the_bucket(s3_rt: Runtime, tmp_path: Path) -> None:
    rt = s3_rt
    call_id = ingest_file(rt, ADMIN, noise_wav(tmp_path / "kept.wav", 2.0, seed=3), None).call_id
    orphan = rt.vault.seal([b"ciphertext of an ingest that crashed before its commit"], prefix=RECORDING_PREFIX)
    assert rt.vault.blobs.last_modified(orphan.store_key) <= time.time()
    assert sweep_orphans(rt, older_than_s=3600) == 0  # young: it could be an ingest about to commit
    assert rt.vault.blobs.exists(orphan.store_key)
    assert sweep_orphans(rt, older_than_s=0) == 1
    assert not rt.vault.blobs.exists(orphan.store_key)
    assert len(bucket_objects(rt)) == 1
    play(rt, call_id)
