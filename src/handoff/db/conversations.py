"""Conversations, their events and decisions; nothing here commits.

The per-event functions take the transaction's Connection and run Core statements (on
SQLite straight on the driver: db/sql.py HotStatement): they run on every event, so they
skip the ORM's unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from handoff.db.models import Conversation, Decision, Event, PolicyVersion
from handoff.db.sql import HotStatement, insert_ignore

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
_LOCKED = HotStatement(_LOCK)
_UPDATE = HotStatement(
    update(CONVERSATIONS).where(_c.id == bindparam("cid")),
    ("state", "event_count", "last_decision_id", "handoff_id", "updated_at", "segment",
     "qualified"),
)  # fmt: skip
_INSERT_EVENT = HotStatement(
    insert(EVENTS),
    ("conversation_id", "seq", "event_id", "body_sha256", "body", "at", "received_at",
     "decision_id"),
)  # fmt: skip
_INSERT_DECISION = HotStatement(
    insert(DECISIONS),
    ("conversation_id", "event_seq", "action", "mode", "policy_version", "body", "created_at",
     "qualified", "segment", "roster"),
)  # fmt: skip
_DECISION_BODY = select(_d.body).where(_d.id == bindparam("did"))


class Locked(NamedTuple):
    """A conversation's row as the event handler reads it, locked."""

    id: str
    state: dict[str, Any]
    handoff_id: int | None
    segment: str | None
    qualified: bool | None
    live: int | None
    stored_seq: int | None
    stored_sha256: str | None
    stored_decision_id: int | None


def lock_conversation(
    conn: Connection, conversation_id: str, event_id: str | None, now: datetime
) -> Locked:
    """The conversation, created if new and locked, in one statement.

    Its live field is the live policy version; the stored_* fields describe the stored event
    with the client id `event_id` (None when there is none). On PostgreSQL a racing
    transaction that inserted that event after this statement's snapshot makes our insert
    fail on the unique key: the handler retries, and then finds it.
    """
    params = {"cid": conversation_id, "eid": event_id}
    row = _LOCKED.first(conn, params)
    if row is None:
        new = {
            "id": conversation_id,
            "state": {},
            "event_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        insert_ignore(conn, Conversation, new)
        row = _LOCKED.first(conn, params)
    return Locked(*row)


def update_conversation(conn: Connection, conversation_id: str, values: dict[str, Any]) -> None:
    """Write the handler's columns (every one of _UPDATE's keys) on the conversation's row."""
    _UPDATE.execute(conn, {"cid": conversation_id, **values})


def insert_event(conn: Connection, values: dict[str, Any]) -> None:
    """Store one event (every one of _INSERT_EVENT's keys)."""
    _INSERT_EVENT.execute(conn, values)


def insert_decision(conn: Connection, values: dict[str, Any]) -> int:
    """Store one decision (every one of _INSERT_DECISION's keys); its id."""
    return _INSERT_DECISION.inserted_id(conn, values)


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
