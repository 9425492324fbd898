"""`handoff users`: create, list, disable, enable, set-role, set-password (dashboard sign-in)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from handoff.cli.service import _fail, _sessions
from handoff.dashboard.audit import record
from handoff.db.dashboard_models import User
from handoff.db.engine import writing
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

users = typer.Typer(
    help="Dashboard users: create, list, disable, enable, set a role or a password.",
    no_args_is_help=True,
)
Password = typer.Option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="HANDOFF_USER_PASSWORD",
    help="Asked for when not given (or HANDOFF_USER_PASSWORD).",
)
Email = Annotated[str, typer.Argument(help="The address they sign in with.")]


@users.command("create")
def users_create(
    email: Annotated[str, typer.Option("--email", help="The address they sign in with.")],
    role: Annotated[str, typer.Option("--role", help="admin, manager or rep.")],
    rep: Annotated[
        str | None, typer.Option("--rep", help="The roster id a rep user answers for.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A display name.")] = None,
    password: Annotated[str, Password] = ...,
) -> None:
    """Create a user who signs in to the dashboard (the password is kept as an argon2 hash)."""
    now = datetime.now(UTC)
    with _sessions()() as session, writing(session):
        try:
            user = create_user(session, email, role, password, now, name=name, rep=rep)
        except ServiceError as exc:
            _fail(exc.message)
        record(session, "handoff users create", "user_created", now, user.email, role=role)
    typer.echo(f"user '{user.email}' ({user.role}) created", err=True)


@users.command("list")
def users_list() -> None:
    """Every user: email, role, rep, created, and whether disabled."""
    with _sessions()() as session:
        for user in list_users(session):
            state = "disabled" if user.disabled_at else "active"
            typer.echo(
                f"{user.email}\t{user.role}\t{user.rep_id or '-'}"
                f"\t{user.created_at:%Y-%m-%d %H:%M}\t{state}"
            )


def _change(email: str, change: Callable[[Session, User, datetime], str]) -> None:
    """Apply `change` to the user in one transaction and print what it did; exit 1 if refused."""
    now = datetime.now(UTC)
    with _sessions()() as session, writing(session):
        try:
            said = change(session, get_user(session, email), now)
        except ServiceError as exc:
            _fail(exc.message)
    typer.echo(said, err=True)


@users.command("disable")
def users_disable(email: Email) -> None:
    """Stop a user signing in and end every session they have (never the last active admin)."""

    def change(session: Session, user: User, now: datetime) -> str:
        ended = disable_user(session, user, now)
        record(
            session, "handoff users disable", "user_disabled", now, user.email, sessions_ended=ended
        )
        return f"user '{user.email}' disabled, {ended} session(s) ended"

    _change(email, change)


@users.command("enable")
def users_enable(email: Email) -> None:
    """Let a disabled user sign in again."""

    def change(session: Session, user: User, now: datetime) -> str:
        enable_user(user)
        record(session, "handoff users enable", "user_enabled", now, user.email)
        return f"user '{user.email}' enabled"

    _change(email, change)


@users.command("set-role")
def users_set_role(
    email: Email,
    role: Annotated[str, typer.Argument(help="admin, manager or rep.")],
    rep: Annotated[
        str | None,
        typer.Option("--rep", help="The roster id a rep user answers for (default: kept)."),
    ] = None,
) -> None:
    """Change a user's role (never demoting the last active admin)."""

    def change(session: Session, user: User, now: datetime) -> str:
        changes = update_user(session, user, role=role, name=user.name, rep=rep or user.rep_id)
        if changes:
            record(session, "handoff users set-role", "user_updated", now, user.email, **changes)
        return f"user '{user.email}' is {user.role}" + (
            f" (rep {user.rep_id})" if user.rep_id else ""
        )

    _change(email, change)


@users.command("set-password")
def users_set_password(email: Email, password: Annotated[str, Password] = ...) -> None:
    """Give a user a new password and end every session they have."""

    def change(session: Session, user: User, now: datetime) -> str:
        ended = set_password(session, user, password)
        record(
            session,
            "handoff users set-password",
            "password_set",
            now,
            user.email,
            sessions_ended=ended,
        )
        return f"password of '{user.email}' set, {ended} session(s) ended"

    _change(email, change)
