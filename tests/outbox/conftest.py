"""A store with the timers policy live, a hand-moved clock, a handler and a webhook receiver."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from handoff.db.engine import make_sessionmaker
from handoff.handling import Handler
from handoff.policy_store import PolicyBook
from outbox.support import Clock, Receiver, publish_policy


@pytest.fixture
def sessions(engine) -> sessionmaker[Session]:
    """Sessions on the store, the test policy live."""
    sessions = make_sessionmaker(engine)
    publish_policy(sessions)
    return sessions


@pytest.fixture
def clock() -> Clock:
    """A clock at Tuesday 2026-03-03 10:00 in New York."""
    return Clock()


@pytest.fixture
def handler(sessions) -> Handler:
    """Handles events against the live policy."""
    return Handler(sessions, PolicyBook())


@pytest.fixture
def receiver(httpserver) -> Receiver:
    """A webhook receiver on loopback."""
    return Receiver(httpserver)
