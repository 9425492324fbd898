"""Forgetting people: a conversation's personal data removed everywhere, anonymous counts kept.

A forgotten conversation loses its events (the transcript), its folded state (identity,
facts, source, notes), its decisions' facts, evidence and trace, its handoff's free-text
history, and the payloads of everything it queued (outbox, timers) and their delivery
errors. It keeps, under a new random id, what the metrics count: one conversation, its
decisions' action, mode, segment, route and qualification statuses, and its handoff's
team, rep, status, outcome and times. The caller commits.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Table, Text, cast, delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from handoff.db.engine import writing
from handoff.db.models import Base, Conversation, Decision, Event, Handoff

REMOVED = "Personal data removed."
FORGOTTEN_PREFIX = "forgotten-"
_KEPT = {"action", "mode", "segment", "hours", "priority", "policy", "nurture", "ask"}
_LOG_KEYS = {"at", "what", "mode", "rep", "previous", "outcome"}
_OWN = {"conversations", "events", "decisions", "handoffs"}


@dataclass(frozen=True)
class Forgotten:
    """What forgetting one conversation did."""

    conversation_id: str
    anonymous_id: str
    events: int
    handoff_id: int | None


def scrub_decision(body: dict[str, Any]) -> dict[str, Any]:
    """A decision with only what is not about the person: outcome, route, statuses, scores."""
    out: dict[str, Any] = {k: body.get(k) for k in _KEPT}
    route, assignment = body.get("route"), body.get("assignment")
    qualification, intent = body.get("qualification"), body.get("intent")
    out["route"] = route and {k: route.get(k) for k in ("id", "team", "priority")}
    out["assignment"] = assignment and {
        k: assignment.get(k) for k in ("rep", "team", "strategy", "candidates")
    }
    out["qualification"] = qualification and {
        "qualified": qualification.get("qualified"),
        "criteria": [
            {"id": c.get("id"), "status": c.get("status")}
            for c in qualification.get("criteria", [])
        ],
        "missing": qualification.get("missing", []),
        "unmet": qualification.get("unmet", []),
    }
    out["intent"] = intent and {
        "score": intent.get("score"),
        "threshold": intent.get("threshold"),
        "signals": [
            {"id": s.get("id"), "count": s.get("count"), "points": s.get("points")}
            for s in intent.get("signals", [])
        ],
        "triggers": intent.get("triggers", []),
    }
    return {**out, "reason": REMOVED, "say": None, "facts": {}, "trace": [], "steps": []}


def forget(session: Session, conversation_id: str) -> Forgotten | None:
    """Remove one conversation's personal data (None when there is no such conversation)."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        return None
    anonymous = FORGOTTEN_PREFIX + secrets.token_hex(12)
    kept = {c.key: getattr(conversation, c.key) for c in Conversation.__table__.c}
    session.execute(insert(Conversation).values({**kept, "id": anonymous, "state": {}}))
    events = session.execute(delete(Event).where(Event.conversation_id == conversation_id))
    decisions = session.execute(
        select(Decision.id, Decision.body).where(Decision.conversation_id == conversation_id)
    )
    for decision_id, body in decisions.all():
        session.execute(
            update(Decision)
            .where(Decision.id == decision_id)
            .values(conversation_id=anonymous, body=scrub_decision(body))
        )
    handoff = session.execute(
        select(Handoff.id, Handoff.log).where(Handoff.conversation_id == conversation_id)
    ).first()
    if handoff is not None:
        log = [{k: v for k, v in entry.items() if k in _LOG_KEYS} for entry in handoff.log]
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id)
            .values(conversation_id=anonymous, log=log)
        )
    for table in _queued_tables():
        _scrub_queued(session, table, conversation_id, anonymous)
    session.expunge(conversation)
    session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    return Forgotten(conversation_id, anonymous, events.rowcount, handoff and handoff.id)


def conversations_of(session: Session, email: str) -> list[str]:
    """Ids of the conversations that name this email address (identify, slots or words)."""
    email = email.strip().lower()
    pattern = "%" + email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(Event.conversation_id, Event.body)
        .where(cast(Event.body, Text).ilike(pattern, escape="\\"))
        .order_by(Event.conversation_id)
    )
    exact = re.compile(r"(?<![\w.+-])" + re.escape(email) + r"(?![\w-]|\.\w)")
    return sorted(
        {cid for cid, body in rows if exact.search(json.dumps(body, ensure_ascii=False).lower())}
    )


def expired(session: Session, days: int, now: datetime, limit: int = 500) -> list[str]:
    """Ids of conversations with no activity for `days` days (forgotten ones left out)."""
    query = (
        select(Conversation.id)
        .where(Conversation.updated_at < now - timedelta(days=days))
        .where(~Conversation.id.startswith(FORGOTTEN_PREFIX))
        .order_by(Conversation.updated_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def purge_expired(sessions: sessionmaker[Session], days: int, now: datetime) -> int:
    """Forget every conversation idle for more than `days`, one transaction each; how many."""
    total = 0
    while batch := _expired_batch(sessions, days, now):
        for conversation_id in batch:
            with sessions() as session, writing(session):
                total += forget(session, conversation_id) is not None
    return total


def _expired_batch(sessions: sessionmaker[Session], days: int, now: datetime) -> list[str]:
    with sessions() as session:
        return expired(session, days, now)


def _queued_tables() -> list[Table]:
    """Other tables that point at a conversation (the outbox and the timers, when present)."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if "conversation_id" in table.c and table.name not in _OWN
    ]


def _scrub_queued(session: Session, table: Table, conversation_id: str, anonymous: str) -> None:
    blank = {c.name: {} for c in table.c if isinstance(c.type, JSON)}
    where = table.c.conversation_id == conversation_id
    children = [
        fk.parent.table
        for other in Base.metadata.sorted_tables
        for fk in other.foreign_keys
        if fk.column.table is table and "last_error" in fk.parent.table.c
    ]
    for child in children:
        fk = next(f for f in child.foreign_keys if f.column.table is table)
        ids = select(table.c[fk.column.name]).where(where)
        session.execute(update(child).where(fk.parent.in_(ids)).values(last_error=None))
    session.execute(update(table).where(where).values(conversation_id=anonymous, **blank))
