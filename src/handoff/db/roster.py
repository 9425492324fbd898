"""The roster: reps in rotation order, availability and each team's round-robin position."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.core.assignment import RosterState
from handoff.core.policy import Rep as RepSpec
from handoff.db.handoffs import open_counts
from handoff.db.models import Rep, TeamCursor
from handoff.db.sql import insert_ignore

AVAILABILITY = ("online", "away", "offline")
REP_COLUMNS = ("id", "name", "email", "teams", "seniority", "capacity", "weight")


def list_reps(session: Session) -> list[Rep]:
    """Every rep, in rotation order."""
    return list(session.execute(select(Rep).order_by(Rep.position, Rep.id)).scalars())


def get_rep(session: Session, rep_id: str) -> Rep | None:
    """A rep by id, or None."""
    return session.get(Rep, rep_id)


def next_position(session: Session) -> int:
    """The rotation position for a rep added now (after every other rep)."""
    return (session.execute(select(func.max(Rep.position))).scalar() or 0) + 1


def rep_columns(rep: Rep) -> dict[str, Any]:
    """A stored rep's own columns (REP_COLUMNS, in that order)."""
    return {name: getattr(rep, name) for name in REP_COLUMNS}


def rep_spec(rep: Rep) -> RepSpec:
    """The core's view of a stored rep, extra attributes included."""
    return RepSpec(**{**rep.attributes, **rep_columns(rep)})


def lock_team(session: Session, team: str) -> TeamCursor:
    """The team's round-robin row, created if new and locked (FOR UPDATE) for this transaction."""
    insert_ignore(session, TeamCursor, {"team": team, "last_rep": None})
    query = select(TeamCursor).where(TeamCursor.team == team).with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


def roster_state(session: Session) -> RosterState:
    """The roster as the core sees it: stored reps (or the policy's when none), load, rotation."""
    reps = list_reps(session)
    cursors = session.execute(select(TeamCursor.team, TeamCursor.last_rep)).all()
    return RosterState(
        open=open_counts(session),
        last_assigned={team: rep for team, rep in cursors if rep},
        unavailable=frozenset(r.id for r in reps if r.availability != "online"),
        reps=tuple(rep_spec(r) for r in reps) if reps else None,
    )


def new_rep(fields: dict, position: int, now: datetime) -> Rep:
    """A stored rep from the core's fields (unknown keys become attributes)."""
    known = {k: fields.get(k) for k in REP_COLUMNS}
    known["teams"] = list(known["teams"] or [])
    extra = {k: v for k, v in fields.items() if k not in REP_COLUMNS and v is not None}
    return Rep(**known, attributes=extra, position=position, availability="online", updated_at=now)
