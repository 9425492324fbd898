"""Users: argon2 hashes, roles, sessions that expire, and `handoff users create|list`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from handoff.cli import app as cli
from handoff.db.engine import writing
from handoff.errors import Conflict, Invalid
from handoff.users import (
    SESSION_HOURS,
    authenticate,
    create_user,
    end_session,
    session_user,
    start_session,
    user_by_email,
)

from .conftest import PASSWORD

NOW = datetime(2026, 3, 3, 15, tzinfo=UTC)


def test_passwords_are_kept_as_argon2id_hashes(store):
    with store.sessions() as session:
        user = user_by_email(session, "ADMIN@acme.example ")
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        assert authenticate(session, "admin@acme.example", PASSWORD).id == user.id
        assert authenticate(session, "admin@acme.example", "wrong") is None
        assert authenticate(session, "nobody@acme.example", PASSWORD) is None


@pytest.mark.parametrize(
    ("email", "role", "password", "rep", "error"),
    [
        ("a@b.example", "boss", PASSWORD, None, Invalid),
        ("not-an-email", "admin", PASSWORD, None, Invalid),
        ("a@b.example", "admin", "short", None, Invalid),
        ("a@b.example", "rep", PASSWORD, None, Invalid),
        ("a@b.example", "rep", PASSWORD, "nobody", Invalid),
        ("admin@acme.example", "admin", PASSWORD, None, Conflict),
    ],
)
def test_create_user_refuses(store, email, role, password, rep, error):
    with store.sessions() as session, pytest.raises(error):
        create_user(session, email, role, password, NOW, rep=rep)


def test_sessions_expire_and_end(store):
    with store.sessions() as session, writing(session):
        user = user_by_email(session, "manager@acme.example")
        token, row = start_session(session, user, NOW)
    with store.sessions() as session:
        assert session_user(session, token, NOW)[0].id == user.id
        assert session_user(session, token, NOW + timedelta(hours=SESSION_HOURS)) is None
        assert session_user(session, "forged", NOW) is None
    with store.sessions() as session, writing(session):
        end_session(session, token)
    with store.sessions() as session:
        assert session_user(session, token, NOW) is None


def test_a_disabled_user_cannot_sign_in(store):
    with store.sessions() as session, writing(session):
        user = create_user(session, "gone@acme.example", "manager", PASSWORD, NOW)
        token, _ = start_session(session, user, NOW)
        user.disabled_at = NOW
    with store.sessions() as session:
        assert authenticate(session, "gone@acme.example", PASSWORD) is None
        assert session_user(session, token, NOW) is None


def test_the_users_commands(store, monkeypatch):
    monkeypatch.setenv("HANDOFF_DATABASE_URL", store.url)
    runner = CliRunner()
    created = runner.invoke(
        cli,
        ["users", "create", "--email", "Li@acme.example", "--role", "rep", "--rep", "li"],
        input="a fine password\na fine password\n",
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(cli, ["users", "list"])
    assert "li@acme.example\trep\tli\t" in listed.output
    again = runner.invoke(
        cli,
        ["users", "create", "--email", "li@acme.example", "--role", "rep", "--rep", "li"],
        env={"HANDOFF_USER_PASSWORD": "a fine password"},
    )
    assert again.exit_code == 1 and "exists already" in again.output
