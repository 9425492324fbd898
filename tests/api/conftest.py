"""An app on each store with the reference policy published and one key per scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from handoff.api import create_app
from handoff.auth import SCOPES, create_key
from handoff.db.engine import make_sessionmaker, writing
from handoff.policy_store import publish
from handoff.settings import Settings

OPEN_HOURS = "2026-03-03T15:00:00Z"


class Api:
    """A test client with a key per scope: api.post(path, json, as_="ingest")."""

    def __init__(self, client: TestClient, tokens: dict[str, str]):
        self.client = client
        self.tokens = tokens

    def request(self, method: str, path: str, as_: str | None = "admin", **kwargs):
        """Call the API with the key of scope `as_` (None: no key)."""
        headers = kwargs.pop("headers", {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.tokens[as_]}"
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        """GET as admin unless told."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        """POST as admin unless told."""
        return self.request("POST", path, **kwargs)

    def event(self, conversation: str, event: dict, **kwargs):
        """Post one event (at open hours unless it says) as the ingest key."""
        body = {"at": OPEN_HOURS, **event}
        return self.post(
            f"/v1/conversations/{conversation}/events", json=body, as_="ingest", **kwargs
        )


@pytest.fixture
def settings(engine: Engine) -> Settings:
    """Test settings on the store."""
    url = engine.url.render_as_string(hide_password=False)
    return Settings(database_url=url, env="test", key_cache_seconds=0)


@pytest.fixture
def api(engine: Engine, settings: Settings, policy_text: str) -> Iterator[Api]:
    """The app with the reference policy live and keys for every scope."""
    sessions = make_sessionmaker(engine)
    now = datetime.now(UTC)
    tokens = {}
    with sessions() as session, writing(session):
        publish(session, policy_text, "reference policy", "tests", now)
        for scope in SCOPES:
            tokens[scope] = create_key(session, f"test-{scope}", scope, now)[1]
    with TestClient(create_app(settings)) as client:
        yield Api(client, tokens)
