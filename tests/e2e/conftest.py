"""A real ``callwarden serve`` process and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callwarden.config import Settings
from callwarden.services.runtime import init_home
from tests.integration.cli_helpers import CLI, cli_env, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


USERS = (("admin", "admin", None), ("agent1", "agent", "a-1"))


@dataclass(frozen=True)
class Server:
    url: str
    settings: Settings
    passwords: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A served home with two agents' calls and an account per role."""
    from tests.audio_fixtures import tone, write_wav

    root = tmp_path_factory.mktemp("e2e")
    settings = Settings(home=root / "home")
    init_home(settings)
    passwords = {name: add_user(settings, name, role, agent) for name, role, agent in USERS}
    for i, (agent, to) in enumerate((("a-1", "+17135550101"), ("a-2", "+12125550123"), ("a-1", "+12145550188"))):
        wav = write_wav(root / f"call{i}.wav", tone(2.0 + i, channels=2))
        (root / f"call{i}.json").write_text(
            f'{{"agent_id": "{agent}", "campaign": "solar", "from": "+15125550147", "to": "{to}",'
            f' "started_at": "2026-11-0{i + 1}T15:04:05Z", "call_id": "V-{i}", "direction": "outbound",'
            ' "agent_region": "US-TX"}'
        )
        assert run_cli(settings, "ingest", str(wav)).returncode == 0
    with serving(settings) as url:
        yield Server(url=url, settings=settings, passwords=passwords)


def add_user(settings: Settings, name: str, role: str, agent_id: str | None = None) -> str:
    """Create an account through the CLI; its generated password."""
    args = ["user", "add", name, "--role", role, "--password"] + (["--agent-id", agent_id] if agent_id else [])
    done = run_cli(settings, *args)
    assert done.returncode == 0, done.stderr
    return next(line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("password: "))


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """``callwarden serve`` on a free port for the home of ``settings``; its URL once healthy."""
    port = _free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=cli_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[object]:
    """A fresh Chromium page (no shared cookies between tests)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            yield page
        finally:
            browser.close()
