"""``/api/v1/calls``: upload, list, show, and audio with HTTP Range."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse

from callwarden.domain.metadata import CallMetadata, MetadataError, parse_metadata_json
from callwarden.services import calls as calls_service
from callwarden.services.ingest import ingest_stream
from callwarden.web.auth import ApiActor, runtime_of

router = APIRouter(prefix="/api/v1/calls", tags=["calls"])
RANGE_CHUNK = 256 * 1024


@router.get("")
def list_calls(
    request: Request,
    actor: ApiActor,
    agent_id: str | None = None,
    campaign: str | None = None,
    status: str | None = None,
    phone: str | None = None,
    started_from: datetime | None = None,
    started_to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Calls visible to the caller, newest first."""
    flt = calls_service.CallFilter(
        agent_id=agent_id,
        campaign=campaign,
        status=status,
        phone=phone,
        started_from=started_from,
        started_to=started_to,
        limit=limit,
        offset=offset,
    )
    return calls_service.list_calls(runtime_of(request), actor, flt)


@router.get("/{call_id}")
def show_call(request: Request, actor: ApiActor, call_id: str) -> dict[str, Any]:
    """One call with its report; the view is audited."""
    return calls_service.show_call(runtime_of(request), actor, call_id)


@router.post("", status_code=201)
async def upload_call(
    request: Request,
    response: Response,
    actor: ApiActor,
    filename: Annotated[str, Query(min_length=1, max_length=255, description="Original file name.")],
    x_callwarden_meta: Annotated[str | None, Header(description="META.json content for this call.")] = None,
    content_length: Annotated[int | None, Header()] = None,
) -> dict[str, Any]:
    """Upload one recording as the raw request body (streamed, encrypted as it arrives, never spooled in clear).

    Metadata travels as JSON in the ``X-Callwarden-Meta`` header. 201 for a new call, 200 for a duplicate.
    """
    rt = runtime_of(request)
    if content_length is not None and content_length > rt.settings.max_upload_bytes:
        raise HTTPException(413, f"{filename}: {content_length} bytes is over the upload limit")
    meta: CallMetadata | None = None
    if x_callwarden_meta:
        try:
            meta = parse_metadata_json(
                x_callwarden_meta,
                default_region=rt.settings.default_phone_region,
                dialer_timezone=rt.settings.dialer_timezone,
            )
        except MetadataError as exc:
            raise HTTPException(422, f"X-Callwarden-Meta: {exc}") from exc
    body = request.stream()

    def chunks() -> Iterator[bytes]:
        while True:
            try:
                chunk = anyio.from_thread.run(body.__anext__)
            except StopAsyncIteration:
                return
            if chunk:
                yield chunk

    outcome = await anyio.to_thread.run_sync(
        lambda: ingest_stream(rt, actor, chunks(), filename, meta, source="upload")
    )
    if not outcome.created:
        response.status_code = 200
    return {
        "id": outcome.call_id,
        "created": outcome.created,
        "sha256": outcome.sha256,
        "flags": list(outcome.flags),
    }


def _parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    if not header or not header.startswith("bytes="):
        return None
    first = header[6:].split(",")[0].strip()
    start_text, _, end_text = first.partition("-")
    try:
        if start_text == "":
            length = int(end_text)
            start, end = max(0, size - length), size - 1
        else:
            start = int(start_text)
            end = int(end_text) if end_text else size - 1
    except ValueError:
        return None
    if start > end or start >= size:
        raise HTTPException(416, "requested range not satisfiable", headers={"Content-Range": f"bytes */{size}"})
    return start, min(end, size - 1)


@router.get("/{call_id}/audio/original")
def original_audio(
    request: Request,
    actor: ApiActor,
    call_id: str,
    purpose: Annotated[str, Query(min_length=3, max_length=500, description="Why the original is needed.")],
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> StreamingResponse:
    """The decrypted original recording (needs a role that allows it and a stated purpose; audited)."""
    reader, media_type, size = calls_service.open_original_audio(runtime_of(request), actor, call_id, purpose)
    span = _parse_range(range_header, size)
    start, end = span if span is not None else (0, size - 1)

    def body() -> Iterator[bytes]:
        with reader:
            reader.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                piece = reader.read(min(RANGE_CHUNK, remaining))
                if not piece:
                    return
                remaining -= len(piece)
                yield piece

    headers = {
        "Accept-Ranges": "bytes",
        "Content-Length": str(max(0, end - start + 1)),
        "Cache-Control": "no-store",
    }
    if span is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(body(), status_code=206 if span else 200, media_type=media_type, headers=headers)
