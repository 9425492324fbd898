"""Users (admin only): who can sign in, with which role; add one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard.audit import record
from handoff.dashboard.auth import Admins
from handoff.dashboard.templates import render
from handoff.db.dashboard_models import ROLES
from handoff.db.engine import writing
from handoff.db.roster import list_reps
from handoff.errors import ServiceError
from handoff.users import create_user, list_users

router = APIRouter(include_in_schema=False)


def _page(request: Request, session, error: str | None = None, status: int = 200) -> Response:
    context = {
        "users": list_users(session),
        "roles": ROLES,
        "reps": [r.id for r in list_reps(session)],
        "error": error,
    }
    return render(request, "users.html", context, status=status)


@router.get("/users")
def users(request: Request, viewer: Admins, session: SessionDep) -> Response:
    """Every user."""
    return _page(request, session)


@router.post("/users")
def add_user(
    request: Request,
    viewer: Admins,
    session: SessionDep,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=16)],
    password: Annotated[str, Form(max_length=1000)],
    rep: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Add a user."""
    now = services.clock()
    try:
        with writing(session):
            user = create_user(
                session, email, role, password, now, name=name or None, rep=rep or None
            )
            record(session, viewer.email, "user_created", now, user.email, role=role)
    except ServiceError as exc:
        return _page(request, session, exc.message, status=exc.status)
    return RedirectResponse("/users", status_code=303)
