"""A handler on each store with the reference policy published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from handoff.core.events import parse_event
from handoff.db.engine import make_sessionmaker, writing
from handoff.handling import Handler, Outcome
from handoff.policy_store import PolicyBook, publish

OPEN_HOURS = "2026-03-03T15:00:00Z"


@pytest.fixture
def sessions(engine) -> sessionmaker[Session]:
    """Sessions on the store, with the reference policy live."""
    return make_sessionmaker(engine)


@pytest.fixture
def live(sessions, policy_text) -> None:
    """Publish the reference policy."""
    with sessions() as session, writing(session):
        publish(session, policy_text, "reference", "tests", datetime.now(UTC))


def _send(handler: Handler, conversation: str, raw: dict) -> Outcome:
    raw = {"at": OPEN_HOURS, **raw}
    now = datetime.now(UTC)
    return handler.handle(conversation, raw, parse_event(raw, 0, now), now)


@pytest.fixture
def send():
    """send(handler, conversation, raw): handle one raw event (at open hours unless it says)."""
    return _send


@pytest.fixture
def handler(sessions, live) -> Handler:
    """A handler with its own policy book."""
    return Handler(sessions, PolicyBook())
