"""The inbox: open handoffs by tab (waiting, mine, my team's, all), refreshed without reloading."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from handoff.api.deps import Services, ServicesDep, SessionDep
from handoff.dashboard import queries
from handoff.dashboard.auth import Anyone, Viewer
from handoff.dashboard.templates import render
from handoff.dashboard.views import DEFAULT_ACCEPT_SECONDS, MODES, deadline
from handoff.errors import NoLivePolicy

router = APIRouter(include_in_schema=False)


def accept_seconds(session: Session, services: Services) -> int:
    """The live policy's accept-within SLA in seconds (the default when none is live)."""
    try:
        return services.book.live(session).model.sla.accept_within
    except NoLivePolicy:
        return DEFAULT_ACCEPT_SECONDS


def _context(session: Session, services: Services, viewer: Viewer, view: str | None) -> dict:
    views = queries.inbox_views(viewer.role, viewer.rep)
    view = view if view in views else views[0]
    teams = queries.rep_teams(session, viewer.rep)
    handoffs = queries.inbox(session, view, viewer.rep, teams)
    bodies = queries.decisions(session, [h.decision_id for h in handoffs])
    sla = accept_seconds(session, services)
    rows = [
        {"handoff": h, "due": deadline(h, bodies.get(h.decision_id, {}), sla)} for h in handoffs
    ]
    return {"views": views, "view": view, "rows": rows, "modes": MODES, "teams": teams}


@router.get("/inbox")
def inbox(
    request: Request,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    view: str | None = None,
) -> Response:
    """Open handoffs of one tab, most urgent first."""
    return render(request, "inbox.html", _context(session, services, viewer, view))


@router.get("/inbox/rows")
def inbox_rows(
    request: Request,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    view: str | None = None,
) -> Response:
    """The inbox table's rows alone, polled by the page."""
    return render(request, "_inbox_rows.html", _context(session, services, viewer, view))
