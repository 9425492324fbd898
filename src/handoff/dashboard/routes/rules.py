"""Rules: the live policy as sections and as YAML; validate as you type, simulate, publish."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import handoff
from handoff.api.deps import Services, ServicesDep, SessionDep
from handoff.dashboard import audit, queries
from handoff.dashboard.auth import Managers, Viewer
from handoff.dashboard.policy_view import problem_view, sections
from handoff.dashboard.templates import render
from handoff.dashboard.views import MODES, why_here
from handoff.db.conversations import events_of
from handoff.db.engine import writing
from handoff.db.policies import get_version, list_versions, live_version
from handoff.db.roster import roster_state
from handoff.policy_store import compile_policy, publish

router = APIRouter(include_in_schema=False)
MAX_POLICY_CHARS = 200_000
Source = Annotated[str, Form(max_length=MAX_POLICY_CHARS)]


def check(source: str) -> dict[str, Any]:
    """Validate a draft: its policy (None when invalid), errors and warnings with their lines."""
    lines = source.splitlines()
    try:
        policy = compile_policy(source)
    except handoff.PolicyError as exc:
        return {"policy": None, "errors": [problem_view(p, lines) for p in exc.problems]}
    return {
        "policy": policy,
        "errors": [],
        "warnings": [problem_view(w, lines) for w in policy.warnings],
    }


def _page(session: Session, services: Services, draft: str | None = None, **extra) -> dict:
    live = live_version(session)
    row = get_version(session, live) if live else None
    policy = services.book.live(session) if live else None
    source = draft if draft is not None else (row.source if row else "")
    return {
        "live": row,
        "sections": sections(policy) if policy else None,
        "lint": [problem_view(w, row.source.splitlines()) for w in policy.warnings]
        if policy
        else [],
        "source": source,
        "versions": list_versions(session)[:20],
        "conversation_ids": queries.recent_conversation_ids(session),
        "checked": None,
        **extra,
    }


@router.get("/rules")
def rules(
    request: Request, viewer: Managers, session: SessionDep, services: ServicesDep
) -> Response:
    """The live policy, the editor, simulation and versions."""
    return render(request, "rules.html", _page(session, services))


@router.post("/rules/validate")
def validate(request: Request, viewer: Managers, source: Source = "") -> Response:
    """The draft's problems at line and column (the editor posts as you type)."""
    return render(request, "_problems.html", {"checked": check(source)})


@router.post("/rules/simulate")
def simulate(
    request: Request,
    viewer: Managers,
    session: SessionDep,
    source: Source = "",
    conversation_id: Annotated[str, Form(max_length=200)] = "",
    events: Annotated[str, Form(max_length=MAX_POLICY_CHARS)] = "",
) -> Response:
    """The decision a past or pasted conversation would get under the draft."""
    checked = check(source)
    context: dict[str, Any] = {"checked": checked, "modes": MODES, "error": None, "decision": None}
    try:
        if checked["policy"] is None:
            raise ValueError("the draft has errors: fix them to simulate")
        conversation = _conversation(session, conversation_id, events)
        decision = handoff.decide(
            checked["policy"], conversation, roster_state=roster_state(session)
        )
    except ValueError as exc:
        context["error"] = str(exc)
    else:
        context["decision"] = decision.to_dict()
        context["why"] = why_here(context["decision"])
    return render(request, "_simulation.html", context)


def _conversation(session: Session, conversation_id: str, pasted: str) -> list[dict]:
    if pasted.strip():
        try:
            data = json.loads(pasted)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the pasted conversation is not JSON: {exc}") from None
        events = data.get("events") if isinstance(data, dict) else data
        if not isinstance(events, list) or not events:
            raise ValueError('paste a list of events, or {"events": [...]}')
        return events
    stored = events_of(session, conversation_id) if conversation_id else []
    if not stored:
        raise ValueError("pick a past conversation or paste one")
    return [e.body for e in stored]


@router.post("/rules/publish")
def publish_draft(
    request: Request,
    viewer: Managers,
    session: SessionDep,
    services: ServicesDep,
    source: Source,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Publish the draft as the new live version; a draft with errors is refused and shown."""
    checked = check(source)
    if checked["policy"] is None:
        context = _page(session, services, source, checked=checked)
        return render(request, "rules.html", context, status=422)
    try:
        version = _publish(session, services, viewer, source, comment)
    except IntegrityError:
        context = _page(session, services, source, error="another version was published: retry")
        return render(request, "rules.html", context, status=409)
    return RedirectResponse(f"/rules?published={version}", status_code=303)


def _publish(session: Session, services: Services, viewer: Viewer, source: str, comment: str):
    now = services.clock()
    with writing(session):
        row = publish(session, source, comment, viewer.email, now)
        audit.policy_version(session, viewer.email, row, now)
    return row.version
