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
from handoff.db.sql import HotStatement, insert_ignore, is_postgresql

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
_CONVERSATION_KEYS = ("state", "event_count", "handoff_id", "updated_at", "segment", "qualified")
_EVENT_KEYS = ("conversation_id", "seq", "event_id", "body_sha256", "body", "at", "received_at")
_DECISION_KEYS = ("conversation_id", "event_seq", "action", "mode", "policy_version", "body",
                  "created_at", "qualified", "segment", "roster")  # fmt: skip
_UPDATE = HotStatement(
    update(CONVERSATIONS).where(_c.id == bindparam("cid")),
    (*_CONVERSATION_KEYS, "last_decision_id"),
)
_INSERT_EVENT = HotStatement(insert(EVENTS), (*_EVENT_KEYS, "decision_id"))
_INSERT_DECISION = HotStatement(insert(DECISIONS), _DECISION_KEYS)


def _typed(table, prefix: str, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: bindparam(prefix + k, type_=table.c[k].type) for k in keys}


def _all_at_once():
    """PostgreSQL: a new decision, the conversation's update and the event in one statement."""
    decided = insert(DECISIONS).values(_typed(DECISIONS, "d_", _DECISION_KEYS))
    decided = decided.returning(_d.id).cte("decided")
    new_id = select(decided.c.id).scalar_subquery()
    conversation = _typed(CONVERSATIONS, "c_", _CONVERSATION_KEYS)
    updated = update(CONVERSATIONS).where(_c.id == bindparam("cid"))
    updated = updated.values({**conversation, "last_decision_id": new_id})
    updated = updated.returning(_c.id).cte("updated")
    event = select(*_typed(EVENTS, "e_", _EVENT_KEYS).values(), decided.c.id)
    stored = insert(EVENTS).from_select([*_EVENT_KEYS, "decision_id"], event)
    return stored.add_cte(decided, updated).returning(_e.decision_id)


_ALL_AT_ONCE = _all_at_once()
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


def insert_decision(conn: Connection, values: dict[str, Any]) -> int:
    """Store one decision (every one of _DECISION_KEYS); its id."""
    return _INSERT_DECISION.inserted_id(conn, values)


def store_event(
    conn: Connection,
    conversation_id: str,
    conversation: dict[str, Any],
    event: dict[str, Any],
    decision: dict[str, Any] | int,
) -> int:
    """Write what handling one event leaves; the id of the decision the event points to.

    `conversation` holds the conversation's new values (_CONVERSATION_KEYS), `event` the event
    row (_EVENT_KEYS), and `decision` either a new decision to store (_DECISION_KEYS) or the
    id of a stored one. On PostgreSQL a new decision, the update and the event go in one
    statement: one round trip instead of three.
    """
    if isinstance(decision, dict) and is_postgresql(conn):
        params = {"cid": conversation_id}
        for prefix, values in (("d_", decision), ("c_", conversation), ("e_", event)):
            params.update((prefix + k, v) for k, v in values.items())
        return conn.execute(_ALL_AT_ONCE, params).scalar_one()
    decision_id = decision if isinstance(decision, int) else insert_decision(conn, decision)
    _UPDATE.execute(conn, {"cid": conversation_id, **conversation, "last_decision_id": decision_id})
    _INSERT_EVENT.execute(conn, {**event, "decision_id": decision_id})
    return decision_id


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
