"""The per-event statements store and read values exactly as the Core does, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handoff.db.conversations import insert_decision, insert_event, lock_conversation
from handoff.db.models import Decision, Event

NOW = datetime(2026, 3, 3, 15, 0, 0, 123456, tzinfo=UTC)


def test_rows_written_and_read_back_as_the_core_would(engine, sessions, live):
    with engine.begin() as conn:
        row = lock_conversation(conn, "hot", None, NOW)
        assert (row.state, row.handoff_id, row.stored_seq, row.live) == ({}, None, None, 1)
        decision = {
            "conversation_id": "hot", "event_seq": 0, "action": "qualify", "mode": None,
            "policy_version": 1, "body": {"text": "é ✓", "n": 10**30}, "created_at": NOW,
            "qualified": False, "segment": None, "roster": None,
        }  # fmt: skip
        decision_id = insert_decision(conn, decision)
        insert_event(conn, {
            "conversation_id": "hot", "seq": 0, "event_id": "e1", "body_sha256": "0" * 64,
            "body": {"type": "page_view"}, "at": NOW.astimezone(timezone(timedelta(hours=2))),
            "received_at": NOW, "decision_id": decision_id,
        })  # fmt: skip
        again = lock_conversation(conn, "hot", "e1", NOW)
        assert (again.stored_seq, again.stored_decision_id) == (0, decision_id)
    with sessions() as session:
        stored = session.get(Decision, decision_id)
        assert stored.body == {"text": "é ✓", "n": 10**30}
        assert stored.created_at == NOW and stored.roster is None and stored.qualified is False
        event = session.execute(select(Event).where(Event.event_id == "e1")).scalar_one()
        assert event.at == NOW and event.body == {"type": "page_view"}


def test_a_duplicate_is_an_integrity_error(engine, live):
    values = {
        "conversation_id": "dup", "seq": 0, "event_id": "e", "body_sha256": "0" * 64,
        "body": {}, "at": NOW, "received_at": NOW,
    }  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as conn:
        lock_conversation(conn, "dup", None, NOW)
        decision_id = insert_decision(conn, {
            "conversation_id": "dup", "event_seq": 0, "action": "qualify", "mode": None,
            "policy_version": 1, "body": {}, "created_at": NOW, "qualified": False,
            "segment": None, "roster": None,
        })  # fmt: skip
        insert_event(conn, {**values, "decision_id": decision_id})
        insert_event(conn, {**values, "seq": 1, "decision_id": decision_id})
