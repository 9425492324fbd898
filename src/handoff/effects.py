"""What each step of a handoff writes besides itself: outbox side effects and due timers.

Called by handling and lifecycle inside the event's transaction (the session passed in).
Idempotency keys are derived from the handoff (or conversation), the kind and the step,
so a retried event, a retried delivery and a replay all carry the same key.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, object_session

from handoff.core.decision import Decision as CoreDecision
from handoff.core.schedule import Schedule
from handoff.db.engine import on_engine
from handoff.db.models import Handoff
from handoff.db.outbox_models import Timer
from handoff.db.policies import live_version
from handoff.db.sql import insert_ignore
from handoff.outbox import add_effect
from handoff.policy_store import BOOK

DEFERRED_MODES = ("next_business_day", "after_hours_notify")
QUEUE_RETRY_SECONDS = 60


def add_timer(
    session: Session,
    kind: str,
    key: str,
    conversation_id: str,
    due_at: datetime,
    now: datetime,
    *,
    handoff_id: int | None = None,
    priority: str = "normal",
    data: dict[str, Any] | None = None,
) -> None:
    """A timer that falls due at `due_at` (once per key)."""
    values = {
        "key": key,
        "kind": kind,
        "conversation_id": conversation_id,
        "handoff_id": handoff_id,
        "due_at": due_at,
        "priority": priority,
        "data": data or {},
        "status": "pending",
        "created_at": now,
    }
    insert_ignore(session, Timer, values)


def cancel_timers(session: Session, handoff_id: int, kinds: tuple[str, ...], why: str) -> None:
    """Cancel the handoff's pending timers of these kinds."""
    session.execute(
        update(Timer)
        .where(Timer.handoff_id == handoff_id, Timer.status == "pending", Timer.kind.in_(kinds))
        .values(status="cancelled", outcome=why)
    )


def handoff_opened(
    session: Session, handoff: Handoff, decision: CoreDecision, now: datetime
) -> None:
    """A new handoff: its lead everywhere; after hours, the contact told and a release timer."""
    key, cid = f"h{handoff.id}", handoff.conversation_id
    add_effect(session, "lead", f"{key}:lead", cid, now, handoff_id=handoff.id, team=handoff.team)
    after = decision.after_hours or {}
    if handoff.mode == "queued":
        waiting_in_queue(session, handoff, now)
    if handoff.mode not in DEFERRED_MODES:
        return
    if handoff.mode == "after_hours_notify" and after.get("contact"):
        recipient = {"role": "contact", "email": after["contact"]}
        _notify(session, handoff, f"{key}:notify:contact", recipient, now)
    if after.get("due"):
        due = datetime.fromisoformat(after["due"])
        _handoff_timer(session, handoff, "release", f"{key}:release", due, now)


def waiting_in_queue(session: Session, handoff: Handoff, now: datetime) -> None:
    """No rep could take it: try the team again in a minute, until someone can."""
    if handoff.team is None:
        return
    due = now + timedelta(seconds=QUEUE_RETRY_SECONDS)
    _handoff_timer(session, handoff, "release", f"h{handoff.id}:queue@{due.isoformat()}", due, now)


def offered(session: Session, handoff: Handoff, rep: str, now: datetime) -> None:
    """The handoff was offered to `rep`: tell them, and start the SLA clock."""
    key = f"h{handoff.id}:r{handoff.reassignments}:{rep}"
    _notify(session, handoff, f"{key}:notify", {"role": "rep", "id": rep}, now)
    cancel_timers(session, handoff.id, ("sla",), "offered again")
    with on_engine(session) as keyed:
        policy = BOOK.version(keyed, live_version(session))
    seconds = policy.model.sla.accept_within
    due = business_due(policy.schedule_for(handoff.team) if handoff.team else None, now, seconds)
    _handoff_timer(session, handoff, "sla", f"{key}:sla", due, now, data={"rep": rep})


def accepted(handoff: Handoff) -> None:
    """Accepted: the SLA clock stops."""
    cancel_timers(object_session(handoff), handoff.id, ("sla",), "accepted")


def closed(handoff: Handoff) -> None:
    """Closed: nothing of the handoff falls due any more."""
    cancel_timers(object_session(handoff), handoff.id, ("sla", "release"), "closed")


def nurtured(session: Session, conversation_id: str, decision: CoreDecision, now: datetime) -> None:
    """A nurture decision: its action handed to the bot's webhook, and a follow-up timer."""
    nurture = decision.nurture
    if not nurture:
        return
    key = f"c:{conversation_id}:nurture:{nurture.get('id')}"
    payload = {
        "event": "nurture",
        "conversation_id": conversation_id,
        "nurture": nurture,
        "reason": decision.reason,
        "decided_at": decision.decided_at,
    }
    add_effect(session, "nurture", key, conversation_id, now, payload=payload)
    follow_up = (nurture.get("action") or {}).get("follow_up_in")
    if follow_up:
        due = now + timedelta(seconds=follow_up)
        add_timer(session, "follow_up", f"{key}:follow_up", conversation_id, due, now, data=payload)


def business_due(schedule: Schedule | None, start: datetime, seconds: float) -> datetime:
    """The instant `seconds` of the schedule's open time after `start` (wall time if none)."""
    wall = start + timedelta(seconds=seconds)
    if schedule is None or seconds <= 0 or schedule.next_open(start) is None:
        return wall
    lo, hi = start, wall
    while schedule.open_seconds(start, hi) < seconds:
        lo, hi = hi, start + (hi - start) * 2
    while (hi - lo) > timedelta(seconds=1):
        middle = lo + (hi - lo) / 2
        lo, hi = (middle, hi) if schedule.open_seconds(start, middle) < seconds else (lo, middle)
    return hi


def escalated(handoff: Handoff, contact: str | None, now: datetime) -> None:
    """Escalated to the team queue: the manager contact is told (every notify target is)."""
    key = f"h{handoff.id}:r{handoff.reassignments}:escalated"
    _notify(object_session(handoff), handoff, key, {"role": "manager", "email": contact}, now)


def _notify(
    session: Session, handoff: Handoff, key: str, recipient: dict[str, Any], now: datetime
) -> None:
    add_effect(
        session,
        "notify",
        key,
        handoff.conversation_id,
        now,
        handoff_id=handoff.id,
        team=handoff.team,
        payload={"recipient": recipient},
    )


def _handoff_timer(
    session: Session,
    handoff: Handoff,
    kind: str,
    key: str,
    due: datetime,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    add_timer(
        session,
        kind,
        key,
        handoff.conversation_id,
        due,
        now,
        handoff_id=handoff.id,
        priority=handoff.priority,
        data=data,
    )
