"""A handoff after it is opened: accept, reassign, first response, close. The caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handoff import effects
from handoff.core.assignment import RosterState
from handoff.core.engine import evaluate
from handoff.core.state import ConversationState
from handoff.db.conversations import get_conversation
from handoff.db.handoffs import get_handoff
from handoff.db.models import Handoff
from handoff.db.roster import get_rep, lock_team, roster_state
from handoff.errors import Conflict, Invalid, NotFound
from handoff.handling import log, offer, record_response
from handoff.policy_store import PolicyBook
from handoff.recording import business_seconds

OUTCOMES = ("won", "lost", "not_qualified", "wrong_route", "no_response", "duplicate")
STATUSES = ("queued", "offered", "accepted", "closed")


def locked_handoff(session: Session, handoff_id: int) -> Handoff:
    """The handoff, locked for this transaction; NotFound if there is none."""
    handoff = get_handoff(session, handoff_id, lock=True)
    if handoff is None:
        raise NotFound(f"no handoff {handoff_id}")
    return handoff


def _open(handoff: Handoff) -> None:
    if handoff.status == "closed":
        raise Conflict(f"handoff {handoff.id} is closed ({handoff.outcome})")


def accept(session: Session, handoff_id: int, now: datetime) -> Handoff:
    """The rep it was offered to accepts it."""
    handoff = locked_handoff(session, handoff_id)
    _open(handoff)
    if handoff.status == "accepted":
        return handoff
    if handoff.rep is None:
        raise Conflict(f"handoff {handoff.id} is not offered to a rep yet: reassign it to one")
    handoff.status = "accepted"
    handoff.accepted_at = now
    handoff.accept_seconds = (now - handoff.created_at).total_seconds()
    handoff.accept_business_seconds = business_seconds(handoff, now)
    log(handoff, now, "accepted", rep=handoff.rep)
    effects.accepted(handoff)
    return handoff


def responded(session: Session, handoff_id: int, now: datetime) -> Handoff:
    """The rep answered the visitor for the first time."""
    handoff = locked_handoff(session, handoff_id)
    _open(handoff)
    record_response(handoff, now)
    return handoff


def close(session: Session, handoff_id: int, outcome: str, now: datetime) -> Handoff:
    """Close the handoff with an outcome."""
    if outcome not in OUTCOMES:
        raise Invalid(f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome")
    handoff = locked_handoff(session, handoff_id)
    _open(handoff)
    handoff.status = "closed"
    handoff.outcome = outcome
    handoff.closed_at = now
    log(handoff, now, "closed", outcome=outcome)
    effects.closed(handoff)
    return handoff


def reassign(
    session: Session,
    book: PolicyBook,
    handoff_id: int,
    rep: str | None,
    reason: str,
    now: datetime,
) -> Handoff:
    """Offer the handoff to `rep`, or (rep None) route it again without the current rep."""
    handoff = locked_handoff(session, handoff_id)
    _open(handoff)
    previous = handoff.rep
    if rep is not None:
        if get_rep(session, rep) is None:
            raise NotFound(f"no rep '{rep}'", field="rep")
        chosen, why = rep, f"reassigned: {reason}"
    else:
        chosen = route_again(session, book, handoff, now)
        why = f"routed again: {reason}"
    handoff.reassignments += 1
    log(handoff, now, "reassigned", rep=chosen, previous=previous, reason=reason)
    handoff.accepted_at = handoff.accept_seconds = handoff.accept_business_seconds = None
    if chosen is None:
        handoff.rep = None
        handoff.status = "queued"
    else:
        offer(handoff, chosen, now, why)
    return handoff


def route_again(
    session: Session,
    book: PolicyBook,
    handoff: Handoff,
    now: datetime,
    exclude: frozenset[str] = frozenset(),
) -> str | None:
    """Route the handoff again at `now`, never to its current rep nor to `exclude`."""
    conversation = get_conversation(session, handoff.conversation_id)
    state = ConversationState.from_dict(conversation.state)
    policy = book.live(session)
    first = evaluate(policy, state, RosterState(), now)
    team = (first.assignment or {}).get("team")
    if team is None:
        return None
    cursor = lock_team(session, team)
    roster = roster_state(session)
    unavailable = roster.unavailable | exclude | ({handoff.rep} if handoff.rep else set())
    roster = RosterState(roster.open, roster.last_assigned, frozenset(unavailable), roster.reps)
    decision = evaluate(policy, state, roster, now)
    if decision.rep:
        cursor.last_rep = decision.rep
        handoff.team = team
        handoff.mode = decision.mode
    return decision.rep
