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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session, sessionmaker

from handoff import effects
from handoff.core.assignment import RosterState
from handoff.core.compiled import Policy
from handoff.core.decision import Decision as CoreDecision
from handoff.core.engine import evaluate
from handoff.core.events import Event as CoreEvent
from handoff.core.state import ConversationState, apply_event
from handoff.db.conversations import (
    Locked,
    add,
    decision_body,
    insert_decision,
    lock_conversation,
    store_event,
)
from handoff.db.engine import on_engine, writing_connection
from handoff.db.handoffs import get_handoff
from handoff.db.models import Handoff
from handoff.db.roster import lock_team, roster_state
from handoff.errors import EventInFlight, EventMismatch
from handoff.policy_store import PolicyBook
from handoff.recording import business_seconds, decision_columns, handoff_columns


def body_sha256(raw: dict[str, Any]) -> str:
    """The hash that recognises a retried event: its JSON with sorted keys."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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
    """Event ids this process is handling right now.

    Across processes the conversation's row lock queues a retry behind the first copy,
    and the retry then answers the stored decision.
    """

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


class _Work:
    """One event's transaction: its connection, and an ORM session joined to it on demand."""

    def __init__(self, conn: Connection, sessions: sessionmaker[Session]) -> None:
        self.conn = conn
        self._sessions = sessions
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The session joined to the connection (made on first use)."""
        if self._session is None:
            self._session = self._sessions(bind=self.conn)
        return self._session

    def __enter__(self) -> _Work:
        return self

    def __exit__(self, kind, *_) -> None:
        if self._session is not None:
            try:
                if kind is None:
                    self._session.flush()
            finally:
                self._session.close()


class Handler:
    """Handles events for conversations against the live policy."""

    def __init__(self, sessions: sessionmaker[Session], book: PolicyBook) -> None:
        self.sessions = sessions
        self.book = book
        self.inflight = InFlight()
        self._policies: dict[int, Policy] = {}

    def handle(
        self, conversation_id: str, raw: dict, event: CoreEvent, now: datetime, wait: bool = True
    ) -> Outcome:
        """Handle a parsed event (`raw` as received) in one transaction; retried once on a race.

        The transaction is a Core connection's; the ORM work of a handoff, a nurture or a
        replay runs in a session joined to it (made when first needed, flushed before the
        commit). With `wait` false, a SQLite store whose writer is taken raises Busy before
        anything is done.
        """
        with self.inflight.claim(conversation_id, event.event_id):
            for attempt in range(2):
                try:
                    with (
                        writing_connection(self.sessions.kw["bind"], wait) as conn,
                        _Work(conn, self.sessions) as work,
                    ):
                        return self._handle(work, conversation_id, raw, event, now)
                except IntegrityError:
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def _policy(self, work: _Work, version: int | None) -> Policy:
        policy = self._policies.get(version)
        if policy is None:
            with on_engine(work.session) as keyed:
                policy = self._policies[version] = self.book.version(keyed, version)
        return policy

    def _handle(
        self, work: _Work, conversation_id: str, raw: dict, event: CoreEvent, now: datetime
    ) -> Outcome:
        conn = work.conn
        conversation = lock_conversation(conn, conversation_id, event.event_id, now)
        policy = self._policy(work, conversation.live)
        digest = body_sha256(raw)
        if conversation.stored_seq is not None:
            return _replay(work.session, conversation, digest)
        state = ConversationState.from_dict(conversation.state)
        seq = state.events
        apply_event(policy, state, event)
        segment, qualified = conversation.segment, conversation.qualified
        if conversation.handoff_id is None:
            handoff, decision, body, columns = self._decide(
                work, conversation_id, state, event, policy, now
            )
            segment, qualified = columns["segment"], columns["qualified"] or bool(qualified)
        else:
            agent = event.type == "message" and event.data["role"] == "agent"
            handoff = get_handoff(work.session, conversation.handoff_id, lock=agent)
            decision, body = handoff.decision_id, decision_body(conn, handoff.decision_id)
            if agent:
                record_response(handoff, now)
        store_event(
            conn,
            conversation_id,
            {
                "state": state.to_dict(),
                "event_count": state.events,
                "handoff_id": handoff.id if handoff else None,
                "updated_at": now,
                "segment": segment,
                "qualified": qualified,
            },
            {
                "conversation_id": conversation_id,
                "seq": seq,
                "event_id": event.event_id,
                "body_sha256": digest,
                "body": event.to_dict(),
                "at": event.at,
                "received_at": now,
            },
            decision,
        )
        decided = conversation.handoff_id is None
        opened = decided and handoff is not None
        return Outcome(body, handoff, seq, decided=decided, opened=opened)

    def _decide(
        self,
        work: _Work,
        conversation_id: str,
        state: ConversationState,
        event: CoreEvent,
        policy: Policy,
        now: datetime,
    ) -> tuple[Handoff | None, int | dict[str, Any], dict[str, Any], dict[str, Any]]:
        """Decide; (the handoff opened, the decision, its body, its columns).

        The decision comes back as its row, stored with the event (db store_event), unless
        opening a handoff or nurturing needs its id now: then stored here, and its id.
        """
        seq = state.events - 1
        decision, roster = evaluate(policy, state, RosterState(), event.at, seq), None
        if decision.action == "handoff":
            if decision.assignment:
                lock_team(work.session, decision.assignment["team"])
            roster = roster_state(work.session)
            decision = evaluate(policy, state, roster, event.at, seq)
        body = decision.to_dict()
        columns = decision_columns(decision, roster)
        row = {
            "conversation_id": conversation_id,
            "event_seq": seq,
            "action": decision.action,
            "mode": decision.mode,
            "policy_version": policy.version,
            "body": body,
            "created_at": now,
            **columns,
        }
        if decision.action not in ("handoff", "nurture"):
            return None, row, body, columns
        decision_id = insert_decision(work.conn, row)
        handoff = None
        if decision.action == "handoff":
            handoff = open_handoff(work.session, conversation_id, decision_id, decision, now)
        else:
            effects.nurtured(work.session, conversation_id, decision, now)
        return handoff, decision_id, body, columns


def _in_flight(event_id: str) -> EventInFlight:
    return EventInFlight(f"event '{event_id}' is being handled right now: retry", field="event_id")


def _replay(session: Session, conversation: Locked, digest: str) -> Outcome:
    if conversation.stored_sha256 != digest:
        raise EventMismatch(
            "this event_id was already used with a different body", field="event_id"
        )
    body = decision_body(session, conversation.stored_decision_id)
    handoff = session.get(Handoff, conversation.handoff_id) if conversation.handoff_id else None
    return Outcome(body, handoff, conversation.stored_seq, replayed=True)


def open_handoff(
    session: Session, conversation_id: str, decision_id: int, decision: CoreDecision, now: datetime
) -> Handoff:
    """Create the conversation's handoff from its decision; offer it to the rep chosen."""
    assignment = decision.assignment or {}
    route = decision.route or {}
    handoff = Handoff(
        conversation_id=conversation_id,
        decision_id=decision_id,
        status="queued",
        mode=decision.mode,
        team=assignment.get("team") or route.get("team"),
        rep=None,
        priority=decision.priority or "normal",
        route=route.get("id"),
        reassignments=0,
        log=[{"at": now.isoformat(), "what": "created", "mode": decision.mode}],
        created_at=now,
        **handoff_columns(decision),
    )
    add(session, handoff)
    effects.handoff_opened(session, handoff, decision, now)
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
    effects.offered(object_session(handoff), handoff, rep, now)


def record_response(handoff: Handoff, now: datetime) -> None:
    """Note the rep's first response (later ones change nothing)."""
    if handoff.first_response_at is None:
        handoff.first_response_at = now
        handoff.response_seconds = (now - handoff.created_at).total_seconds()
        handoff.response_business_seconds = business_seconds(handoff, now)
        log(handoff, now, "first_response")


def log(handoff: Handoff, now: datetime, what: str, **details: Any) -> None:
    """Append an entry to the handoff's history."""
    entry = {"at": now.isoformat(), "what": what, **{k: v for k, v in details.items() if v}}
    handoff.log = [*handoff.log, entry]
