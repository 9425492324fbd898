"""Overview: volume, rates and timings as charts, from the metrics report, with filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from handoff import metrics
from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard.auth import Anyone
from handoff.dashboard.templates import render
from handoff.db.roster import list_reps
from handoff.errors import NoLivePolicy

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 30
MAX_DAYS = 366
RATES = {
    "qualification_rate": "Qualification rate",
    "handoff_rate": "Handoff rate",
    "routing_accuracy": "Routing accuracy",
    "sla_hit_rate": "SLA hit rate",
    "after_hours_share": "After-hours share",
}
TIMINGS = {"time_to_accept": "Time to accept", "time_to_first_response": "Time to first response"}


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _options(session, services) -> dict[str, list[str]]:
    try:
        model = services.book.live(session).model
    except NoLivePolicy:
        return {"segment": [], "route": [], "team": [], "rep": []}
    return {
        "segment": [s.id for s in model.segments],
        "route": [r.id for r in model.routes],
        "team": list(model.teams),
        "rep": [r.id for r in list_reps(session)],
    }


def _charts(days: list[str], groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    def series(pick) -> list:
        return [pick(groups[d]) if d in groups else None for d in days]

    def minutes(name: str, stat: str):
        return lambda g: round(g[name][stat] / 60, 1) if g[name][stat] is not None else None

    return [
        {
            "id": "volume",
            "title": "Handoffs per day",
            "type": "bar",
            "labels": days,
            "datasets": [
                {"label": "handoffs", "data": [groups.get(d, {}).get("handoffs", 0) for d in days]}
            ],
        },
        {
            "id": "rates",
            "title": "Rates per day (share)",
            "labels": days,
            "max": 1,
            "datasets": [
                {"label": label, "data": series(lambda g, n=name: g.get(n))}
                for name, label in RATES.items()
            ],
        },
        {
            "id": "timings",
            "title": "Time to accept and first response (minutes)",
            "labels": days,
            "datasets": [
                {"label": f"{label} {stat}", "data": series(minutes(name, stat))}
                for name, label in TIMINGS.items()
                for stat in ("median", "p90")
            ],
        },
    ]


@router.get("/")
def overview(
    request: Request,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    since: str | None = None,
    until: str | None = None,
    segment: str = "",
    route: str = "",
    team: str = "",
    rep: str = "",
) -> Response:
    """The overview for managers; a rep goes to their inbox."""
    if not viewer.manages:
        return RedirectResponse("/inbox", status_code=303)
    today = services.clock().astimezone(UTC).date()
    last = _day(until, today)
    first = max(_day(since, last - timedelta(days=DEFAULT_DAYS - 1)), last - timedelta(MAX_DAYS))
    first = min(first, last)
    chosen = {"segment": segment, "route": route, "team": team, "rep": rep}
    report = metrics.report(
        session,
        since=datetime.combine(first, time(), UTC),
        until=datetime.combine(last + timedelta(days=1), time(), UTC),
        group="day",
        filters={k: v for k, v in chosen.items() if v},
    )
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    groups = {str(g["key"]): g for g in report.get("groups", [])}
    context = {
        "report": report,
        "totals": report["totals"],
        "charts": _charts(days, groups),
        "rates": RATES,
        "timings": TIMINGS,
        "since": first.isoformat(),
        "until": last.isoformat(),
        "chosen": chosen,
        "options": _options(session, services),
    }
    return render(request, "overview.html", context, headers={"Vary": "Cookie"})
