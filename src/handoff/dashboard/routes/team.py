"""Team: reps with teams, seniority, capacity, load and availability; each team's week."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from handoff.api.deps import Services, ServicesDep, SessionDep
from handoff.dashboard.audit import record
from handoff.dashboard.auth import Anyone, Refused
from handoff.dashboard.policy_view import holidays_ahead, week_grid
from handoff.dashboard.templates import render
from handoff.db.engine import writing
from handoff.db.handoffs import open_counts
from handoff.db.roster import AVAILABILITY, get_rep, list_reps
from handoff.errors import NoLivePolicy

router = APIRouter(include_in_schema=False)


def _teams(session: Session, services: Services) -> list[dict]:
    try:
        policy = services.book.live(session)
    except NoLivePolicy:
        return []
    now = services.clock()
    teams = []
    for team_id, team in policy.model.teams.items():
        schedule = policy.schedule_for(team_id)
        teams.append(
            {
                "id": team_id,
                "schedule": schedule,
                "open": schedule.is_open(now) if schedule else False,
                "next_open": schedule.next_open(now) if schedule else None,
                "grid": week_grid(schedule) if schedule else [],
                "holidays": holidays_ahead(schedule, now) if schedule else [],
                "after_hours": team.after_hours,
            }
        )
    return teams


@router.get("/team")
def team(request: Request, viewer: Anyone, session: SessionDep, services: ServicesDep) -> Response:
    """Every rep and every team's hours."""
    context = {
        "reps": list_reps(session),
        "load": open_counts(session),
        "teams": _teams(session, services),
        "availability": AVAILABILITY,
    }
    return render(request, "team.html", context)


@router.post("/team/{rep_id}/availability")
def set_availability(
    request: Request,
    rep_id: str,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    availability: Annotated[Literal["online", "away", "offline"], Form()],
) -> Response:
    """Set a rep online, away or offline (a rep: only themself)."""
    if not viewer.manages and viewer.rep != rep_id:
        raise Refused("a rep can change only their own availability")
    now = services.clock()
    with writing(session):
        rep = get_rep(session, rep_id)
        if rep is None:
            raise Refused(f"there is no rep '{rep_id}'", status=404)
        before, rep.availability, rep.updated_at = rep.availability, availability, now
        record(
            session,
            viewer.email,
            "availability_changed",
            now,
            rep_id,
            before=before,
            after=availability,
        )
    if request.headers.get("HX-Request"):
        context = {"rep": rep, "load": open_counts(session), "availability": AVAILABILITY}
        return render(request, "_rep_row.html", context)
    return RedirectResponse("/team", status_code=303)
