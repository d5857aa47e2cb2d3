"""What a person sees in a real browser: sign-in, the calls they may see, one call's page and audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Server
from tests.integration.cli_helpers import run_cli


def sign_in(page: Any, server: Server, name: str, password: str) -> None:
    page.goto(f"{server.url}/calls")
    assert "/login" in page.url
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_wrong_password_is_refused(browser_page: Any, server: Server) -> None:
    sign_in(browser_page, server, "admin", "not-the-password")
    assert "wrong user name or password" in browser_page.inner_text("[role=alert]")


def test_admin_sees_every_call_and_opens_one(browser_page: Any, server: Server, tmp_path: Path) -> None:
    page = browser_page
    sign_in(page, server, "admin", server.passwords["admin"])
    page.wait_for_url(f"{server.url}/calls")
    rows = page.locator("table.calls tbody tr")
    assert rows.count() == 3
    assert "+17135550101" in page.inner_text("table.calls")
    page.screenshot(path=str(tmp_path / "calls.png"), full_page=True)
    page.fill("input[name=phone]", "+12125550123")
    page.click("form.filters button")
    assert rows.count() == 1
    rows.first.locator("a").click()
    assert "Call V-1" in page.inner_text("h1")
    assert "call.ingested" in page.inner_text("body") and "call.viewed" in page.inner_text("body")
    assert page.locator("table.levels tbody tr").count() == 2
    assert "No speech was found" in page.inner_text("body"), "a pure tone has nothing to transcribe"


def test_agent_sees_only_own_calls_and_not_others_by_url(browser_page: Any, server: Server) -> None:
    page = browser_page
    sign_in(page, server, "agent1", server.passwords["agent1"])
    page.wait_for_url(f"{server.url}/calls")
    text = page.inner_text("table.calls")
    assert page.locator("table.calls tbody tr").count() == 2
    assert "+12125550123" not in text
    items = json.loads(run_cli(server.settings, "calls", "list", "--json").stdout)["items"]
    other = next(i for i in items if i["agent_id"] == "a-2")
    response = page.goto(f"{server.url}/calls/{other['id']}")
    assert response is not None and response.status == 404
