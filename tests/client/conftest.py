"""An app on a SQLite store with the reference policy live and an ingest key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.settings import Settings
from support import seeded_store


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[TestClient, str]]:
    """A test client on the app and an ingest key."""
    url, key = seeded_store(tmp_path, "bot", "ingest")
    app = create_app(Settings(database_url=url, env="test", key_cache_seconds=0))
    with TestClient(app) as client:
        yield client, key
