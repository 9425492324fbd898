"""What the conversation figures read: the columns handling keeps, and migration 0005's backfill."""

from __future__ import annotations

import importlib

from sqlalchemy import select, text, update

from handoff.db.models import Conversation, Decision
from metrics.conftest import CONVERSATIONS
from metrics.test_metrics import run

MIGRATION = importlib.import_module("handoff.db.migrations.versions.2026_11_25_0005_metrics_speed")


def _columns(session) -> dict[str, tuple]:
    rows = session.execute(select(Conversation.id, Conversation.segment, Conversation.qualified))
    return {cid: (segment, bool(qualified)) for cid, segment, qualified in rows}


def test_backfill_gives_the_same_figures(week):
    before = run(week, group="segment")
    week.execute(update(Conversation).values(segment=None, qualified=None))
    week.execute(text(MIGRATION.BACKFILL))
    expected = {cid: (segment, ever) for cid, (_, segment, ever, _) in CONVERSATIONS.items()}
    assert _columns(week) == expected
    assert run(week, group="segment") == before


def test_handling_writes_the_columns(api, engine):
    api.event("k-1", {"type": "page_view", "url": "/pricing"})
    api.event("k-1", {"type": "message", "role": "visitor", "text": "hello"})
    with engine.connect() as conn:
        row = conn.execute(select(Conversation).where(Conversation.id == "k-1")).one()
        last = conn.execute(select(Decision).order_by(Decision.id.desc()).limit(1)).one()
    assert row.last_decision_id == last.id and row.handoff_id is None
    assert (row.segment, row.qualified) == (last.segment, False) and last.segment == "smb"
