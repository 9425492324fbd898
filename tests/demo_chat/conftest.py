"""An app in demo mode on the dashboard tests' store (policy, users, keys), its clock in hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from dashboard.conftest import Store
from handoff.api import create_app

OPEN = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def demo_app(store: Store, demo: bool = True):
    """The app on `store` with demo mode as given and its clock at OPEN."""
    app = create_app(store.settings().model_copy(update={"demo": demo}))
    app.state.services.clock = lambda: OPEN
    return app


@pytest.fixture
def store(tmp_path) -> Store:
    """A fresh store per test."""
    return Store(f"sqlite:///{tmp_path / 'handoff.db'}")


@pytest.fixture
def app(store):
    """The app in demo mode."""
    return demo_app(store)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A browser-like client on it."""
    with TestClient(app, follow_redirects=False) as client:
        yield client
