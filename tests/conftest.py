"""Shared fixtures: a fresh callwarden home on SQLite or on its own PostgreSQL database.

PostgreSQL tests use ``CALLWARDEN_TEST_POSTGRES_URL`` (default: the local server's ``test`` database) and create
one throw-away database per test. Without a reachable server they skip, unless ``CALLWARDEN_REQUIRE_POSTGRES=1``
(set by CI) turns that into a failure so a missing server can never pass silently.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callwarden.config import Settings
from callwarden.services.runtime import Runtime, init_home, open_runtime

os.environ.setdefault("HF_HUB_OFFLINE", "1")
S3_BUCKET = "callwarden-test"
PG_URL = os.environ.get("CALLWARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin_dsn() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://")


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(_pg_admin_dsn(), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_ok() -> bool:
    """Whether PostgreSQL can be used in this run."""
    ok = _postgres_available()
    if not ok and os.environ.get("CALLWARDEN_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required but not reachable at {PG_URL}")
    return ok


@pytest.fixture
def postgres_url(postgres_ok: bool) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not postgres_ok:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    import psycopg

    name = f"cw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of a test home: SQLite in the home, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'callwarden.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings of an initialised home in ``tmp_path``."""
    settings = Settings(home=tmp_path / "home", database_url=database_url, watch_settle_s=0)
    init_home(settings)
    return settings


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    """An open runtime over the test home (workers not started)."""
    runtime = open_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free local port with the bucket ``S3_BUCKET``; fake credentials only."""
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.setenv(name, "testing")
        env.delenv("AWS_PROFILE", raising=False)
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        try:
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=S3_BUCKET)
            yield endpoint
        finally:
            server.stop()


@pytest.fixture(scope="session")
def engine() -> Any:
    """The default offline speech engine (bundled tiny.en), loaded once for every test that transcribes."""
    from callwarden.speech.engine import FasterWhisperEngine

    loaded = FasterWhisperEngine()
    loaded.load()
    return loaded


@pytest.fixture(scope="session", autouse=True)
def transcriptions_once_per_audio() -> Iterator[None]:
    """Each distinct audio (same samples, same clock offset, same engine settings) is transcribed once per test
    session and the result reused.

    Pipeline tests run the same synthetic call on SQLite and on PostgreSQL, and several tests run one call; the
    speech is what takes the time, and what is under test the second time is the storage, the stages and the
    verdicts around it. Results are copied out so no test can change another's. Subprocesses (the CLI, a served
    app) transcribe for real.
    """
    import copy
    import hashlib

    import numpy as np

    from callwarden.speech.engine import AsrResult, FasterWhisperEngine

    real = FasterWhisperEngine.transcribe
    cache: dict[tuple[object, str, float], AsrResult] = {}

    def transcribe(self: FasterWhisperEngine, audio: Any, *, offset_s: float = 0.0) -> AsrResult:
        samples = np.ascontiguousarray(audio, dtype=np.float32)
        key = (self.settings, hashlib.sha256(samples.tobytes()).hexdigest(), float(offset_s))
        if key not in cache:
            cache[key] = real(self, audio, offset_s=offset_s)
        return copy.deepcopy(cache[key])

    FasterWhisperEngine.transcribe = transcribe  # type: ignore[method-assign]
    try:
        yield
    finally:
        FasterWhisperEngine.transcribe = real  # type: ignore[method-assign]
