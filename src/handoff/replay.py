"""Backtest: replay stored conversations through a draft and through the policies that decided them.

Conversations stream from the store in id order, in batches (`yield_per`), each event folded
into two states: one by the policy version that decided it, one by the draft. Each side's
decision is CONTRACT §3 step 8 (the first handoff, else the decision after the last event).
A handoff is decided with the roster stored with the handoff decision at that event; where
there is none the roster is approximated and counted (docs/backtest.md). Memory stays
constant: one conversation at a time, counters bounded by the policies' ids, a few samples.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from handoff.core.assignment import RosterState
from handoff.core.compiled import Policy
from handoff.core.decision import Decision
from handoff.core.engine import assess, could_hand_off, evaluate
from handoff.core.events import Event, EventError
from handoff.core.facts import Reading, read_lazily
from handoff.core.state import ConversationState, apply_event
from handoff.db.models import Conversation
from handoff.db.models import Decision as DecisionRow
from handoff.db.models import Event as EventRow
from handoff.db.roster import roster_state
from handoff.policy_store import PolicyBook
from handoff.recording import roster_from_snapshot
from handoff.replay_summary import Outcome, Summary, changed_aspects

BATCH = 2000
_E, _D, _C = EventRow.__table__.c, DecisionRow.__table__.c, Conversation.__table__.c
_COMMON = ("type", "at", "event_id")


class SharedExtractor:
    """An extractor whose answers for the current conversation are shared by both policies."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._readings: dict[tuple, Reading] = {}
        self._topics: dict[str, str | None] = {}

    def reading(
        self, text: str, *, at: datetime, asked: str | None = None, question: str | None = None
    ) -> Reading:
        """The inner extractor's lazy reading, one per (text, time, question)."""
        key = (text, at, asked, question)
        found = self._readings.get(key)
        if found is None:
            found = self._readings[key] = read_lazily(self.inner, text, at, asked, question)
        return found

    def facts(self, text: str, *, at: datetime, asked: str | None = None) -> list:
        """The inner extractor's facts, read once per (text, time, question)."""
        reading = self.reading(text, at=at, asked=asked)
        found = [f for name in reading.names for f in reading.of(name)]
        return sorted(found, key=lambda f: (f.start, f.end))

    def topic(self, text: str) -> str | None:
        """The inner extractor's topic, computed once per text."""
        if text not in self._topics:
            self._topics[text] = self.inner.topic(text)
        return self._topics[text]

    def clear(self) -> None:
        """Forget the answers (between conversations)."""
        self._readings.clear()
        self._topics.clear()


class Replayer:
    """Decides stored conversations through the draft and through their own policy versions."""

    def __init__(self, session: Session, draft: Policy) -> None:
        self.session = session
        self._extractors: dict[tuple, SharedExtractor] = {}
        self.draft = self._shared(draft)
        self._book = PolicyBook()
        self._versions: dict[int, Policy] = {}
        current = roster_state(session)
        self.fallback = RosterState(reps=current.reps)
        self._reps: dict[str, Any] = {}

    def _shared(self, policy: Policy) -> Policy:
        model = policy.model
        key = (type(policy.extractor), model.currency, tuple(sorted(dict(model.rates).items())))
        shared = self._extractors.setdefault(key, SharedExtractor(policy.extractor))
        return dataclasses.replace(policy, extractor=shared)

    def version(self, number: int) -> Policy:
        """A published version, compiled once, sharing extraction with the draft."""
        policy = self._versions.get(number)
        if policy is None:
            policy = self._versions[number] = self._shared(self._book.version(self.session, number))
        return policy

    def versions_used(self) -> list[int]:
        """The published versions the stored decisions were made by, so far."""
        return sorted(self._versions)

    def roster(self, snapshot: dict | None) -> RosterState:
        """The roster a stored snapshot describes (its reps parsed once per distinct list)."""
        reps_key = repr(snapshot.get("reps"))
        reps = self._reps.get(reps_key)
        roster = roster_from_snapshot(snapshot, reps)
        self._reps.setdefault(reps_key, roster.reps)
        return roster

    def decide(self, rows: list, full: bool = False) -> tuple[Side, Side, int]:
        """Both sides' decisions of one conversation, and the events the draft would reject.

        Without `full`, a side that never hands off is only assessed (no trace is built).
        """
        for shared in self._extractors.values():
            shared.clear()
        own = next((r.roster for r in rows if r.roster), None)
        sides = (Side(), Side())
        rejected = 0
        for index, row in enumerate(rows):
            event = to_event(row)
            policies = (self.version(row.policy_version), self.draft)
            for side, policy in zip(sides, policies, strict=True):
                if side.decision is not None:
                    continue
                side.policy = policy
                try:
                    apply_event(policy, side.state, event)
                except EventError:
                    rejected += side is sides[1]
                    continue
                if could_hand_off(policy, side.state) and (
                    assess(policy, side.state, trace=False).action == "handoff"
                ):
                    snapshot = row.roster or own
                    side.approximated = row.roster is None
                    roster = self.roster(snapshot) if snapshot else self.fallback
                    side.decision = evaluate(policy, side.state, roster, event.at, index)
            if sides[0].decision and sides[1].decision:
                break
        for side in sides:
            side.finish(to_event(rows[-1]).at, len(rows) - 1, full)
        return sides[0], sides[1], rejected


