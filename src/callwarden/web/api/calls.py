"""``/api/v1/calls``: upload, list, show, and audio with HTTP Range."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, BinaryIO

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from python_multipart.multipart import parse_options_header

from callwarden.domain.metadata import CallMetadata, MetadataError, parse_metadata_json
from callwarden.services import calls as calls_service
from callwarden.services.ingest import IngestOutcome, ingest_stream
from callwarden.services.runtime import Runtime
from callwarden.web.api.multipart import MultipartError, MultipartUpload
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
    flag: Annotated[
        str | None,
        Query(pattern=r"^[a-z_]{1,64}$", description="Only calls with this flag (redaction_review: the review queue)."),
    ] = None,
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
        flag=flag,
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
    filename: Annotated[
        str | None, Query(min_length=1, max_length=255, description="Original file name (raw uploads).")
    ] = None,
    x_callwarden_meta: Annotated[str | None, Header(description="META.json content for this call.")] = None,
    content_length: Annotated[int | None, Header()] = None,
    content_type: Annotated[str, Header()] = "application/octet-stream",
) -> dict[str, Any]:
    """Upload one recording, streamed and encrypted as it arrives (never spooled to disk in the clear).

    Either the raw recording as the body (``?filename=`` required, metadata as JSON in ``X-Callwarden-Meta``),
    or ``multipart/form-data`` with an optional ``meta`` field (META.json) followed by a ``file`` field.
    201 for a new call, 200 for a duplicate.
    """
    rt = runtime_of(request)
    if content_length is not None and content_length > rt.settings.max_upload_bytes:
        raise HTTPException(413, f"{content_length} bytes is over the upload limit of {rt.settings.max_upload_bytes}")
    body = request.stream()

    def pull() -> bytes | None:
        try:
            return anyio.from_thread.run(body.__anext__)
        except StopAsyncIteration:
            return None

    def raw_chunks() -> Iterator[bytes]:
        while (chunk := pull()) is not None:
            if chunk:
                yield chunk

    def run() -> IngestOutcome:
        meta_text = x_callwarden_meta
        if content_type.startswith("multipart/form-data"):
            boundary = parse_options_header(content_type)[1].get(b"boundary")
            if not boundary:
                raise HTTPException(422, "multipart upload without a boundary")
            upload = MultipartUpload(pull, boundary)
            try:
                upload.start()
            except MultipartError as exc:
                raise HTTPException(422, str(exc)) from exc
            if "meta" in upload.fields:
                meta_text = upload.fields["meta"].decode("utf-8", "replace")
            name, chunks = filename or upload.filename, upload.chunks()
        else:
            name, chunks = filename, raw_chunks()
        if not name:
            raise HTTPException(422, "the file name is missing: pass ?filename= (or a filename in the form part)")
        meta = _meta(rt, meta_text)
        try:
            return ingest_stream(rt, actor, chunks, name, meta, source="upload")
        except MultipartError as exc:
            raise HTTPException(422, str(exc)) from exc

    outcome = await anyio.to_thread.run_sync(run)
    if not outcome.created:
        response.status_code = 200
    return {"id": outcome.call_id, "created": outcome.created, "sha256": outcome.sha256, "flags": list(outcome.flags)}


def _meta(rt: Runtime, text: str | None) -> CallMetadata | None:
    if not text:
        return None
    try:
        return parse_metadata_json(
            text, default_region=rt.settings.default_phone_region, dialer_timezone=rt.settings.dialer_timezone
        )
    except MetadataError as exc:
        raise HTTPException(422, f"meta: {exc}") from exc


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


@router.get("/{call_id}/audio")
def redacted_audio(
    request: Request,
    actor: ApiActor,
    call_id: str,
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> StreamingResponse:
    """The redacted recording, what people hear by default: personal data replaced by tone or silence (audited)."""
    opened = calls_service.open_redacted_audio(runtime_of(request), actor, call_id)
    return _ranged(*opened, range_header)


@router.get("/{call_id}/audio/original")
def original_audio(
    request: Request,
    actor: ApiActor,
    call_id: str,
    purpose: Annotated[str, Query(min_length=3, max_length=500, description="Why the original is needed.")],
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> StreamingResponse:
    """The decrypted original recording, card data removed (needs a role that allows it and a stated purpose;
    audited)."""
    opened = calls_service.open_original_audio(runtime_of(request), actor, call_id, purpose)
    return _ranged(*opened, range_header)


def _ranged(reader: BinaryIO, media_type: str, size: int, range_header: str | None) -> StreamingResponse:
    """Stream ``reader`` whole (200) or the one range asked for (206), without caching."""
    try:
        span = _parse_range(range_header, size)
    except HTTPException:
        reader.close()
        raise
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
