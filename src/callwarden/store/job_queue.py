"""The jobs table as a durable queue with leases.

A worker claims a job by setting a lease; if the worker dies, the lease runs out and another worker takes the
job over, so a killed worker delays a stage but never loses it. Claims use FOR UPDATE SKIP LOCKED on PostgreSQL;
on SQLite the IMMEDIATE transaction already makes a claim exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callwarden.domain.pipeline import JobStatus
from callwarden.store.models import Job


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker now holds until ``lease_until``."""

    id: int
    call_id: str
    stage: str
    attempt: int
    lease_owner: str


def enqueue(session: Session, call_id: str, stage: str, *, now: datetime | None = None) -> Job:
    """Queue ``stage`` for ``call_id`` in the caller's transaction (visible to workers on commit)."""
    moment = now or datetime.now(UTC)
    job = Job(
        call_id=call_id,
        stage=stage,
        status=JobStatus.QUEUED.value,
        attempts=0,
        max_attempts=3,
        available_at=moment,
        created_at=moment,
        updated_at=moment,
    )
    session.add(job)
    return job


def claim(session: Session, owner: str, lease_s: float, *, now: datetime | None = None) -> ClaimedJob | None:
    """Take the oldest runnable job: queued and due, or running with an expired lease."""
    moment = now or datetime.now(UTC)
    query = (
        select(Job)
        .where(
            or_(
                (Job.status == JobStatus.QUEUED.value) & (Job.available_at <= moment),
                (Job.status == JobStatus.RUNNING.value) & (Job.lease_until < moment),
            )
        )
        .order_by(Job.available_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job = session.execute(query).scalar_one_or_none()
    if job is None:
        return None
    job.status = JobStatus.RUNNING.value
    job.attempts += 1
    job.lease_owner = owner
    job.lease_until = moment + timedelta(seconds=lease_s)
    job.updated_at = moment
    return ClaimedJob(id=job.id, call_id=job.call_id, stage=job.stage, attempt=job.attempts, lease_owner=owner)


def held(session: Session, claimed: ClaimedJob) -> Job | None:
    """The job row if ``claimed`` still holds its lease (a slow worker may have lost it to another)."""
    job = session.get(Job, claimed.id, with_for_update=True)
    if job is None or job.status != JobStatus.RUNNING.value or job.lease_owner != claimed.lease_owner:
        return None
    return job


def finish(job: Job, *, now: datetime | None = None) -> None:
    """Mark a held job done."""
    job.status = JobStatus.DONE.value
    job.lease_owner = None
    job.lease_until = None
    job.last_error = None
    job.updated_at = now or datetime.now(UTC)


def fail(job: Job, error: str, *, retry_after_s: float, now: datetime | None = None) -> bool:
    """Record a failure; requeue with a delay while attempts remain. Returns True when it is final."""
    moment = now or datetime.now(UTC)
    job.last_error = error[:4000]
    job.lease_owner = None
    job.lease_until = None
    job.updated_at = moment
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED.value
        return True
    job.status = JobStatus.QUEUED.value
    job.available_at = moment + timedelta(seconds=retry_after_s * job.attempts)
    return False


def pending_count(session: Session) -> int:
    """Jobs not yet finished or failed."""
    rows = session.execute(
        select(Job.id).where(Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
    ).all()
    return len(rows)
