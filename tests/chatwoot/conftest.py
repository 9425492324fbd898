"""An app with the Chatwoot webhook configured, on a SQLite store with the reference policy."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.settings import Settings
from support import seeded_store

from .payloads import signed

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
    return seeded_store(path, "ops", "admin")


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
