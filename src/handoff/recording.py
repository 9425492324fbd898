"""What handling and lifecycle keep for metrics and replay: roster snapshots and measures.

A handoff decision keeps the roster it was made with (open counts, round-robin position,
who was unavailable, the reps), so a replay can decide with the roster of the time. A
handoff keeps its segment, the rule that handed it off, whether it came after hours, and
its times to accept and to first response counted in the routed team's business hours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from handoff.core.assignment import RosterState
from handoff.core.decision import Decision as CoreDecision
from handoff.core.policy import Rep
from handoff.db.engine import on_engine
from handoff.db.models import Decision, Handoff
from handoff.policy_store import BOOK

QUALIFIED_RULE = "qualified"


def roster_snapshot(roster: RosterState) -> dict[str, Any]:
    """The roster as JSON: open, last_assigned, unavailable and (when stored) reps."""
    return {
        "open": dict(roster.open),
        "last_assigned": dict(roster.last_assigned),
        "unavailable": sorted(roster.unavailable),
        "reps": [r.model_dump(exclude_none=True) for r in roster.reps]
        if roster.reps is not None
        else None,
    }


def roster_from_snapshot(data: dict[str, Any], reps: tuple[Rep, ...] | None = None) -> RosterState:
    """The roster a snapshot describes (`reps`, when given, stands for the snapshot's own)."""
    if reps is None and data.get("reps") is not None:
        reps = tuple(Rep(**r) for r in data["reps"])
    return RosterState(
        open=data.get("open") or {},
        last_assigned=data.get("last_assigned") or {},
        unavailable=frozenset(data.get("unavailable") or ()),
        reps=reps,
    )


def decision_columns(decision: CoreDecision, roster: RosterState | None) -> dict[str, Any]:
    """The decision row's qualified, segment and roster (the roster a handoff was decided with)."""
    return {
        "qualified": bool(decision.qualification.get("qualified")),
        "segment": decision.segment,
        "roster": roster_snapshot(roster) if roster is not None else None,
    }


def handoff_rule(decision: CoreDecision | dict[str, Any]) -> str:
    """What handed it off: the first trigger that fired, else `qualified`."""
    intent = decision["intent"] if isinstance(decision, dict) else decision.intent
    triggers = intent.get("triggers") or []
    return triggers[0] if triggers else QUALIFIED_RULE


def handoff_columns(decision: CoreDecision) -> dict[str, Any]:
    """A new handoff's segment, rule and after-hours flag (None when no route matched)."""
    hours = decision.hours
    return {
        "segment": decision.segment,
        "rule": handoff_rule(decision),
        "after_hours": (not hours["open"]) if hours else None,
    }


def business_seconds(handoff: Handoff, end: datetime) -> int:
    """Seconds from the handoff's creation to `end` while the routed team's schedule was open."""
    session = object_session(handoff)
    version, body = session.execute(
        select(Decision.policy_version, Decision.body).where(Decision.id == handoff.decision_id)
    ).one()
    team = (body.get("route") or {}).get("team")
    with on_engine(session) as keyed:
        schedule = BOOK.version(keyed, version).schedule_for(team) if team else None
    if schedule is None:
        return max(int((end - handoff.created_at).total_seconds()), 0)
    return schedule.open_seconds(handoff.created_at, end)
