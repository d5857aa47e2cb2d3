"""Scale-out work queue: ``callwarden worker`` processes woken through Redis or RabbitMQ, the jobs table the truth.

Each test gets its own broker queue (``CALLWARDEN_QUEUE_NAME``), so runs sharing a broker never take each other's
wake-ups, and the queue is deleted afterwards. A broker that cannot be reached skips its tests, unless
``CALLWARDEN_REQUIRE_BROKERS=1`` (set by CI) turns that into a failure.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from callwarden.config import Settings
from callwarden.services import pipeline as pipeline_service
from callwarden.services.runtime import open_runtime
from tests.audio_fixtures import tone, write_wav
from tests.integration.cli_helpers import CLI, calls_json, cli_env, run_cli

pytest.importorskip("celery")
from kombu import Connection, Exchange, Queue

from callwarden.jobs.celery_queue import CeleryNotifier, safe_url

BROKERS = [
    pytest.param("redis://127.0.0.1:6379/15", id="redis"),
    pytest.param("amqp://guest:guest@127.0.0.1:5672//", id="rabbitmq"),
]
WAIT_S = 60.0


def _reachable(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


@pytest.fixture(params=BROKERS)
def broker_url(request: pytest.FixtureRequest) -> str:
    """A reachable broker, or a skip (a failure under CALLWARDEN_REQUIRE_BROKERS=1) naming the one that is not."""
    url: str = request.param
    if not _reachable(url):
        message = f"broker not reachable at {safe_url(url)}"
        if os.environ.get("CALLWARDEN_REQUIRE_BROKERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return url


def _delete_queue(url: str, name: str) -> None:
    if url.startswith("redis"):
        import redis

        client = redis.Redis.from_url(url)
        try:
            keys = list(client.scan_iter(match=f"*{name}*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
        return
    with Connection(url, connect_timeout=3) as conn:
        channel = conn.default_channel
        Queue(name, no_declare=True)(channel).delete()
        Exchange(name, no_declare=True)(channel).delete()


def _message_count(url: str, name: str) -> int:
    with Connection(url, connect_timeout=3) as conn:
        return int(conn.default_channel.queue_declare(queue=name, passive=True).message_count)


@pytest.fixture
def queue_name(broker_url: str) -> Iterator[str]:
    """A broker queue for this test alone, deleted afterwards."""
    name = f"cw-test-{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        _delete_queue(broker_url, name)


@pytest.fixture
def scale_settings(settings: Settings, broker_url: str, queue_name: str) -> Settings:
    """The test home in scale-out mode: wake-ups go through the broker."""
    return settings.model_copy(update={"queue_url": broker_url, "queue_name": queue_name})


def queue_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a CLI process using ``settings``' queue."""
    return {"CALLWARDEN_QUEUE_URL": settings.queue_url, "CALLWARDEN_QUEUE_NAME": settings.queue_name, **extra}


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout_s`` (a bound, not a timing check)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout_s:g} s waiting for {what}")
        time.sleep(0.3)


@contextmanager
def worker_process(settings: Settings, log_path: Path, *args: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``callwarden worker`` in a subprocess, its output in ``log_path``; always ended when the block exits."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*CLI, "worker", *args], env=cli_env(settings, **env), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def wait_ready(proc: subprocess.Popen[bytes], log_path: Path) -> None:
    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"worker exited with {proc.returncode} before it was ready:\n{log_path.read_text()}")
        return "worker ready" in log_path.read_text()

    wait_for(ready, "the worker to be ready")


def stop(proc: subprocess.Popen[bytes], log_path: Path) -> str:
    """SIGTERM the worker and return its output once it has exited."""
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=WAIT_S)
    output = log_path.read_text()
    assert proc.returncode == 0, output
    assert "worker stopped" in output
    return output


def make_calls(directory: Path, count: int) -> list[Path]:
    return [write_wav(directory / f"call-{i}.wav", tone(1.0 + 0.5 * i, channels=2)) for i in range(count)]


def statuses(settings: Settings) -> list[str]:
    return [item["status"] for item in calls_json(settings)]


def all_done(settings: Settings, count: int) -> Callable[[], bool]:
    return lambda: statuses(settings) == ["done"] * count


