"""The per-event writes store and read values exactly as the Core does, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handoff.db.conversations import get_conversation, lock_conversation, store_event
from handoff.db.models import Decision, Event

NOW = datetime(2026, 3, 3, 15, 0, 0, 123456, tzinfo=UTC)
CONVERSATION = {
    "state": {"events": 1}, "event_count": 1, "handoff_id": None, "updated_at": NOW,
    "segment": "smb", "qualified": True,
}  # fmt: skip
DECISION = {
    "conversation_id": "hot", "event_seq": 0, "action": "qualify", "mode": None,
    "policy_version": 1, "body": {"text": "é ✓", "n": 10**30}, "created_at": NOW,
    "qualified": False, "segment": None, "roster": None,
}  # fmt: skip


def event(event_id: str, seq: int) -> dict:
    """An event row of conversation 'hot'."""
    return {
        "conversation_id": "hot", "seq": seq, "event_id": event_id, "body_sha256": "0" * 64,
        "body": {"type": "page_view"}, "at": NOW.astimezone(timezone(timedelta(hours=2))),
        "received_at": NOW,
    }  # fmt: skip


def test_rows_written_and_read_back_as_the_core_would(engine, sessions, live):
    with engine.begin() as conn:
        row = lock_conversation(conn, "hot", None, NOW)
        assert (row.state, row.handoff_id, row.stored_seq, row.live) == ({}, None, None, 1)
        decision_id = store_event(conn, "hot", CONVERSATION, event("e1", 0), DECISION)
        again = lock_conversation(conn, "hot", "e1", NOW)
        assert (again.stored_seq, again.stored_decision_id) == (0, decision_id)
        assert (again.state, again.segment, again.qualified) == ({"events": 1}, "smb", True)
        second = {**CONVERSATION, "event_count": 2}
        assert store_event(conn, "hot", second, event("e2", 1), decision_id) == decision_id
    with sessions() as session:
        stored = session.get(Decision, decision_id)
        assert stored.body == {"text": "é ✓", "n": 10**30}
        assert stored.created_at == NOW and stored.roster is None and stored.qualified is False
        first = session.execute(select(Event).where(Event.event_id == "e1")).scalar_one()
        assert first.at == NOW and first.body == {"type": "page_view"}
        conversation = get_conversation(session, "hot")
        assert (conversation.last_decision_id, conversation.event_count) == (decision_id, 2)
        assert conversation.updated_at == NOW


def test_a_duplicate_event_is_an_integrity_error(engine, live):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        lock_conversation(conn, "hot", None, NOW)
        store_event(conn, "hot", CONVERSATION, event("e", 0), DECISION)
        store_event(conn, "hot", CONVERSATION, event("e", 1), DECISION)
