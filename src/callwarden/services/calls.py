"""Reading the catalogue: call listings, one call with its report, and its audio.

Every read of one call is an audit entry; listings are narrowed by role before they reach the database (agents
see their own calls, restricted calls only compliance and admin), so an unauthorised call is never even counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, cast

from sqlalchemy import Select, String, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from callwarden.domain.access import Action, Actor, Role, list_scope
from callwarden.domain.audit import AuditEvent
from callwarden.pipeline.pii_stage import REDACTED_TRANSCRIPT
from callwarden.pipeline.redact_stage import REDACTED_AUDIO
from callwarden.pipeline.runner import ORIGINAL, current_blob
from callwarden.services.authz import require
from callwarden.services.errors import NotFound, Unavailable
from callwarden.services.retention import hold_info, scheduled_deletions_for
from callwarden.services.runtime import Runtime
from callwarden.store import audit_log
from callwarden.store.crypto import IntegrityError
from callwarden.store.models import Blob, Call, StageResult
from callwarden.store.vault import ShreddedError


@dataclass(frozen=True)
class CallFilter:
    """Listing filters; a phone number matches either party; ``flag`` keeps calls carrying that flag
    (``redaction_review`` is the compliance review queue)."""

    agent_id: str | None = None
    campaign: str | None = None
    status: str | None = None
    phone: str | None = None
    flag: str | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None
    limit: int = 100
    offset: int = 0


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def call_item(call: Call) -> dict[str, Any]:
    """The stable listing shape of DESIGN.md (CLI ``calls list --json`` and ``GET /api/v1/calls``)."""
    return {
        "id": call.id,
        "call_id": call.call_id,
        "agent_id": call.agent_id,
        "campaign": call.campaign,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "started_at": _iso(call.started_at),
        "duration_s": call.duration_s,
        "claimed_duration_s": call.claimed_duration_s,
        "channels": call.channels,
        "sample_rate": call.sample_rate,
        "codec": call.codec,
        "size_bytes": call.size_bytes,
        "sha256": call.sha256,
        "status": call.status,
        "disclosure_status": call.disclosure_status,
        "disposition": call.disposition,
        "lead_id": call.lead_id,
        "agent_region": call.agent_region,
        "source": call.source,
        "original_name": call.original_name,
        "flags": list(call.flags or []),
        "legal_hold": bool(call.legal_hold),
        "created_at": _iso(call.created_at),
        "updated_at": _iso(call.updated_at),
    }


def _scoped(actor: Actor, query: Select[Call]) -> Select[Call]:
    agent_only, include_restricted = list_scope(actor)
    if actor.role is Role.AGENT:
        # An agent account without an agent id sees nothing rather than everything.
        query = query.where(Call.agent_id == agent_only) if agent_only else query.where(Call.id.is_(None))
    if not include_restricted:
        query = query.where(Call.restricted.is_(False))
    return query


def list_calls(rt: Runtime, actor: Actor, flt: CallFilter | None = None) -> dict[str, Any]:
    """Calls visible to ``actor``, newest first, with the total before paging."""
    require(actor, Action.CALL_LIST)
    flt = flt or CallFilter()
    query = _scoped(actor, select(Call))
    if flt.agent_id:
        query = query.where(Call.agent_id == flt.agent_id)
    if flt.campaign:
        query = query.where(Call.campaign == flt.campaign)
    if flt.status:
        query = query.where(Call.status == flt.status)
    if flt.phone:
        query = query.where((Call.from_number == flt.phone) | (Call.to_number == flt.phone))
    if flt.flag:
        # flags are a JSON list of [a-z_] names: match the quoted name in its text, escaping LIKE's "_"
        quoted = '%"' + flt.flag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
        query = query.where(sql_cast(Call.flags, String).like(quoted, escape="\\"))
    if flt.started_from:
        query = query.where(Call.started_at >= flt.started_from)
    if flt.started_to:
        query = query.where(Call.started_at < flt.started_to)
    with rt.db.transaction() as session:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.scalars(
            query.order_by(Call.started_at.desc().nulls_last(), Call.created_at.desc())
            .limit(max(1, min(flt.limit, 1000)))
            .offset(max(0, flt.offset))
        )
        items = [call_item(call) for call in rows]
    return {"items": items, "total": total, "limit": flt.limit, "offset": flt.offset}


def _visible_call(session: Session, actor: Actor, call_id: str, action: Action, purpose: str | None) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}")
    try:
        require(actor, action, call, purpose=purpose)
    except Exception as exc:
        if action is Action.CALL_VIEW:
            raise NotFound(f"no call {call_id}") from exc
        raise
    return call


def _redacted_transcript(session: Session, pii: dict[str, Any] | None) -> Blob | None:
    ref = ((pii or {}).get("artifacts") or {}).get(REDACTED_TRANSCRIPT)
    return session.get(Blob, ref["blob_id"]) if ref else None


def _segments(rt: Runtime, session: Session, call: Call, blob: Blob | None) -> list[dict[str, Any]] | None:
    """The redacted transcript the pii stage stored; None until it has run (never the unredacted one) and once
    it was deleted."""
    if blob is None or blob.shredded_at is not None:
        return None
    try:
        with rt.vault.open(session, blob) as reader:
            transcript = json.loads(reader.read())
    except (ShreddedError, IntegrityError) as exc:
        raise Unavailable(f"call {call.id}: transcript unavailable: {exc}") from exc
    return [
        {key: raw[key] for key in ("speaker", "start_s", "end_s", "text", "speaker_confidence")}
        for raw in transcript["segments"]
    ]


def _segments_withheld(transcribed: dict[str, Any] | None, pii: dict[str, Any] | None, blob: Blob | None) -> str | None:
    """Why the report shows no transcript text, when it shows none: fail closed until redaction has run."""
    if blob is not None and blob.shredded_at is not None:
        return "deleted: the transcript was crypto-shredded with the call's audio"
    if transcribed is None or transcribed.get("skipped"):
        return None
    if pii is None:
        return "not redacted yet: the transcript is shown once personal data has been removed from it"
    return None


def _pii_report(pii: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if pii is None or pii.get("skipped"):
        return None
    keys = ("type", "speaker", "start_s", "end_s", "confidence", "source")
    return [{key: span[key] for key in keys} for span in pii["spans"]]


def call_report(rt: Runtime, session: Session, call: Call) -> dict[str, Any]:
    """The report assembled from the newest output of each stage, with what made it."""
    results = session.execute(
        select(StageResult).where(StageResult.call_id == call.id).order_by(StageResult.id)
    ).scalars()
    latest: dict[str, StageResult] = {}
    for result in results:
        latest[result.stage] = result

    def output(stage: str) -> dict[str, Any] | None:
        result = latest.get(stage)
        return None if result is None else result.output

    consent = output("consent") or {}
    pii = output("pii")
    redact = output("redact")
    redacted = _redacted_transcript(session, pii)
    return {
        "duration_s": call.duration_s,
        "channels": call.channels,
        "jurisdiction": consent.get("jurisdiction"),
        "disclosure": consent.get("disclosure"),
        "objection": consent.get("objection"),
        "calling_hours": consent.get("calling_hours"),
        "consent_record": consent.get("consent_record"),
        "levels": output("decode"),
        "segments": _segments(rt, session, call, redacted),
        "segments_withheld": _segments_withheld(output("transcribe"), pii, redacted),
        "pii": _pii_report(pii),
        "redaction": None if redact is None else {k: v for k, v in redact.items() if k not in ("audio", "pci")},
        "metrics": output("metrics"),
        "transcription": output("transcribe"),
        "retention": {
            "legal_hold": {k: v for k, v in hold_info(call).items() if k != "call_id"},
            "deletions": scheduled_deletions_for(session, call.id),
        },
        "stages": [
            {
                "stage": result.stage,
                "engine": result.engine,
                "engine_version": result.engine_version,
                "input_hash": result.input_hash,
                "output_hash": result.output_hash,
                "at": _iso(result.created_at),
            }
            for result in latest.values()
        ],
    }


def show_call(rt: Runtime, actor: Actor, call_id: str) -> dict[str, Any]:
    """One call with its report and history; the view is recorded first, so the history shows it too."""
    with rt.db.transaction() as session:
        call = _visible_call(session, actor, call_id, Action.CALL_VIEW, None)
        audit_log.append(
            session,
            AuditEvent(actor=actor.name, action="call.viewed", resource_type="call", resource_id=call.id),
        )
        session.flush()
        item = call_item(call)
        item["report"] = call_report(rt, session, call)
        item["history"] = [entry.to_json_dict() for entry in audit_log.entries_for(session, call.id)]
    return item


def _open_audio(
    rt: Runtime, actor: Actor, call_id: str, action: Action, kind: str, purpose: str | None
) -> tuple[BinaryIO, str, int]:
    """Open the current blob of ``kind`` for someone allowed to ``action``; audited before a byte is read."""
    with rt.db.transaction() as session:
        call = _visible_call(session, actor, call_id, action, purpose)
        blob = current_blob(session, call.id, kind)
        if blob is None:
            gone = session.execute(
                select(Blob.shredded_at).where(Blob.call_id == call.id, Blob.kind == kind).limit(1)
            ).first()
            if gone is not None:
                raise Unavailable(f"call {call.id}: recording unavailable: the {kind} audio was deleted (key shredded)")
            raise NotFound(f"call {call.id} has no {'redacted audio yet' if kind == REDACTED_AUDIO else kind}")
        try:
            reader = rt.vault.open(session, blob)
        except (ShreddedError, IntegrityError) as exc:
            raise Unavailable(f"call {call.id}: recording unavailable: {exc}") from exc
        played = "call.original_played" if kind == ORIGINAL else "call.redacted_played"
        audit_log.append(
            session,
            AuditEvent(actor=actor.name, action=played, resource_type="call", resource_id=call.id, purpose=purpose),
        )
    return cast(BinaryIO, reader), blob.media_type, blob.plaintext_size


def open_original_audio(rt: Runtime, actor: Actor, call_id: str, purpose: str) -> tuple[BinaryIO, str, int]:
    """The decrypted original (card data already removed by the redact stage) for someone allowed to hear it and
    saying why."""
    return _open_audio(rt, actor, call_id, Action.CALL_PLAY_ORIGINAL, ORIGINAL, purpose)


def open_redacted_audio(rt: Runtime, actor: Actor, call_id: str) -> tuple[BinaryIO, str, int]:
    """The redacted derivative, what people hear by default; NotFound until the redact stage has made it."""
    return _open_audio(rt, actor, call_id, Action.CALL_PLAY_REDACTED, REDACTED_AUDIO, None)
