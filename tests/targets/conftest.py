"""A store per backend with a webhook receiver, a secret key, users per role and API keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.auth import create_key
from handoff.db.engine import writing
from handoff.settings import Settings
from handoff.target_store import Keyring
from handoff.users import create_user
from outbox.conftest import clock, handler, receiver, sessions  # noqa: F401
from outbox.support import SECRET

KEY = "k" * 24 + "-targets-test-secret-key"
PASSWORD = "a long test password"
ROLES = ("admin", "manager", "rep")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def webhook_config(to) -> dict:
    """A webhook target's config posting to the receiver `to`, signed with the test secret."""
    return {"url": to.url, "secret": SECRET, "allow_private_networks": True, "timeout": 5}


@pytest.fixture
def keys() -> Keyring:
    """The test key."""
    return Keyring(KEY)


class Site:
    """The app on the store: an API client with keys per scope, and browsers per role."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def api(self, method: str, path: str, scope: str = "admin", **kwargs):
        """Call the API with the key of `scope`."""
        headers = {"Authorization": f"Bearer {self.tokens[scope]}"}
        return self.client.request(method, path, headers=headers, **kwargs)

    def sign_in(self, role: str) -> str:
        """Sign the client in as `role`; the session's CSRF token."""
        self.client.cookies.clear()
        token = CSRF.search(self.client.get("/login").text).group(1)
        email = f"{role}@acme.example"
        form = {"email": email, "password": PASSWORD, "csrf": token}
        assert self.client.post("/login", data=form).status_code == 303
        return CSRF.search(self.client.get("/inbox").text).group(1)


def make_site(engine, factory, secret_key: str | None = KEY) -> Iterator[Site]:
    """A Site on `engine` (sessions from `factory`) whose settings carry `secret_key`."""
    now = datetime.now(UTC)
    tokens = {}
    with factory() as session, writing(session):
        for scope in ("read", "admin"):
            tokens[scope] = create_key(session, f"t-{scope}", scope, now)[1]
        for role in ROLES:
            rep = "a" if role == "rep" else None
            create_user(session, f"{role}@acme.example", role, PASSWORD, now, rep=rep)
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key=secret_key, key_cache_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield Site(client, tokens)


@pytest.fixture
def site(engine, sessions) -> Iterator[Site]:  # noqa: F811  (the outbox fixture)
    """The app with HANDOFF_SECRET_KEY set."""
    yield from make_site(engine, sessions)
