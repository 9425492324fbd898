"""An app with the Chatwoot webhook configured, on a SQLite store with the reference policy."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish
from handoff.settings import Settings

from .payloads import signed

POLICY = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(encoding="utf-8")
SECRET = "chatwoot-webhook-secret-abcdef"
OTHER_SECRET = "account-webhook-secret-123456"
OPEN = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


class Hooks:
    """Posts signed webhooks to the app; reads its store."""

    def __init__(self, client: TestClient, app, key: str):
        self.client, self.app, self.key = client, app, key
        self.deliveries = itertools.count(1)

    @property
    def sessions(self):
        """The app's sessionmaker."""
        return self.app.state.services.sessions

    def post(self, payload: dict, delivery: str | None = "auto", secret: str = SECRET, **kw):
        """Send `payload` as Chatwoot would; the response."""
        if delivery == "auto":
            delivery = f"delivery-{next(self.deliveries)}"
        body, headers = signed(secret, payload, delivery, **kw)
        return self.client.post("/v1/integrations/chatwoot/webhook", content=body, headers=headers)

    def conversation(self, cid: str = "chatwoot-1-7") -> dict:
        """The conversation through the API (read scope)."""
        response = self.client.get(
            f"/v1/conversations/{cid}", headers={"Authorization": f"Bearer {self.key}"}
        )
        assert response.status_code == 200, response.text
        return response.json()


def make_store(path: Path) -> tuple[str, str]:
    """A migrated SQLite store with the reference policy live; (url, admin key)."""
    url = f"sqlite:///{path / 'handoff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, writing(session):
        now = datetime.now(UTC)
        publish(session, POLICY, "reference policy", "tests", now)
        key = create_key(session, "ops", "admin", now)[1]
    engine.dispose()
    return url, key


@pytest.fixture
def hooks(tmp_path) -> Iterator[Hooks]:
    """The app with HANDOFF_CHATWOOT_WEBHOOK_SECRET set, its clock in business hours."""
    url, key = make_store(tmp_path)
    settings = Settings(
        database_url=url,
        env="test",
        key_cache_seconds=0,
        chatwoot_webhook_secret=f"{SECRET},{OTHER_SECRET}",
    )
    app = create_app(settings)
    app.state.services.clock = lambda: OPEN
    with TestClient(app) as client:
        yield Hooks(client, app, key)