@dataclasses.dataclass
class Side:
    """One policy's pass over a conversation: its state, its decision and how it was made."""

    state: ConversationState = dataclasses.field(default_factory=ConversationState)
    policy: Policy | None = None
    decision: Decision | None = None
    outcome: Outcome | None = None
    approximated: bool = False

    def finish(self, last: datetime, index: int, full: bool) -> None:
        """Settle the outcome: the handoff, else the decision after the last event."""
        if self.decision is None and not full:
            outcome = Outcome.assessed(self.policy, self.state, index)
            self.outcome = outcome if outcome.action != "handoff" else None
        if self.outcome is None:
            if self.decision is None:
                self.decision = evaluate(self.policy, self.state, RosterState(), last, index)
            self.outcome = Outcome.of(self.decision)


def to_event(row: Any) -> Event:
    """A stored event as the core's Event (stored bodies were checked when received)."""
    body = row.body
    return Event(body["type"], row.at, {k: v for k, v in body.items() if k not in _COMMON})


def event_rows(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    conversation_id: str | None = None,
    batch: int = BATCH,
) -> Iterator[list]:
    """Each conversation's stored events in id order, with their policy version and roster."""
    roster = case((_D.event_seq == _E.seq, _D.roster), else_=None).label("roster")
    query = (
        select(_E.conversation_id, _E.seq, _E.at, _E.body, _D.policy_version, roster)
        .join(DecisionRow.__table__, _D.id == _E.decision_id)
        .order_by(_E.conversation_id, _E.seq)
    )
    if since is not None or until is not None:
        query = query.join(Conversation.__table__, _C.id == _E.conversation_id)
        query = query.where(*_range(since, until))
    if conversation_id is not None:
        query = query.where(_E.conversation_id == conversation_id)
    result = session.execute(query.execution_options(yield_per=batch))
    for _, rows in groupby(result, key=lambda r: r.conversation_id):
        yield list(rows)


def _range(since: datetime | None, until: datetime | None) -> list:
    where = []
    if since is not None:
        where.append(_C.created_at >= since)
    if until is not None:
        where.append(_C.created_at < until)
    return where


def count_conversations(session: Session, since=None, until=None) -> int:
    """How many stored conversations a replay over the range will see."""
    return session.execute(
        select(func.count()).select_from(Conversation).where(*_range(since, until))
    ).scalar_one()


def since_last(session: Session, last: int) -> datetime | None:
    """The creation time of the `last`-th newest conversation (None: fewer are stored)."""
    query = select(_C.created_at).order_by(_C.created_at.desc()).offset(last - 1).limit(1)
    return session.execute(query).scalar()


def replay(
    session: Session,
    draft: Policy,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    samples: int = 50,
    on_change: Callable[[dict[str, Any]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Replay every stored conversation created in [since, until); the summary of what changes."""
    replayer = Replayer(session, draft)
    summary = Summary(draft=draft.identity(), since=since, until=until, keep=samples)
    started = time.perf_counter()
    for rows in event_rows(session, since, until):
        old, new, rejected = replayer.decide(rows)
        change = summary.add(rows[0].conversation_id, len(rows), old, new, rejected)
        if change is not None and on_change is not None:
            on_change(change)
        if on_progress is not None:
            on_progress(summary.conversations, summary.events)
    summary.seconds = time.perf_counter() - started
    summary.versions = replayer.versions_used()
    return summary


def replay_one(session: Session, draft: Policy, conversation_id: str) -> dict[str, Any] | None:
    """One conversation's old and new decisions in full (None: no such conversation)."""
    for rows in event_rows(session, conversation_id=conversation_id):
        old, new, rejected = Replayer(session, draft).decide(rows, full=True)
        return {
            "conversation_id": conversation_id,
            "events": len(rows),
            "changed": changed_aspects(old.outcome, new.outcome),
            "old": old.decision.to_dict(),
            "new": new.decision.to_dict(),
            "approximated": {"old": old.approximated, "new": new.approximated},
            "rejected_events": rejected,
        }
    return None
