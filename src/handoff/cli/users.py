"""`handoff users create|list`: the people who sign in to the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from handoff.cli.service import _fail, _sessions
from handoff.dashboard.audit import record
from handoff.db.engine import writing
from handoff.errors import ServiceError
from handoff.users import create_user, list_users

users = typer.Typer(help="Dashboard users: create, list.", no_args_is_help=True)


@users.command("create")
def users_create(
    email: Annotated[str, typer.Option("--email", help="The address they sign in with.")],
    role: Annotated[str, typer.Option("--role", help="admin, manager or rep.")],
    rep: Annotated[
        str | None, typer.Option("--rep", help="The roster id a rep user answers for.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A display name.")] = None,
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="HANDOFF_USER_PASSWORD",
            help="Asked for when not given (or HANDOFF_USER_PASSWORD).",
        ),
    ] = ...,
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
