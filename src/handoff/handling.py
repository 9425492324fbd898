"""One event, one transaction: load the state, apply the event, decide, persist everything.

The conversation's row lock (and on SQLite, BEGIN IMMEDIATE) serialises its events; the
unique key on handoffs.conversation_id makes "handed off once" hold across processes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.core.assignment import RosterState
from handoff.core.compiled import Policy
from handoff.core.decision import Decision as CoreDecision
from handoff.core.engine import evaluate
from handoff.core.events import Event as CoreEvent
from handoff.core.state import ConversationState, apply_event
from handoff.db.conversations import (
    add,
    find_event,
    get_decision,
    lock_conversation,
    try_lock_event_id,
)
from handoff.db.engine import writing
from handoff.db.handoffs import handoff_of
from handoff.db.models import Conversation, Decision, Event, Handoff
from handoff.db.roster import lock_team, roster_state
from handoff.errors import EventInFlight, EventMismatch
from handoff.policy_store import PolicyBook


def body_sha256(raw: dict[str, Any]) -> str:
    """The hash that recognises a retried event: its JSON with sorted keys."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def load_state(data: dict[str, Any]) -> ConversationState:
    """A stored state (keys this version of the core no longer keeps are dropped)."""
    known = {f.name for f in fields(ConversationState)}
    return ConversationState.from_dict({k: v for k, v in data.items() if k in known})


@dataclass
class Outcome:
    """What handling one event produced: the decision that answers it, and the handoff if any."""

    decision: dict[str, Any]
    handoff: Handoff | None
    seq: int
    replayed: bool = False
    decided: bool = False
    opened: bool = False


class InFlight:
    """Event ids this process is handling right now (PostgreSQL adds a lock across processes)."""

    def __init__(self) -> None:
        self._held: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def claim(self, conversation_id: str, event_id: str | None) -> Iterator[None]:
        """Hold the event id while the body runs; EventInFlight if it is held already."""
        key = (conversation_id, event_id or "")
        if event_id is None:
            yield
            return
        with self._lock:
            if key in self._held:
                raise _in_flight(event_id)
            self._held.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._held.discard(key)


class Handler:
    """Handles events for conversations against the live policy."""

    def __init__(self, sessions: sessionmaker[Session], book: PolicyBook) -> None:
        self.sessions = sessions
        self.book = book
        self.inflight = InFlight()

    def handle(self, conversation_id: str, raw: dict, event: CoreEvent, now: datetime) -> Outcome:
        """Handle a parsed event (`raw` as received) in one transaction; retried once on a race."""
        with self.inflight.claim(conversation_id, event.event_id):
            for attempt in range(2):
                try:
                    with self.sessions() as session, writing(session):
                        return self._handle(session, conversation_id, raw, event, now)
                except IntegrityError:
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def _handle(
        self, session: Session, conversation_id: str, raw: dict, event: CoreEvent, now: datetime
    ) -> Outcome:
        policy = self.book.live(session)
        conversation = lock_conversation(session, conversation_id, now)
        digest = body_sha256(raw)
        if event.event_id is not None:
            if not try_lock_event_id(session, conversation_id, event.event_id):
                raise _in_flight(event.event_id)
            stored = find_event(session, conversation_id, event.event_id)
            if stored is not None:
                return _replay(session, stored, digest)
        state = load_state(conversation.state)
        seq = state.events
        apply_event(policy, state, event)
        handoff = handoff_of(session, conversation_id)
        decided = opened = handoff is None
        if handoff is None:
            decision = _decide(session, policy, state, event.at, seq)
            row = _store_decision(session, conversation_id, seq, decision, policy, now)
            opened = decision.action == "handoff"
            if opened:
                handoff = open_handoff(session, conversation_id, row, decision, now)
        else:
            row = get_decision(session, handoff.decision_id)
            if event.type == "message" and event.data["role"] == "agent":
                record_response(handoff, now)
        _store_event(session, conversation, state, event, raw, digest, seq, row, now)
        return Outcome(row.body, handoff, seq, decided=decided, opened=opened)


def _in_flight(event_id: str) -> EventInFlight:
    return EventInFlight(f"event '{event_id}' is being handled right now: retry", field="event_id")


def _replay(session: Session, stored: Event, digest: str) -> Outcome:
    if stored.body_sha256 != digest:
        raise EventMismatch(
            f"event_id '{stored.event_id}' was already used with a different body", field="event_id"
        )
    decision = get_decision(session, stored.decision_id)
    handoff = handoff_of(session, stored.conversation_id)
    return Outcome(decision.body, handoff, stored.seq, replayed=True)


def _decide(
    session: Session, policy: Policy, state: ConversationState, at: datetime, seq: int
) -> CoreDecision:
    decision = evaluate(policy, state, RosterState(), at, seq)
    if decision.action != "handoff":
        return decision
    if decision.assignment:
        lock_team(session, decision.assignment["team"])
    return evaluate(policy, state, roster_state(session), at, seq)


def _store_decision(
    session: Session,
    conversation_id: str,
    seq: int,
    decision: CoreDecision,
    policy: Policy,
    now: datetime,
) -> Decision:
    row = Decision(
        conversation_id=conversation_id,
        event_seq=seq,
        action=decision.action,
        mode=decision.mode,
        policy_version=policy.version,
        body=decision.to_dict(),
        created_at=now,
    )
    add(session, row)
    return row


def _store_event(
    session: Session,
    conversation: Conversation,
    state: ConversationState,
    event: CoreEvent,
    raw: dict,
    digest: str,
    seq: int,
    decision: Decision,
    now: datetime,
) -> None:
    conversation.state = state.to_dict()
    conversation.event_count = state.events
    conversation.updated_at = now
    conversation.last_decision_id = decision.id
    session.add(
        Event(
            conversation_id=conversation.id,
            seq=seq,
            event_id=event.event_id,
            body_sha256=digest,
            body=event.to_dict(),
            at=event.at,
            received_at=now,
            decision_id=decision.id,
        )
    )


def open_handoff(
    session: Session, conversation_id: str, row: Decision, decision: CoreDecision, now: datetime
) -> Handoff:
    """Create the conversation's handoff from its decision; offer it to the rep chosen."""
    assignment = decision.assignment or {}
    route = decision.route or {}
    handoff = Handoff(
        conversation_id=conversation_id,
        decision_id=row.id,
        status="queued",
        mode=decision.mode,
        team=assignment.get("team") or route.get("team"),
        rep=None,
        priority=decision.priority or "normal",
        route=route.get("id"),
        reassignments=0,
        log=[{"at": now.isoformat(), "what": "created", "mode": decision.mode}],
        created_at=now,
    )
    add(session, handoff)
    if decision.rep:
        lock_team(session, handoff.team).last_rep = decision.rep
        offer(handoff, decision.rep, now, "assigned by the decision")
    return handoff


def offer(handoff: Handoff, rep: str, now: datetime, why: str) -> None:
    """Offer the handoff to `rep`: the one place a handoff's side effects are written."""
    handoff.rep = rep
    handoff.status = "offered"
    handoff.offered_at = now
    log(handoff, now, "offered", rep=rep, why=why)


def record_response(handoff: Handoff, now: datetime) -> None:
    """Note the rep's first response (later ones change nothing)."""
    if handoff.first_response_at is None:
        handoff.first_response_at = now
        log(handoff, now, "first_response")


def log(handoff: Handoff, now: datetime, what: str, **details: Any) -> None:
    """Append an entry to the handoff's history."""
    entry = {"at": now.isoformat(), "what": what, **{k: v for k, v in details.items() if v}}
    handoff.log = [*handoff.log, entry]
