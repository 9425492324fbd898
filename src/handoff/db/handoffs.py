"""Handoffs: finding, filtering and counting them; nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.db.models import OPEN_STATUSES, Handoff


def handoff_of(session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's handoff, or None."""
    query = select(Handoff).where(Handoff.conversation_id == conversation_id)
    return session.execute(query).scalar_one_or_none()


def get_handoff(session: Session, handoff_id: int, lock: bool = False) -> Handoff | None:
    """A handoff by id, locked for this transaction when `lock`."""
    query = select(Handoff).where(Handoff.id == handoff_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def list_handoffs(
    session: Session,
    *,
    status: str | None = None,
    team: str | None = None,
    rep: str | None = None,
    priority: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[Handoff]:
    """Handoffs matching every filter given, newest first."""
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    for column, value in (
        (Handoff.status, status),
        (Handoff.team, team),
        (Handoff.rep, rep),
        (Handoff.priority, priority),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(Handoff.created_at >= since)
    if before_id is not None:
        query = query.where(Handoff.id < before_id)
    return list(session.execute(query).scalars())


def open_counts(session: Session) -> dict[str, int]:
    """Open handoffs (offered or accepted) per rep."""
    query = (
        select(Handoff.rep, func.count())
        .where(Handoff.status.in_(OPEN_STATUSES), Handoff.rep.is_not(None))
        .group_by(Handoff.rep)
    )
    return dict(session.execute(query).all())
