"""Users (admin only): who signs in with which role; add, edit, disable, enable, set a password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard.audit import record
from handoff.dashboard.auth import Admins
from handoff.dashboard.templates import render
from handoff.db.dashboard_models import ROLES, User
from handoff.db.engine import writing
from handoff.db.roster import list_reps
from handoff.errors import ServiceError
from handoff.users import (
    create_user,
    disable_user,
    enable_user,
    get_user,
    list_users,
    set_password,
    update_user,
)

router = APIRouter(include_in_schema=False)


def _page(request: Request, session, error: str | None = None, status: int = 200) -> Response:
    context = {
        "users": list_users(session),
        "roles": ROLES,
        "reps": [r.id for r in list_reps(session)],
        "error": error,
    }
    return render(request, "users.html", context, status=status)


def _change(
    request: Request, session: Session, user_id: int, change: Callable[[User], None]
) -> Response:
    """Apply `change` to the user in one transaction; back to the list, or the page with why not."""
    try:
        with writing(session):
            change(get_user(session, user_id))
    except ServiceError as exc:
        return _page(request, session, exc.message, status=exc.status)
    return RedirectResponse("/users", status_code=303)


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


@router.post("/users/{user_id}")
def edit_user(
    request: Request,
    user_id: int,
    viewer: Admins,
    session: SessionDep,
    services: ServicesDep,
    role: Annotated[str, Form(max_length=16)],
    rep: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Change a user's role, name and rep (an admin cannot demote themselves or the last admin)."""

    def change(user: User) -> None:
        changes = update_user(
            session, user, role=role, name=name.strip() or None, rep=rep or None, by=viewer.user_id
        )
        if changes:
            record(session, viewer.email, "user_updated", services.clock(), user.email, **changes)

    return _change(request, session, user_id, change)


@router.post("/users/{user_id}/enabled")
def switch_user(
    request: Request,
    user_id: int,
    viewer: Admins,
    session: SessionDep,
    services: ServicesDep,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    """Enable a user, or disable them and end their sessions (never yourself or the last admin)."""

    def change(user: User) -> None:
        now = services.clock()
        if enabled:
            enable_user(user)
            record(session, viewer.email, "user_enabled", now, user.email)
        else:
            ended = disable_user(session, user, now, by=viewer.user_id)
            record(session, viewer.email, "user_disabled", now, user.email, sessions_ended=ended)

    return _change(request, session, user_id, change)


@router.post("/users/{user_id}/password")
def reset_password(
    request: Request,
    user_id: int,
    viewer: Admins,
    session: SessionDep,
    services: ServicesDep,
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Give a user a new password; every session they have ends."""

    def change(user: User) -> None:
        ended = set_password(session, user, password)
        record(
            session,
            viewer.email,
            "password_set",
            services.clock(),
            user.email,
            sessions_ended=ended,
        )

    return _change(request, session, user_id, change)
