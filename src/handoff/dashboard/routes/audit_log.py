"""The audit log: publishes and rollbacks with diffs, reassignments, availability, sign-ins."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from handoff.api.deps import SessionDep
from handoff.dashboard.audit import ACTIONS, entries
from handoff.dashboard.auth import Managers
from handoff.dashboard.templates import render

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit(
    request: Request,
    viewer: Managers,
    session: SessionDep,
    action: str = "",
    before: int | None = None,
) -> Response:
    """Entries, newest first, of one kind when chosen."""
    chosen = action if action in ACTIONS else None
    rows = entries(session, action=chosen, limit=100, before_id=before)
    context = {"rows": rows, "actions": ACTIONS, "action": chosen or ""}
    return render(request, "audit.html", context)
