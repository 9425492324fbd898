"""Handoff metrics over a date range, grouped and filtered (docs/metrics.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from handoff import metrics
from handoff.api.deps import Reader, ServicesDep, SessionDep
from handoff.errors import Invalid

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])
Group = Literal["day", "week", "segment", "route", "team", "rep"]
DEFAULT_DAYS = 30


@router.get("")
def get_metrics(
    who: Reader,
    session: SessionDep,
    services: ServicesDep,
    since: Annotated[
        datetime | None, Query(description="Start (inclusive); default 30 days ago.")
    ] = None,
    until: Annotated[datetime | None, Query(description="End (exclusive); default now.")] = None,
    group: Annotated[
        Group | None, Query(description="Also break every metric down by this.")
    ] = None,
    segment: str | None = None,
    route: str | None = None,
    team: str | None = None,
    rep: str | None = None,
    priority: str | None = None,
    rule: str | None = None,
    mode: str | None = None,
) -> dict:
    """Volume, qualification, handoff and SLA rates, accuracy, timings, conversion, after hours."""
    until = _aware(until) if until else services.clock()
    since = _aware(since) if since else until - timedelta(days=DEFAULT_DAYS)
    if since > until:
        raise Invalid("since must not be after until", field="since")
    filters = {"segment": segment, "route": route, "team": team, "rep": rep,
               "priority": priority, "rule": rule, "mode": mode}  # fmt: skip
    return metrics.report(session, since=since, until=until, group=group, filters=filters)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
