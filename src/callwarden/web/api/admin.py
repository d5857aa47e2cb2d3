"""``/api/v1/audit`` and ``/api/v1/pipeline``: chain verification and queue figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from callwarden.services import audit as audit_service
from callwarden.services import pipeline as pipeline_service
from callwarden.web.auth import ApiActor, runtime_of

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.get("/audit/verify")
def verify(request: Request, actor: ApiActor) -> dict[str, Any]:
    """Recheck the whole audit chain."""
    verdict = audit_service.verify_audit(runtime_of(request), actor)
    return {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "broken_seq": verdict.broken_seq,
        "reason": verdict.reason,
        "head_hash": verdict.head_hash,
    }


@router.get("/pipeline/jobs")
def jobs(request: Request, actor: ApiActor) -> dict[str, int]:
    """Jobs per status."""
    return pipeline_service.job_counts(runtime_of(request), actor)
