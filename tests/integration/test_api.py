"""The HTTP API in-process (FastAPI TestClient) over SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callwarden.services.runtime import Runtime
from callwarden.services.users import add_user, local_operator
from callwarden.web.app import create_app
from tests.audio_fixtures import tone, write_wav

META = {"agent_id": "a-1", "campaign": "solar", "from": "+15125550147", "to": "+14155552671", "call_id": "V-9"}


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(rt, run_workers=False)) as test_client:
        yield test_client


def token(rt: Runtime, name: str, role: str, agent_id: str | None = None) -> dict[str, str]:
    new = add_user(rt, local_operator(), name, role, agent_id=agent_id, with_token=True)
    assert new.token is not None
    return {"Authorization": f"Bearer {new.token}"}


def upload(client: TestClient, headers: dict[str, str], body: bytes, name: str = "c.wav", meta: object = META):
    return client.post(
        f"/api/v1/calls?filename={name}",
        content=body,
        headers={**headers, "X-Callwarden-Meta": json.dumps(meta), "Content-Type": "audio/wav"},
    )


def test_requests_without_credentials_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/calls").status_code == 401
    assert client.get("/api/v1/calls", headers={"Authorization": "Bearer cw_wrong"}).status_code == 401


def test_upload_list_show_duplicate(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    body = write_wav(tmp_path / "c.wav", tone(1.5, channels=2)).read_bytes()
    created = upload(client, admin, body)
    assert created.status_code == 201, created.text
    call_id = created.json()["id"]
    again = upload(client, admin, body, name="copy.wav")
    assert again.status_code == 200 and again.json()["id"] == call_id and again.json()["created"] is False
    listing = client.get("/api/v1/calls", headers=admin).json()
    assert listing["total"] == 1
    item = listing["items"][0]
    assert {"id", "call_id", "agent_id", "campaign", "from", "to", "started_at", "duration_s", "status"} <= set(item)
    assert item["to"] == "+14155552671" and item["source"] == "upload"
    shown = client.get(f"/api/v1/calls/{call_id}", headers=admin).json()
    assert shown["report"]["channels"] == 2
    assert client.get("/api/v1/calls?phone=%2B14155552671", headers=admin).json()["total"] == 1
    assert client.get("/api/v1/calls?phone=%2B19999999999", headers=admin).json()["total"] == 0


def test_bad_uploads_get_a_clear_error(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    assert "empty" in upload(client, admin, b"").json()["detail"]
    bad = upload(client, admin, b"<html>not audio</html>" * 20, name="page.wav")
    assert bad.status_code == 422 and "page.wav" in bad.json()["detail"]
    body = write_wav(tmp_path / "c.wav", tone(1.0)).read_bytes()
    wrong_meta = upload(client, admin, body, meta={"to": "nope"})
    assert wrong_meta.status_code == 422 and "not a phone number" in wrong_meta.json()["detail"]
    rt.settings.max_upload_bytes = 1000
    too_big = upload(client, admin, body)
    assert too_big.status_code == 413
    assert client.get("/api/v1/calls", headers=admin).json()["total"] == 0
    assert list(rt.vault.blobs.keys()) == []


def test_original_audio_needs_role_and_purpose_and_supports_range(
    client: TestClient, rt: Runtime, tmp_path: Path
) -> None:
    admin = token(rt, "dialer", "admin")
    qa = token(rt, "qa", "qa_manager")
    body = write_wav(tmp_path / "c.wav", tone(1.0)).read_bytes()
    call_id = upload(client, admin, body).json()["id"]
    url = f"/api/v1/calls/{call_id}/audio/original"
    assert client.get(url, headers=admin).status_code == 422
    assert client.get(url + "?purpose=dispute%2017", headers=qa).status_code == 403
    full = client.get(url + "?purpose=dispute%2017", headers=admin)
    assert full.status_code == 200 and full.content == body
    part = client.get(url + "?purpose=dispute%2017", headers={**admin, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == body[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(body)}"
    history = client.get(f"/api/v1/calls/{call_id}", headers=admin).json()["history"]
    played = [h for h in history if h["action"] == "call.original_played"]
    assert len(played) == 2 and played[0]["purpose"] == "dispute 17"


def test_agents_see_only_their_calls(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    agent = token(rt, "ag", "agent", agent_id="a-2")
    own_bytes = write_wav(tmp_path / "a.wav", tone(1.0)).read_bytes()
    mine = upload(client, admin, own_bytes, meta={**META, "agent_id": "a-2"})
    theirs = upload(client, admin, write_wav(tmp_path / "b.wav", tone(1.1)).read_bytes(), name="b.wav")
    listing = client.get("/api/v1/calls", headers=agent).json()
    assert [i["id"] for i in listing["items"]] == [mine.json()["id"]]
    assert client.get(f"/api/v1/calls/{theirs.json()['id']}", headers=agent).status_code == 404
    assert upload(client, agent, b"x").status_code == 403


def test_audit_verify_endpoint_and_openapi(client: TestClient, rt: Runtime) -> None:
    admin = token(rt, "dialer", "admin")
    assert client.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True
    spec = client.get("/openapi.json").json()
    assert "/api/v1/calls" in spec["paths"] and "/api/v1/calls/{call_id}/audio/original" in spec["paths"]


def test_multipart_upload_with_meta_before_file(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    body = write_wav(tmp_path / "c.wav", tone(1.2, channels=2)).read_bytes()
    done = client.post(
        "/api/v1/calls",
        headers=admin,
        files=[("meta", (None, json.dumps(META), "application/json")), ("file", ("mp.wav", body, "audio/wav"))],
    )
    assert done.status_code == 201, done.text
    item = client.get(f"/api/v1/calls/{done.json()['id']}", headers=admin).json()
    assert item["original_name"] == "mp.wav" and item["call_id"] == "V-9" and item["size_bytes"] == len(body)


def test_multipart_errors_are_named(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    body = write_wav(tmp_path / "c.wav", tone(1.0)).read_bytes()
    late_meta = client.post(
        "/api/v1/calls",
        headers=admin,
        files=[("file", ("a.wav", body, "audio/wav")), ("meta", (None, json.dumps(META), "application/json"))],
    )
    assert late_meta.status_code == 422 and "before the file" in late_meta.json()["detail"]
    no_file = client.post("/api/v1/calls", headers=admin, files=[("meta", (None, "{}", "application/json"))])
    assert no_file.status_code == 422 and "'file'" in no_file.json()["detail"]
    bad_meta = client.post(
        "/api/v1/calls",
        headers=admin,
        files=[("meta", (None, '{"to": "x"}', "application/json")), ("file", ("a.wav", body, "audio/wav"))],
    )
    assert bad_meta.status_code == 422 and "meta" in bad_meta.json()["detail"]
    assert client.get("/api/v1/calls", headers=admin).json()["total"] == 0
    assert list(rt.vault.blobs.keys()) == []


def test_audio_serves_the_redacted_derivative_with_range(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    """What people hear by default: the redact stage's derivative, lossless outside redactions, audited."""
    import io

    import numpy as np

    from callwarden.audio.decode import decode_channels
    from callwarden.services.pipeline import run_pending

    admin = token(rt, "dialer", "admin")
    listener = token(rt, "cc", "compliance")  # a tone has no disclosure: quarantined, compliance listens
    body = write_wav(tmp_path / "c.wav", tone(1.0)).read_bytes()
    call_id = upload(client, admin, body).json()["id"]
    url = f"/api/v1/calls/{call_id}/audio"
    early = client.get(url, headers=listener)
    assert early.status_code == 404 and "no redacted audio yet" in early.text
    run_pending(rt, local_operator())
    full = client.get(url, headers=listener)
    assert full.status_code == 200 and full.headers["content-type"] == "audio/flac"
    assert full.headers["cache-control"] == "no-store"
    heard = decode_channels(io.BytesIO(full.content), target_rate=8000).samples
    assert np.array_equal(heard, decode_channels(io.BytesIO(body), target_rate=8000).samples)
    part = client.get(url, headers={**listener, "Range": "bytes=10-99"})
    assert part.status_code == 206 and part.content == full.content[10:100]
    assert part.headers["content-range"] == f"bytes 10-99/{len(full.content)}"
    assert client.get(url, headers={**listener, "Range": f"bytes={len(full.content)}-"}).status_code == 416
    history = client.get(f"/api/v1/calls/{call_id}", headers=admin).json()["history"]
    assert sum(h["action"] == "call.redacted_played" for h in history) == 3  # every request that opened it


def test_calls_filter_by_flag(client: TestClient, rt: Runtime, tmp_path: Path) -> None:
    admin = token(rt, "dialer", "admin")
    upload(client, admin, write_wav(tmp_path / "c.wav", tone(1.0)).read_bytes())
    assert client.get("/api/v1/calls?flag=redaction_review", headers=admin).json()["total"] == 0
    assert client.get("/api/v1/calls?flag=bad%25flag", headers=admin).status_code == 422
