"""Conversations, their events and decisions; nothing here commits.

The per-event functions take the transaction's Connection and use Core statements:
they run on every event, so they skip the ORM's unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from handoff.db.models import Conversation, Decision, Event, PolicyVersion
from handoff.db.sql import insert_ignore

CONVERSATIONS = Conversation.__table__
EVENTS = Event.__table__
DECISIONS = Decision.__table__
_c, _e, _d = CONVERSATIONS.c, EVENTS.c, DECISIONS.c
_LIVE = select(func.max(PolicyVersion.__table__.c.version)).scalar_subquery().label("live")
_LOCK = (
    select(
        _c.id,
        _c.state,
        _c.handoff_id,
        _c.segment,
        _c.qualified,
        _LIVE,
        _e.seq.label("stored_seq"),
        _e.body_sha256.label("stored_sha256"),
        _e.decision_id.label("stored_decision_id"),
    )
    .select_from(
        CONVERSATIONS.outerjoin(
            EVENTS, and_(_e.conversation_id == _c.id, _e.event_id == bindparam("eid"))
        )
    )
    .where(_c.id == bindparam("cid"))
    .with_for_update(of=CONVERSATIONS)
)
_UPDATE = update(CONVERSATIONS).where(_c.id == bindparam("cid"))
_INSERT_EVENT = insert(EVENTS)
_INSERT_DECISION = insert(DECISIONS)
_DECISION_BODY = select(_d.body).where(_d.id == bindparam("did"))


def lock_conversation(
    conn: Connection, conversation_id: str, event_id: str | None, now: datetime
) -> Row:
    """The conversation, created if new and locked, in one statement.

    Its columns: id, state, handoff_id, segment, qualified, live (the live policy version),
    and stored_seq, stored_sha256, stored_decision_id of the stored event with the client id
    `event_id` (None when there is none). On PostgreSQL a racing transaction that inserted
    that event after this statement's snapshot makes our insert fail on the unique key: the
    handler retries, and then finds it.
    """
    params = {"cid": conversation_id, "eid": event_id}
    row = conn.execute(_LOCK, params).first()
    if row is None:
        new = {
            "id": conversation_id,
            "state": {},
            "event_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        insert_ignore(conn, Conversation, new)
        row = conn.execute(_LOCK, params).one()
    return row


def update_conversation(conn: Connection, conversation_id: str, values: dict[str, Any]) -> None:
    """Write new values on the conversation's row (the same columns every time)."""
    conn.execute(_UPDATE, {"cid": conversation_id, **values})


def insert_event(conn: Connection, values: dict[str, Any]) -> None:
    """Store one event."""
    conn.execute(_INSERT_EVENT, values)


def insert_decision(conn: Connection, values: dict[str, Any]) -> int:
    """Store one decision; its id."""
    return conn.execute(_INSERT_DECISION, values).inserted_primary_key[0]


def decision_body(db: Session | Connection, decision_id: int) -> dict[str, Any]:
    """A stored decision's JSON."""
    return db.execute(_DECISION_BODY, {"did": decision_id}).scalar_one()


def get_decision(session: Session, decision_id: int) -> Decision | None:
    """A stored decision, or None."""
    return session.get(Decision, decision_id)


def get_conversation(session: Session, conversation_id: str) -> Conversation | None:
    """The conversation, or None."""
    return session.get(Conversation, conversation_id)


def event_hashes(session: Session, conversation_id: str, event_ids: list[str]) -> dict[str, str]:
    """Body hashes of the stored events among `event_ids`."""
    query = select(Event.event_id, Event.body_sha256).where(
        Event.conversation_id == conversation_id, Event.event_id.in_(event_ids)
    )
    return dict(session.execute(query).all())


def events_of(session: Session, conversation_id: str) -> list[Event]:
    """Every event of the conversation, in order."""
    query = select(Event).where(Event.conversation_id == conversation_id).order_by(Event.seq)
    return list(session.execute(query).scalars())


def add(session: Session, row: object) -> None:
    """Add a row and give it its id now."""
    session.add(row)
    session.flush()