def test_worker_runs_calls_it_is_woken_for(scale_settings: Settings, tmp_path: Path) -> None:
    log_path = tmp_path / "worker.log"
    # Polling once an hour: only the broker's wake-ups can bring these calls to done within the wait.
    with worker_process(
        scale_settings, log_path, "--concurrency", "2", "--poll-interval", "3600", **queue_env(scale_settings)
    ) as proc:
        wait_ready(proc, log_path)
        ingest = run_cli(
            scale_settings, "ingest", *map(str, make_calls(tmp_path, 3)), "--no-process", **queue_env(scale_settings)
        )
        assert ingest.returncode == 0, ingest.stderr
        wait_for(all_done(scale_settings, 3), "every call to be done")
        output = stop(proc, log_path)
    assert "wake-up ran" in output


@pytest.mark.slow
def test_a_killed_worker_loses_no_job(scale_settings: Settings, tmp_path: Path) -> None:
    lease = {"CALLWARDEN_JOB_LEASE_S": "2"}
    (wav,) = make_calls(tmp_path, 1)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    # The first worker SIGKILLs itself the moment a stage starts: it dies holding the job's lease.
    with worker_process(
        scale_settings, first_log, **queue_env(scale_settings, CALLWARDEN_FAULT_AT="worker.in_stage", **lease)
    ) as first:
        wait_ready(first, first_log)
        ingest = run_cli(scale_settings, "ingest", str(wav), "--no-process", **queue_env(scale_settings))
        assert ingest.returncode == 0, ingest.stderr
        first.wait(timeout=WAIT_S)
        assert first.returncode == -signal.SIGKILL, first_log.read_text()
    assert statuses(scale_settings) == ["processing"]
    with worker_process(scale_settings, second_log, **queue_env(scale_settings, **lease)) as second:
        wait_for(all_done(scale_settings, 1), "the second worker to take the job over")
        stop(second, second_log)
    assert run_cli(scale_settings, "audit", "verify").returncode == 0


def test_scale_out_serve_starts_no_threads_and_notify_sends_wake_ups(scale_settings: Settings) -> None:
    rt = open_runtime(scale_settings)
    try:
        pipeline_service.start_workers(rt)
        assert not [t for t in threading.enumerate() if t.name.startswith("cw-worker-")]
        rt.notify_work()
        rt.notify_work()
    finally:
        rt.close()  # sends what is still waiting
    assert _message_count(scale_settings.queue_url, scale_settings.queue_name) == 2


def test_embedded_worker_polls_and_stops_on_sigterm(settings: Settings, tmp_path: Path) -> None:
    log_path = tmp_path / "worker.log"
    with worker_process(settings, log_path, "--concurrency", "2") as proc:
        wait_ready(proc, log_path)
        ingest = run_cli(settings, "ingest", *map(str, make_calls(tmp_path, 2)), "--no-process")
        assert ingest.returncode == 0, ingest.stderr
        wait_for(all_done(settings, 2), "every call to be done")
        stop(proc, log_path)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:1/0", "amqp://guest:guest@127.0.0.1:1//"])
def test_notifier_with_an_unreachable_broker_does_not_raise(url: str, caplog: pytest.LogCaptureFixture) -> None:
    notifier = CeleryNotifier(url, queue_name="cw-unreachable")
    with caplog.at_level(logging.WARNING, logger="callwarden.jobs.celery_queue"):
        notifier.notify()
        notifier.notify()
        notifier.close(timeout_s=WAIT_S)
    assert notifier.sent == 0
    assert "could not send a wake-up" in caplog.text
    assert "guest:guest" not in caplog.text, "the broker password must not reach the log"


def test_ingest_succeeds_when_the_broker_is_down(settings: Settings, tmp_path: Path) -> None:
    (wav,) = make_calls(tmp_path, 1)
    env = {"CALLWARDEN_QUEUE_URL": "redis://127.0.0.1:1/0"}
    ingest = run_cli(settings, "ingest", str(wav), "--no-process", **env)
    assert ingest.returncode == 0, ingest.stderr
    assert "workers will find the job by polling" in ingest.stderr
    work = run_cli(settings, "work", **env)
    assert work.returncode == 0, work.stderr
    assert statuses(settings) == ["done"]
