"""Reads the dashboard needs that the service's query modules do not offer; nothing commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.db.models import Conversation, Decision, Handoff
from handoff.db.roster import get_rep

INBOX_VIEWS = ("waiting", "mine", "team", "all")
WAITING = ("queued", "offered")
OPEN = ("queued", "offered", "accepted")


def inbox_views(role: str, rep: str | None) -> tuple[str, ...]:
    """The inbox tabs a viewer has: a rep only their own, managers every one."""
    if role == "rep":
        return ("mine",)
    return tuple(v for v in INBOX_VIEWS if v != "mine" or rep is not None)


def rep_teams(session: Session, rep_id: str | None) -> list[str]:
    """The teams of the roster rep `rep_id` (none when unknown)."""
    rep = get_rep(session, rep_id) if rep_id else None
    return list(rep.teams) if rep else []


def inbox(
    session: Session, view: str, rep: str | None, teams: list[str], limit: int = 200
) -> list[Handoff]:
    """Open handoffs of one inbox tab, most urgent first (high priority, then oldest)."""
    query = select(Handoff).where(Handoff.status.in_(OPEN))
    if view == "waiting":
        query = query.where(Handoff.status.in_(WAITING))
    elif view == "mine":
        query = query.where(Handoff.rep == rep)
    elif view == "team":
        query = query.where(Handoff.team.in_(teams))
    rows = list(session.execute(query.order_by(Handoff.id).limit(limit)).scalars())
    return sorted(rows, key=lambda h: (h.priority == "normal", h.created_at, h.id))


def conversations(
    session: Session, action: str | None = None, limit: int = 200
) -> list[tuple[Conversation, Decision | None, Handoff | None]]:
    """Conversations, most recently active first, with their latest decision and handoff."""
    query = (
        select(Conversation, Decision, Handoff)
        .outerjoin(Decision, Decision.id == Conversation.last_decision_id)
        .outerjoin(Handoff, Handoff.conversation_id == Conversation.id)
        .order_by(Conversation.updated_at.desc(), Conversation.id)
        .limit(limit)
    )
    if action == "handoff":
        query = query.where(Handoff.id.is_not(None))
    elif action is not None:
        query = query.where(Handoff.id.is_(None), Decision.action == action)
    return [tuple(row) for row in session.execute(query).all()]


def recent_conversation_ids(session: Session, limit: int = 50) -> list[str]:
    """Ids of the most recently active conversations (to pick one to simulate)."""
    query = select(Conversation.id).order_by(Conversation.updated_at.desc()).limit(limit)
    return list(session.execute(query).scalars())


def decisions(session: Session, ids: list[int]) -> dict[int, dict]:
    """Stored decision bodies by id."""
    if not ids:
        return {}
    query = select(Decision.id, Decision.body).where(Decision.id.in_(ids))
    return dict(session.execute(query).all())
