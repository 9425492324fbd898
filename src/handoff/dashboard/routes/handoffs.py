"""A handoff's page (the packet and "Why here") and its actions: accept, reassign, close."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from handoff import lifecycle, outbox
from handoff.api.deps import Services, ServicesDep, SessionDep
from handoff.dashboard import queries
from handoff.dashboard.audit import record
from handoff.dashboard.auth import Anyone, Refused, Viewer
from handoff.dashboard.routes.session import local_path
from handoff.dashboard.templates import render
from handoff.dashboard.views import MODES, transcript, why_here
from handoff.db.conversations import events_of, get_conversation
from handoff.db.engine import writing
from handoff.db.handoffs import get_handoff
from handoff.db.models import Handoff
from handoff.db.roster import list_reps
from handoff.errors import ServiceError

router = APIRouter(include_in_schema=False)
Next = Annotated[str, Form(max_length=500)]


def _found(session: Session, viewer: Viewer, handoff_id: int) -> Handoff:
    handoff = get_handoff(session, handoff_id)
    if handoff is None:
        raise Refused(f"there is no handoff {handoff_id}", status=404)
    viewer.check_handoff(handoff)
    return handoff


def packet(session: Session, handoff: Handoff) -> dict:
    """Everything the handoff page shows."""
    decision = queries.decisions(session, [handoff.decision_id])[handoff.decision_id]
    state = get_conversation(session, handoff.conversation_id).state
    return {
        "handoff": handoff,
        "decision": decision,
        "source": state.get("source") or {},
        "notes": state.get("notes") or [],
        "transcript": transcript(events_of(session, handoff.conversation_id), decision),
        "why": why_here(decision),
        "modes": MODES,
        "outcomes": lifecycle.OUTCOMES,
        "reps": [r.id for r in list_reps(session)],
        "deliveries": outbox.list_deliveries(session, handoff_id=handoff.id, limit=50),
    }


@router.get("/handoffs/{handoff_id}")
def handoff_page(
    request: Request, handoff_id: int, viewer: Anyone, session: SessionDep
) -> Response:
    """The packet: transcript with evidence, facts, qualification, signals, "Why here", history."""
    handoff = _found(session, viewer, handoff_id)
    return render(request, "handoff.html", packet(session, handoff))


def _act(
    request: Request,
    session: Session,
    viewer: Viewer,
    handoff_id: int,
    next_: str,
    action: Callable[[], object],
) -> Response:
    try:
        with writing(session):
            _found(session, viewer, handoff_id)
            action()
    except ServiceError as exc:
        handoff = _found(session, viewer, handoff_id)
        context = {**packet(session, handoff), "error": exc.message}
        return render(request, "handoff.html", context, status=exc.status)
    return RedirectResponse(local_path(next_ or f"/handoffs/{handoff_id}"), status_code=303)


@router.post("/handoffs/{handoff_id}/accept")
def accept(
    request: Request,
    handoff_id: int,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    next: Next = "",
) -> Response:
    """Accept the handoff (a rep: one offered to them)."""
    return _act(
        request,
        session,
        viewer,
        handoff_id,
        next,
        lambda: lifecycle.accept(session, handoff_id, services.clock()),
    )


@router.post("/handoffs/{handoff_id}/close")
def close(
    request: Request,
    handoff_id: int,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    outcome: Annotated[str, Form(max_length=50)],
    next: Next = "",
) -> Response:
    """Close the handoff with an outcome."""
    return _act(
        request,
        session,
        viewer,
        handoff_id,
        next,
        lambda: lifecycle.close(session, handoff_id, outcome, services.clock()),
    )


@router.post("/handoffs/{handoff_id}/reassign")
def reassign(
    request: Request,
    handoff_id: int,
    viewer: Anyone,
    session: SessionDep,
    services: ServicesDep,
    reason: Annotated[str, Form(min_length=1, max_length=1000)],
    rep: Annotated[str, Form(max_length=100)] = "",
    next: Next = "",
) -> Response:
    """Offer the handoff to another rep, or route it again; a rep may only route it again."""
    if rep and not viewer.manages:
        raise Refused("a rep can hand a handoff back for routing, not choose who gets it")
    return _act(
        request,
        session,
        viewer,
        handoff_id,
        next,
        lambda: _reassign(session, services, viewer, handoff_id, rep or None, reason),
    )


def _reassign(
    session: Session, services: Services, viewer: Viewer, handoff_id: int, rep, reason: str
) -> None:
    now = services.clock()
    before = get_handoff(session, handoff_id).rep
    handoff = lifecycle.reassign(session, services.book, handoff_id, rep, reason, now)
    record(
        session,
        viewer.email,
        "handoff_reassigned",
        now,
        f"handoff {handoff_id}",
        previous=before,
        rep=handoff.rep,
        reason=reason,
    )
