"""Compliance figures: how often the disclosure was given, late, missing or objected to, per agent, campaign or day.

Computed in the database (one grouped query), scoped like every listing: agents see only their own calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Select, func, select

from callwarden.domain.access import Action, Actor, Role, list_scope
from callwarden.services.authz import require
from callwarden.services.errors import InvalidInput
from callwarden.services.runtime import Runtime
from callwarden.store.models import Call

STATUSES = ("given", "late", "missing", "objected")
GroupBy = Literal["agent", "campaign", "day"]


@dataclass(frozen=True)
class ComplianceRow:
    """One group's counts and rates; ``pending`` calls have no verdict yet and are not in the rates."""

    key: str
    calls: int
    counts: dict[str, int]
    pending: int

    def rates(self) -> dict[str, float]:
        """Share of judged calls per status."""
        judged = sum(self.counts.values())
        return {status: (self.counts[status] / judged if judged else 0.0) for status in STATUSES}

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "calls": self.calls, "pending": self.pending, **self.counts, "rates": self.rates()}


def _group_column(group_by: GroupBy, dialect: str) -> Any:
    if group_by == "agent":
        return func.coalesce(Call.agent_id, "(unknown)")
    if group_by == "campaign":
        return func.coalesce(Call.campaign, "(none)")
    if dialect == "sqlite":
        return func.coalesce(func.strftime("%Y-%m-%d", Call.started_at), "(unknown)")
    return func.coalesce(func.to_char(Call.started_at, "YYYY-MM-DD"), "(unknown)")


def compliance_figures(
    rt: Runtime,
    actor: Actor,
    group_by: str,
    *,
    started_from: datetime | None = None,
    started_to: datetime | None = None,
) -> list[ComplianceRow]:
    """Disclosure verdict counts per group (days are UTC dates of the call's start)."""
    require(actor, Action.CALL_LIST)
    if group_by not in ("agent", "campaign", "day"):
        raise InvalidInput(f"group by agent, campaign or day, not {group_by!r}")
    key = _group_column(cast(GroupBy, group_by), rt.db.engine.dialect.name).label("key")
    query: Select[Any] = select(key, Call.disclosure_status, func.count()).group_by(key, Call.disclosure_status)
    agent_only, include_restricted = list_scope(actor)
    if actor.role is Role.AGENT:
        query = query.where(Call.agent_id == agent_only) if agent_only else query.where(Call.id.is_(None))
    if not include_restricted:
        query = query.where(Call.restricted.is_(False))
    if started_from:
        query = query.where(Call.started_at >= started_from)
    if started_to:
        query = query.where(Call.started_at < started_to)
    groups: dict[str, dict[str | None, int]] = {}
    with rt.db.transaction() as session:
        for group, status, count in session.execute(query):
            groups.setdefault(str(group), {})[status] = int(count)
    rows = []
    for group, by_status in sorted(groups.items()):
        counts = {status: by_status.get(status, 0) for status in STATUSES}
        rows.append(
            ComplianceRow(
                key=group,
                calls=sum(by_status.values()),
                counts=counts,
                pending=sum(n for status, n in by_status.items() if status not in STATUSES),
            )
        )
    return rows


def figures_csv(rows: Sequence[ComplianceRow], group_by: str) -> str:
    """The figures as CSV (counts and rates), for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([group_by, "calls", "pending", *STATUSES, *(f"{s}_rate" for s in STATUSES)])
    for row in rows:
        rates = row.rates()
        writer.writerow(
            [
                row.key,
                row.calls,
                row.pending,
                *(row.counts[s] for s in STATUSES),
                *(f"{rates[s]:.4f}" for s in STATUSES),
            ]
        )
    return out.getvalue()
