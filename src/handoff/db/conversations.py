"""Conversations, their events and decisions; nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from handoff.db.models import Conversation, Decision, Event
from handoff.db.sql import insert_ignore, is_postgresql


def lock_conversation(session: Session, conversation_id: str, now: datetime) -> Conversation:
    """The conversation, created if new, locked for this transaction (FOR UPDATE)."""
    row = {
        "id": conversation_id,
        "state": {},
        "event_count": 0,
        "created_at": now,
        "updated_at": now,
    }
    insert_ignore(session, Conversation, row)
    query = select(Conversation).where(Conversation.id == conversation_id).with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


def try_lock_event_id(session: Session, conversation_id: str, event_id: str) -> bool:
    """Claim an event id for this transaction (PostgreSQL advisory lock); False if taken."""
    if not is_postgresql(session):
        return True
    claim = text("SELECT pg_try_advisory_xact_lock(hashtext(:conversation), hashtext(:event))")
    params = {"conversation": conversation_id, "event": event_id}
    return bool(session.execute(claim, params).scalar())


def get_conversation(session: Session, conversation_id: str) -> Conversation | None:
    """The conversation, or None."""
    return session.get(Conversation, conversation_id)


def find_event(session: Session, conversation_id: str, event_id: str) -> Event | None:
    """The stored event with this client id, or None."""
    query = select(Event).where(
        Event.conversation_id == conversation_id, Event.event_id == event_id
    )
    return session.execute(query).scalar_one_or_none()


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


def get_decision(session: Session, decision_id: int) -> Decision | None:
    """A stored decision, or None."""
    return session.get(Decision, decision_id)


def add(session: Session, row: object) -> None:
    """Add a row and give it its id now."""
    session.add(row)
    session.flush()
