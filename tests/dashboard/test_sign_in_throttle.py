"""Sign-in throttling on SQLite and PostgreSQL: 429 and Retry-After after too many failures.

Counted from the audit log per email and per client within a sliding window; the password
is not checked while throttled; nothing a success does clears the count.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from handoff.api import create_app
from handoff.dashboard.auth import COOKIE
from handoff.dashboard.throttle import SignInLimits, client_key
from handoff.db.dashboard_models import AuditEntry
from handoff.db.engine import make_sessionmaker, writing
from handoff.settings import Settings
from handoff.users import create_user
from support import serving

from .conftest import CSRF, PASSWORD, USERS

T0 = datetime(2026, 3, 3, 15, tzinfo=UTC)
ADMIN, MANAGER = USERS["admin"][0], USERS["manager"][0]
ATTACKER = "203.0.113.7"


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: float) -> None:
        """Set the time to T0 + `minutes`."""
        self.now = T0 + timedelta(minutes=minutes)


@pytest.fixture
def sessions(engine):
    """Sessions on a store (SQLite, PostgreSQL) with an admin and a manager."""
    sessions = make_sessionmaker(engine)
    with sessions() as session, writing(session):
        for email, role in ((ADMIN, "admin"), (MANAGER, "manager")):
            create_user(session, email, role, PASSWORD, T0)
    return sessions


@pytest.fixture
def site(sessions, store_url):
    """Make an app on the store with `limits` settings; (app, clock)."""

    def make(**limits):
        app = create_app(Settings(database_url=store_url, key_cache_seconds=0, **limits))
        clock = Clock()
        app.state.services.clock = clock
        return app, clock

    return make


def attempt(app, email: str, password: str, client: str = ATTACKER) -> httpx.Response:
    """One sign-in from a fresh browser at `client`: fetch the form, post it."""
    with TestClient(app, client=(client, 50000), follow_redirects=False) as browser:
        token = CSRF.search(browser.get("/login").text).group(1)
        data = {"email": email, "password": password, "csrf": token}
        return browser.post("/login", data=data)


def failures(sessions) -> int:
    """How many failed sign-ins the audit log holds."""
    query = select(func.count()).where(AuditEntry.action == "sign_in_failed")
    with sessions() as session:
        return session.execute(query).scalar_one()


def test_after_five_failures_even_the_right_password_gets_429(site, sessions, monkeypatch):
    app, clock = site()
    for minute in range(5):
        clock.at(minute)
        assert attempt(app, ADMIN, "a wrong guess").status_code == 400
    clock.at(5)

    def not_checked(*args):
        raise AssertionError("the password must not be checked while throttled")

    monkeypatch.setattr("handoff.dashboard.routes.session.authenticate", not_checked)
    refused = attempt(app, ADMIN, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
    assert "Too many failed sign-ins" in refused.text and "10 minutes" in refused.text
    assert COOKIE not in refused.cookies
    clock.now = T0 + timedelta(minutes=15) - timedelta(seconds=1)
    last = attempt(app, "Admin@ACME.example ", PASSWORD, client="198.51.100.1")
    assert last.status_code == 429 and last.headers["Retry-After"] == "1"
    assert "1 minute." in last.text
    assert failures(sessions) == 5
    monkeypatch.undo()
    clock.at(15)
    assert attempt(app, ADMIN, PASSWORD).status_code == 303


def test_the_count_slides_with_the_window(site, sessions):
    app, clock = site()
    assert attempt(app, ADMIN, "guess 0").status_code == 400
    clock.at(10)
    for guess in range(4):
        assert attempt(app, ADMIN, f"guess {guess + 1}").status_code == 400
    assert attempt(app, ADMIN, PASSWORD).headers["Retry-After"] == "300"
    clock.at(15)
    assert attempt(app, ADMIN, "guess 5").status_code == 400
    refused = attempt(app, ADMIN, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
    assert attempt(app, MANAGER, PASSWORD).status_code == 303
    assert failures(sessions) == 6


def test_failures_from_one_client_are_counted_across_emails(site, sessions):
    app, clock = site(sign_in_failures_per_ip=3)
    for n in range(3):
        assert attempt(app, f"guess{n}@acme.example", "a wrong guess").status_code == 400
    refused = attempt(app, ADMIN, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert attempt(app, ADMIN, PASSWORD, client="198.51.100.1").status_code == 303
    with sessions() as session:
        query = select(AuditEntry.subject).where(AuditEntry.action == "sign_in_failed")
        assert set(session.execute(query).scalars()) == {ATTACKER}


def test_one_ipv6_host_is_counted_by_its_64(site):
    app, _ = site(sign_in_failures_per_ip=2)
    for host in ("2001:db8:0:1::1", "2001:db8:0:1:ffff::2"):
        assert attempt(app, f"{host}@acme.example", "wrong", client=host).status_code == 400
    assert attempt(app, ADMIN, PASSWORD, client="2001:db8:0:1::3").status_code == 429
    assert attempt(app, ADMIN, PASSWORD, client="2001:db8:0:2::1").status_code == 303


def test_a_success_does_not_reset_anyones_count(site, sessions):
    app, clock = site(sign_in_failures_per_ip=4)
    for n in range(3):
        assert attempt(app, ADMIN, "a wrong guess", client=f"198.51.100.{n}").status_code == 400
    assert attempt(app, ADMIN, PASSWORD, client="198.51.100.9").status_code == 303
    assert attempt(app, ADMIN, "another guess", client="198.51.100.3").status_code == 400
    assert attempt(app, ADMIN, "and another", client="198.51.100.4").status_code == 400
    assert attempt(app, ADMIN, PASSWORD, client="198.51.100.9").status_code == 429

    for n in range(3):
        assert attempt(app, f"guess{n}@acme.example", "wrong").status_code == 400
    assert attempt(app, MANAGER, PASSWORD).status_code == 303
    assert attempt(app, "guess9@acme.example", "wrong").status_code == 400
    assert attempt(app, MANAGER, PASSWORD).status_code == 429


def test_parallel_guesses_are_counted_one_by_one(site, sessions):
    app, _ = site()
    tries = 12
    statuses = []
    ready = threading.Barrier(tries)

    def guess(url: str, n: int) -> None:
        with httpx.Client(base_url=url) as browser:
            token = CSRF.search(browser.get("/login").text).group(1)
            ready.wait(10)
            data = {"email": ADMIN, "password": f"guess {n}", "csrf": token}
            statuses.append(browser.post("/login", data=data).status_code)

    with serving(app) as url:
        threads = [threading.Thread(target=guess, args=(url, n)) for n in range(tries)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(statuses) == [400] * 5 + [429] * (tries - 5)
    assert failures(sessions) == 5


def test_the_limits_are_settings(monkeypatch):
    assert SignInLimits.from_settings(Settings()) == SignInLimits(5, 20, timedelta(minutes=15))
    monkeypatch.setenv("HANDOFF_SIGN_IN_FAILURES_PER_EMAIL", "3")
    monkeypatch.setenv("HANDOFF_SIGN_IN_FAILURES_PER_IP", "50")
    monkeypatch.setenv("HANDOFF_SIGN_IN_WINDOW_SECONDS", "3600")
    assert SignInLimits.from_settings(Settings()) == SignInLimits(3, 50, timedelta(hours=1))


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:0:1:abcd::9", "2001:db8:0:1::/64"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_client_keys(host, key):
    assert client_key(host) == key
