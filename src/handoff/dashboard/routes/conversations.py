"""Conversations: every one, handed off or not, with what the bot still has to ask."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from handoff.api.deps import SessionDep
from handoff.dashboard import queries
from handoff.dashboard.auth import Managers, Refused
from handoff.dashboard.templates import render
from handoff.dashboard.views import MODES, transcript, why_here
from handoff.db.conversations import events_of, get_conversation
from handoff.db.handoffs import handoff_of

router = APIRouter(include_in_schema=False)
SHOW = ("all", "qualify", "nurture", "handoff")


@router.get("/conversations")
def conversations(
    request: Request, viewer: Managers, session: SessionDep, show: str = "all"
) -> Response:
    """Conversations, most recently active first, filtered by where they stand."""
    show = show if show in SHOW else "all"
    rows = queries.conversations(session, None if show == "all" else show)
    return render(request, "conversations.html", {"rows": rows, "show": show, "shows": SHOW})


@router.get("/conversations/{conversation_id}")
def conversation(
    request: Request, conversation_id: str, viewer: Managers, session: SessionDep
) -> Response:
    """One conversation: its transcript and its latest decision."""
    found = get_conversation(session, conversation_id)
    if found is None:
        raise Refused(f"there is no conversation '{conversation_id}'", status=404)
    decision = queries.decisions(session, [found.last_decision_id]).get(found.last_decision_id, {})
    context = {
        "conversation": found,
        "decision": decision,
        "why": why_here(decision),
        "modes": MODES,
        "handoff": handoff_of(session, conversation_id),
        "transcript": transcript(events_of(session, conversation_id), decision),
    }
    return render(request, "conversation.html", context)
