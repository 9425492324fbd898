"""Taking access away, on SQLite and PostgreSQL: disable, enable, role, password, the admin guards.

Store functions, the Users page (an open session is refused on its next request) and
`handoff users disable|enable|set-role|set-password`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from handoff.api import create_app
from handoff.cli import app as cli
from handoff.dashboard.audit import entries
from handoff.db.dashboard_models import AuditEntry, UserSession
from handoff.db.engine import make_sessionmaker, writing
from handoff.errors import Conflict, Invalid, NotFound
from handoff.policy_store import publish
from handoff.settings import Settings
from handoff.users import (
    authenticate,
    create_user,
    disable_user,
    enable_user,
    get_user,
    session_user,
    set_password,
    start_session,
    update_user,
)

from .conftest import PASSWORD, USERS, sign_in

NOW = datetime(2026, 3, 3, 15, tzinfo=UTC)
NEW_PASSWORD = "another long password"


@pytest.fixture
def sessions(engine, policy_text):
    """Sessions on a store (SQLite, PostgreSQL) with the reference roster and a user per role."""
    sessions = make_sessionmaker(engine)
    with sessions() as session, writing(session):
        publish(session, policy_text, "reference", "tests", NOW)
        for role, (email, rep) in USERS.items():
            create_user(session, email, "rep" if rep else role, PASSWORD, NOW, rep=rep, name=role)
    return sessions


def user(sessions, role: str):
    """The user of `role` as stored now."""
    with sessions() as session:
        return get_user(session, USERS[role][0])


def open_sessions(sessions, role: str, count: int = 2) -> list[str]:
    """Sign the user of `role` in `count` times; the cookie tokens."""
    with sessions() as session, writing(session):
        found = get_user(session, USERS[role][0])
        return [start_session(session, found, NOW)[0] for _ in range(count)]


def signed_in(sessions, tokens: list[str]) -> list[bool]:
    """Whether each token still signs someone in."""
    with sessions() as session:
        return [session_user(session, t, NOW) is not None for t in tokens]


def test_disabling_ends_every_session_and_enabling_does_not_revive_them(sessions):
    tokens = open_sessions(sessions, "manager")
    with sessions() as session, writing(session):
        ended = disable_user(session, get_user(session, USERS["manager"][0]), NOW)
    assert ended == 2 and signed_in(sessions, tokens) == [False, False]
    with sessions() as session:
        assert authenticate(session, USERS["manager"][0], PASSWORD) is None
        owned = select(UserSession).where(UserSession.user_id == user(sessions, "manager").id)
        assert session.execute(owned).first() is None
    with sessions() as session, writing(session), pytest.raises(Conflict, match="disabled already"):
        disable_user(session, get_user(session, USERS["manager"][0]), NOW)
    with sessions() as session, writing(session):
        enable_user(get_user(session, USERS["manager"][0]))
    with sessions() as session:
        assert authenticate(session, USERS["manager"][0], PASSWORD) is not None
    assert signed_in(sessions, tokens) == [False, False]
    with sessions() as session, pytest.raises(Conflict, match="not disabled"):
        enable_user(get_user(session, USERS["manager"][0]))


def test_a_new_password_ends_every_session(sessions):
    tokens = open_sessions(sessions, "rep")
    others = open_sessions(sessions, "manager", 1)
    with sessions() as session, writing(session):
        rep = get_user(session, USERS["rep"][0])
        with pytest.raises(Invalid, match="at least 10"):
            set_password(session, rep, "short")
        assert set_password(session, rep, NEW_PASSWORD) == 2
    assert signed_in(sessions, tokens + others) == [False, False, True]
    with sessions() as session:
        assert authenticate(session, USERS["rep"][0], PASSWORD) is None
        assert authenticate(session, USERS["rep"][0], NEW_PASSWORD) is not None


def test_role_name_and_rep_change_with_what_changed(sessions):
    with sessions() as session, writing(session):
        manager = get_user(session, USERS["manager"][0])
        changes = update_user(session, manager, role="rep", name="Ana", rep="jane")
        assert changes == {"role": "manager → rep", "name": "manager → Ana", "rep": "— → jane"}
        assert update_user(session, manager, role="rep", name="Ana", rep="jane") == {}
        with pytest.raises(Invalid, match="needs a rep"):
            update_user(session, manager, role="rep", name=None, rep=None)
        with pytest.raises(Invalid, match="no rep 'ghost'"):
            update_user(session, manager, role="manager", name=None, rep="ghost")
        with pytest.raises(Invalid, match="role must be"):
            update_user(session, manager, role="boss", name=None, rep=None)
    assert (user(sessions, "manager").role, user(sessions, "manager").rep_id) == ("rep", "jane")
    with sessions() as session, pytest.raises(NotFound):
        get_user(session, "nobody@acme.example")


def test_an_admin_cannot_disable_or_demote_themselves(sessions):
    with sessions() as session, writing(session):
        admin = get_user(session, USERS["admin"][0])
        update_user(
            session, get_user(session, USERS["manager"][0]), role="admin", name=None, rep=None
        )
        with pytest.raises(Conflict, match="cannot disable yourself"):
            disable_user(session, admin, NOW, by=admin.id)
        with pytest.raises(Conflict, match="cannot demote yourself"):
            update_user(session, admin, role="manager", name=None, rep=None, by=admin.id)
        assert update_user(session, admin, role="admin", name="Boss", rep=None, by=admin.id)


def test_the_last_active_admin_is_never_disabled_or_demoted(sessions):
    with sessions() as session, writing(session):
        admin = get_user(session, USERS["admin"][0])
        with pytest.raises(Conflict, match="last active admin"):
            disable_user(session, admin, NOW)
        with pytest.raises(Conflict, match="last active admin"):
            update_user(session, admin, role="rep", name=None, rep="jane")
        second = get_user(session, USERS["manager"][0])
        update_user(session, second, role="admin", name=None, rep=None)
        disable_user(session, second, NOW, by=admin.id)
        with pytest.raises(Conflict, match="last active admin"):
            disable_user(session, admin, NOW)
        enable_user(second)
        disable_user(session, admin, NOW, by=second.id)
    assert user(sessions, "admin").disabled_at is not None


def test_two_admins_demoting_each_other_at_once_leave_one_admin(sessions):
    with sessions() as session, writing(session):
        update_user(
            session, get_user(session, USERS["manager"][0]), role="admin", name=None, rep=None
        )
    first, second = user(sessions, "admin"), user(sessions, "manager")
    outcome = {}

    def demote(target, by) -> None:
        try:
            with sessions() as session, writing(session):
                update_user(
                    session,
                    get_user(session, target.id),
                    role="manager",
                    name=None,
                    rep=None,
                    by=by.id,
                )
                entered.set()
                release.wait(10)
            outcome[target.email] = "demoted"
        except Conflict as exc:
            outcome[target.email] = exc.message

    entered, release = threading.Event(), threading.Event()
    one = threading.Thread(target=demote, args=(second, first))
    one.start()
    assert entered.wait(10)
    entered.clear()
    other = threading.Thread(target=demote, args=(first, second))
    other.start()
    try:
        assert not entered.wait(0.5), "the second demotion must wait for the first to commit"
    finally:
        release.set()
        one.join(10)
        other.join(10)
    assert outcome[second.email] == "demoted"
    assert "last active admin" in outcome[first.email]
    assert user(sessions, "admin").role == "admin"


def test_a_sign_in_in_flight_does_not_outlive_a_new_password(sessions):
    entered, release, started = threading.Event(), threading.Event(), []

    def sign_in_slowly() -> None:
        with sessions() as session, writing(session):
            found = authenticate(session, USERS["rep"][0], PASSWORD)
            started.append(start_session(session, found, NOW)[0])
            entered.set()
            release.wait(10)

    signing = threading.Thread(target=sign_in_slowly)
    signing.start()
    assert entered.wait(10)
    resetting = threading.Thread(target=reset, args=(sessions, "rep"))
    resetting.start()
    try:
        resetting.join(0.5)
        assert resetting.is_alive(), "the new password must wait for the sign-in to commit"
    finally:
        release.set()
        signing.join(10)
        resetting.join(10)
    assert signed_in(sessions, started) == [False]


def reset(sessions, role: str) -> None:
    """Set NEW_PASSWORD for the user of `role`."""
    with sessions() as session, writing(session):
        set_password(session, get_user(session, USERS[role][0]), NEW_PASSWORD)


@pytest.fixture
def app(sessions, store_url):
    """The app on the store."""
    return create_app(Settings(database_url=store_url, key_cache_seconds=0))


def browser(app) -> TestClient:
    """A fresh browser-like client."""
    return TestClient(app, follow_redirects=False)


def test_disabling_from_the_users_page_refuses_an_open_session_on_its_next_request(app, sessions):
    with browser(app) as admin, browser(app) as manager:
        csrf = sign_in(admin, "admin")
        sign_in(manager, "manager")
        assert manager.get("/inbox").status_code == 200
        target = user(sessions, "manager")
        response = admin.post(f"/users/{target.id}/enabled", data={"csrf": csrf})
        assert response.status_code == 303
        refused = manager.get("/inbox")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        assert "disabled" in admin.get("/users").text
        token = manager.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        again = manager.post(
            "/login", data={"email": USERS["manager"][0], "password": PASSWORD, "csrf": token}
        )
        assert again.status_code == 400
        form = {"csrf": csrf, "enabled": "true"}
        assert admin.post(f"/users/{target.id}/enabled", data=form).status_code == 303
        sign_in(manager, "manager")
    with sessions() as session:
        kinds = [e.action for e in entries(session, limit=20)]
        assert "user_disabled" in kinds and "user_enabled" in kinds


def test_a_new_password_from_the_users_page_signs_them_out(app, sessions):
    with browser(app) as admin, browser(app) as rep:
        csrf = sign_in(admin, "admin")
        sign_in(rep, "rep")
        target = user(sessions, "rep")
        form = {"csrf": csrf, "password": NEW_PASSWORD}
        assert admin.post(f"/users/{target.id}/password", data=form).status_code == 303
        assert rep.get("/inbox").status_code == 303
        short = admin.post(f"/users/{target.id}/password", data={"csrf": csrf, "password": "x"})
        assert short.status_code == 422 and "at least 10" in short.text
    with sessions() as session:
        assert authenticate(session, USERS["rep"][0], NEW_PASSWORD) is not None
        logged = session.execute(select(AuditEntry).where(AuditEntry.action == "password_set"))
        entry = logged.scalar_one()
        assert entry.subject == USERS["rep"][0] and entry.actor == USERS["admin"][0]
        assert NEW_PASSWORD not in str(entry.details) and PASSWORD not in str(entry.details)


def test_the_users_page_edits_and_guards(app, sessions):
    with browser(app) as admin:
        csrf = sign_in(admin, "admin")
        me, manager = user(sessions, "admin"), user(sessions, "manager")
        form = {"csrf": csrf, "role": "manager", "name": "<script>alert(1)</script>", "rep": ""}
        assert admin.post(f"/users/{manager.id}", data=form).status_code == 303
        page = admin.get("/users").text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
        refused = admin.post(f"/users/{me.id}/enabled", data={"csrf": csrf})
        assert refused.status_code == 409 and "cannot disable yourself" in refused.text
        demote = admin.post(
            f"/users/{me.id}", data={**form, "name": "", "role": "rep", "rep": "jane"}
        )
        assert demote.status_code == 409 and "cannot demote yourself" in demote.text
        assert admin.post("/users/999999/enabled", data={"csrf": csrf}).status_code == 404
        forged = admin.post(f"/users/{manager.id}/enabled", data={"csrf": "x" * 43})
        assert forged.status_code == 403
        assert admin.get("/inbox").status_code == 200
    assert user(sessions, "manager").disabled_at is None
    with sessions() as session:
        updated = entries(session, action="user_updated")
        assert updated[0].details == {"name": "manager → <script>alert(1)</script>"}


def test_managers_and_reps_cannot_change_users(app, sessions):
    target = user(sessions, "other")
    for role in ("manager", "rep"):
        with browser(app) as client:
            csrf = sign_in(client, role)
            for path in ("enabled", "password"):
                form = {"csrf": csrf, "password": NEW_PASSWORD}
                assert client.post(f"/users/{target.id}/{path}", data=form).status_code == 403
    assert user(sessions, "other").disabled_at is None


def run(store_url: str, *args: str, input: str | None = None, env: dict | None = None):
    """`handoff users …` on the store."""
    environment = {"HANDOFF_DATABASE_URL": store_url, **(env or {})}
    return CliRunner().invoke(cli, ["users", *args], input=input, env=environment)


def test_the_cli_disables_enables_and_sets_roles_and_passwords(sessions, store_url):
    tokens = open_sessions(sessions, "manager")
    disabled = run(store_url, "disable", "MANAGER@acme.example")
    assert disabled.exit_code == 0, disabled.output
    assert "disabled, 2 session(s) ended" in disabled.output
    assert signed_in(sessions, tokens) == [False, False]
    assert "manager@acme.example\tmanager\t-\t" in run(store_url, "list").output
    assert "\tdisabled" in run(store_url, "list").output
    assert run(store_url, "disable", USERS["manager"][0]).exit_code == 1
    assert run(store_url, "enable", USERS["manager"][0]).exit_code == 0
    assert user(sessions, "manager").disabled_at is None

    promoted = run(store_url, "set-role", USERS["manager"][0], "admin")
    assert promoted.exit_code == 0 and "is admin" in promoted.output
    to_rep = run(store_url, "set-role", USERS["manager"][0], "rep", "--rep", "omar")
    assert to_rep.exit_code == 0 and "is rep (rep omar)" in to_rep.output
    assert run(store_url, "set-role", USERS["manager"][0], "boss").exit_code == 1

    tokens = open_sessions(sessions, "rep")
    typed = run(
        store_url, "set-password", USERS["rep"][0], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert typed.exit_code == 0, typed.output
    assert NEW_PASSWORD not in typed.output and signed_in(sessions, tokens) == [False, False]
    with sessions() as session:
        assert authenticate(session, USERS["rep"][0], NEW_PASSWORD) is not None
    from_env = run(
        store_url, "set-password", USERS["rep"][0], env={"HANDOFF_USER_PASSWORD": "short"}
    )
    assert from_env.exit_code == 1 and "at least 10" in from_env.output

    with sessions() as session:
        logged = [(e.actor, e.action, e.subject) for e in entries(session, limit=20)]
    assert ("handoff users disable", "user_disabled", USERS["manager"][0]) in logged
    assert ("handoff users set-role", "user_updated", USERS["manager"][0]) in logged
    assert ("handoff users set-password", "password_set", USERS["rep"][0]) in logged


def test_the_cli_keeps_the_last_admin(sessions, store_url):
    for args in (["disable", USERS["admin"][0]], ["set-role", USERS["admin"][0], "manager"]):
        refused = run(store_url, *args)
        assert refused.exit_code == 1 and "last active admin" in refused.output
    missing = run(store_url, "enable", "ghost@acme.example")
    assert missing.exit_code == 1 and "no user 'ghost@acme.example'" in missing.output
    assert user(sessions, "admin").role == "admin" and user(sessions, "admin").disabled_at is None
