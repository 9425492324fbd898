"""A dashboard on a SQLite store: the reference policy live, a user per role, handoffs to open."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish
from handoff.settings import Settings
from handoff.users import create_user
from support import serving

ROOT = Path(__file__).parents[2]
POLICY = (ROOT / "examples" / "policy.yaml").read_text(encoding="utf-8")
PASSWORD = "a long test password"
USERS = {
    "admin": ("admin@acme.example", None),
    "manager": ("manager@acme.example", None),
    "rep": ("jane@acme.example", "jane"),
    "other": ("omar@acme.example", "omar"),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def conversation(name: str) -> list[dict]:
    """The events of an example conversation."""
    path = ROOT / "examples" / "conversations" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))["events"]


class Store:
    """A migrated SQLite store with the policy, users, an ingest key and an admin key."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        now = datetime.now(UTC)
        with self.sessions() as session, writing(session):
            publish(session, POLICY, "reference policy", "tests", now)
            self.token = create_key(session, "bot", "ingest", now)[1]
            self.admin = create_key(session, "ops", "admin", now)[1]
            for role, (email, rep) in USERS.items():
                create_user(
                    session, email, "rep" if rep else role, PASSWORD, now, rep=rep, name=role
                )

    def settings(self, env: str = "development") -> Settings:
        """Settings for an app on this store."""
        return Settings(database_url=self.url, env=env, key_cache_seconds=0)


def post_events(client: TestClient, token: str, conversation_id: str, events: list[dict]) -> dict:
    """Post a conversation's events through the API; the last answer."""
    response = client.post(
        f"/v1/conversations/{conversation_id}/events",
        json={"events": events},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def sign_in(client: TestClient, role: str) -> str:
    """Sign `client` in as the user of `role`; their CSRF token."""
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    response = client.post(
        "/login",
        data={"email": USERS[role][0], "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return CSRF.search(client.get("/inbox").text).group(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    """One store per test module."""
    return Store(f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'handoff.db'}")


@pytest.fixture(scope="module")
def app(store: Store):
    """The app on the store, with two handoffs: one for jane, one for the strategic team."""
    app = create_app(store.settings())
    with TestClient(app) as client:
        app.state.seeded = {
            "east": post_events(
                client, store.token, "east", conversation("enterprise-east-qualified")
            )["handoff"],
            "hostile": post_events(client, store.token, "hostile", conversation("hostile-visitor"))[
                "handoff"
            ],
            "qualifying": post_events(
                client, store.token, "qualifying", conversation("still-qualifying")
            ),
        }
    return app


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A fresh browser-like client (no cookies)."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Site:
    """The running server: its URL, app, store and a bot posting events over HTTP."""

    def __init__(self, url: str, app, store: Store):
        self.url, self.app, self.store = url, app, store

    def post(self, conversation_id: str, events: list[dict]) -> dict:
        """Post events as the bot; the answer."""
        response = httpx.post(
            f"{self.url}/v1/conversations/{conversation_id}/events",
            json={"events": events},
            headers={"Authorization": f"Bearer {self.store.token}"},
        )
        response.raise_for_status()
        return response.json()

    def at(self, when: datetime) -> None:
        """Set the server's clock to `when`."""
        self.app.state.services.clock = lambda: when


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """uvicorn serving the app on a free loopback port."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'handoff.db'}")
    app = create_app(store.settings())
    with serving(app) as url:
        yield Site(url, app, store)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
