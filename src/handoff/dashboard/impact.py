"""Rules → "What would change?": a bounded replay of a draft, and one conversation side by side."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from handoff.api.deps import SessionDep
from handoff.dashboard.auth import Managers
from handoff.dashboard.routes.rules import Source, check
from handoff.dashboard.templates import render
from handoff.replay import replay, replay_one, since_last

router = APIRouter(include_in_schema=False)
LAST = 2000
TOP = 25


@router.post("/rules/impact")
def impact(
    request: Request, viewer: Managers, session: SessionDep, source: Source = ""
) -> Response:
    """The draft replayed over the last 2,000 conversations: summary and top changes."""
    checked = check(source)
    context = {"source": source, "last": LAST, "summary": None, "error": None}
    if checked["policy"] is None:
        context["error"] = "The draft has errors: fix them to see what would change."
    else:
        since = since_last(session, LAST)
        context["summary"] = replay(session, checked["policy"], since=since, samples=TOP).to_dict()
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "_impact.html" if fragment else "impact.html", context)


@router.post("/rules/impact/{conversation_id}")
def impact_one(
    request: Request,
    conversation_id: str,
    viewer: Managers,
    session: SessionDep,
    source: Source = "",
) -> Response:
    """One conversation's stored-policy and draft decisions, side by side."""
    checked = check(source)
    context = {"conversation_id": conversation_id, "pair": None, "error": None}
    if checked["policy"] is None:
        context["error"] = "The draft has errors."
    else:
        context["pair"] = replay_one(session, checked["policy"], conversation_id)
        if context["pair"] is None:
            context["error"] = f"No stored conversation '{conversation_id}'."
    return render(request, "impact_conversation.html", context)
