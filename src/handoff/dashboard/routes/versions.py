"""Policy versions: a side-by-side diff of two, and one-click rollback to an old one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard import audit
from handoff.dashboard.auth import Managers, Refused
from handoff.dashboard.policy_view import side_by_side
from handoff.dashboard.templates import render
from handoff.db.engine import writing
from handoff.db.policies import get_version
from handoff.errors import ServiceError
from handoff.policy_store import rollback

router = APIRouter(include_in_schema=False)


def _version(session, number: int):
    row = get_version(session, number)
    if row is None:
        raise Refused(f"there is no policy version {number}", status=404)
    return row


@router.get("/rules/diff")
def diff(
    request: Request,
    viewer: Managers,
    session: SessionDep,
    old: Annotated[int, Query(alias="from", ge=1)],
    new: Annotated[int, Query(alias="to", ge=1)],
) -> Response:
    """Two versions side by side, changed lines marked."""
    left, right = _version(session, old), _version(session, new)
    rows = side_by_side(left.source, right.source)
    context = {"left": left, "right": right, "rows": rows}
    return render(request, "diff.html", context)


@router.post("/rules/rollback")
def roll_back(
    request: Request,
    viewer: Managers,
    session: SessionDep,
    services: ServicesDep,
    version: Annotated[int, Form(ge=1)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Publish an old version's text again as the new live version."""
    now = services.clock()
    try:
        with writing(session):
            row = rollback(session, version, comment, viewer.email, now)
            audit.policy_version(session, viewer.email, row, now, rolled_back_to=version)
    except (ServiceError, IntegrityError) as exc:
        message = getattr(exc, "message", "another version was published at the same time")
        raise Refused(message, status=409) from None
    return RedirectResponse(f"/rules?published={row.version}", status_code=303)
