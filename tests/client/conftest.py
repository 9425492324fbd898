"""An app on a SQLite store with the reference policy live and an ingest key."""

from __future__ import annotations

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

POLICY = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(encoding="utf-8")


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[TestClient, str]]:
    """A test client on the app and an ingest key."""
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, writing(session):
        now = datetime.now(UTC)
        publish(session, POLICY, "reference policy", "tests", now)
        key = create_key(session, "bot", "ingest", now)[1]
    engine.dispose()
    app = create_app(Settings(database_url=url, env="test", key_cache_seconds=0))
    with TestClient(app) as client:
        yield client, key
