"""Timers falling due: SLA re-offers and escalation, releases at the team's opening, follow-ups.

Each timer fires in its own transaction (the caller's), after checking it still applies:
an SLA timer whose handoff was accepted or offered elsewhere, or a release whose handoff
was already taken, does nothing. Every step is written to the handoff's log with its reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff import effects
from handoff.core.compiled import Policy
from handoff.db.conversations import get_conversation
from handoff.db.handoffs import get_handoff
from handoff.db.models import Handoff
from handoff.db.outbox_models import Timer
from handoff.handling import log, offer
from handoff.lifecycle import route_again
from handoff.outbox import add_effect
from handoff.policy_store import PolicyBook

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def due_timers(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending timers due at `now`: earliest first, higher priority first among equals."""
    query = (
        select(Timer.id, Timer.due_at, Timer.priority)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
    )
    rows = session.execute(query).all()
    return [r.id for r in sorted(rows, key=lambda r: (r.due_at, _rank(r.priority), r.id))]


def fire(session: Session, book: PolicyBook, timer_id: int, now: datetime) -> str | None:
    """Fire one due timer in the caller's transaction: its outcome (None if already taken)."""
    query = (
        select(Timer)
        .where(Timer.id == timer_id, Timer.status == "pending")
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    timer = session.execute(query).scalar_one_or_none()
    if timer is None:
        return None
    outcome = FIRE[timer.kind](session, book, timer, now)
    timer.status, timer.fired_at, timer.outcome = "done", now, outcome
    return outcome


def _sla(session: Session, book: PolicyBook, timer: Timer, now: datetime) -> str:
    handoff = get_handoff(session, timer.handoff_id, lock=True)
    rep = timer.data.get("rep")
    if handoff is None or handoff.status != "offered" or handoff.rep != rep:
        return f"moot: no longer waiting for {rep}"
    policy = book.live(session)
    sla = policy.model.sla
    why = f"not accepted by {rep} within {_duration(sla.accept_within)}"
    expired = sum(1 for entry in handoff.log if entry["what"] == "sla_expired")
    log(handoff, now, "sla_expired", rep=rep, reason=why)
    if expired >= sla.reassign_limit:
        limit = f"{why}; reassign limit {sla.reassign_limit} reached"
        return _escalate(policy, handoff, now, limit)
    tried = frozenset(e["rep"] for e in handoff.log if e["what"] == "offered" and e.get("rep"))
    chosen = route_again(session, book, handoff, now, exclude=tried)
    if chosen is None:
        return _escalate(policy, handoff, now, f"{why}; no other candidate")
    handoff.reassignments += 1
    log(handoff, now, "reassigned", rep=chosen, previous=rep, reason=f"SLA: {why}")
    offer(handoff, chosen, now, f"SLA: {why}")
    return f"re-offered to {chosen}: {why}"


def _escalate(policy: Policy, handoff: Handoff, now: datetime, why: str) -> str:
    team = policy.teams.get(handoff.team or "")
    contact = team and (team.contact or (team.after_hours and team.after_hours.contact))
    previous, handoff.rep, handoff.status = handoff.rep, None, "queued"
    log(handoff, now, "escalated", previous=previous, reason=why, contact=contact)
    effects.escalated(handoff, contact or None, now)
    return f"escalated to the {handoff.team} queue: {why}"


def _release(session: Session, book: PolicyBook, timer: Timer, now: datetime) -> str:
    handoff = get_handoff(session, timer.handoff_id, lock=True)
    if handoff is None or handoff.status != "queued" or handoff.rep is not None:
        return "moot: no longer waiting for the opening"
    chosen = route_again(session, book, handoff, now)
    if chosen is not None:
        log(handoff, now, "released", rep=chosen, reason="the team's next opening")
        offer(handoff, chosen, now, "released at the team's opening")
        return f"released to {chosen}"
    schedule = book.live(session).schedule_for(handoff.team) if handoff.team else None
    reopens = schedule.next_open(now) if schedule and not schedule.is_open(now) else None
    if reopens is not None:
        key = f"{timer.key}@{reopens.isoformat()}"
        effects.add_timer(
            session,
            "release",
            key,
            handoff.conversation_id,
            reopens,
            now,
            handoff_id=handoff.id,
            priority=handoff.priority,
        )
        return f"still closed: due again at {reopens.isoformat()}"
    if handoff.mode != "queued":
        handoff.mode = "queued"
        log(handoff, now, "released", reason="the team is open, but no rep can take it: team queue")
    effects.waiting_in_queue(session, handoff, now)
    return "no rep can take it yet: tried again in a minute"


def _follow_up(session: Session, book: PolicyBook, timer: Timer, now: datetime) -> str:
    conversation = get_conversation(session, timer.conversation_id)
    if conversation is None or conversation.handoff_id is not None:
        return "moot: the conversation was handed off"
    payload = {**timer.data, "event": "follow_up", "due_at": timer.due_at.isoformat()}
    add_effect(session, "nurture", timer.key, timer.conversation_id, now, payload=payload)
    return "follow-up handed to the bot"


FIRE = {"sla": _sla, "release": _release, "follow_up": _follow_up}


def _rank(priority: str) -> int:
    return PRIORITY_RANK.get(priority, PRIORITY_RANK["normal"])


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"
