"""A hand-made week of conversations and handoffs (see test_metrics.py for the figures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from handoff.db.models import Conversation, Decision, Handoff, PolicyVersion
from handoff.db.outbox_models import DeliveryRow, OutboxEntry

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# conversation: (created, last segment, ever qualified, last qualified, handoff)
# handoff: (route, team, rep, rule, after_hours, status, outcome, reassigned,
#           accept s, response s, accept business s, response business s)
HANDOFFS = {
    "c1": ("enterprise-east", "enterprise-east", "jane", "qualified", False,
           "closed", "won", 0, 60, 120, 60, 120),
    "c2": ("enterprise-default", "enterprise", "li", "qualified", False,
           "closed", "lost", 1, 300, 600, 300, 600),
    "c3": ("default", "sales", "ana", "asks_for_human", False,
           "closed", "wrong_route", 0, 900, 1200, 900, 1200),
    "c4": ("default", "sales", "ana", "asks_for_human", True,
           "closed", "not_qualified", 0, 36000, 37800, 1800, 3600),
    "c5": ("emea", "emea", "tom", "qualified", False,
           "accepted", None, 0, 120, None, 120, None),
    "c6": ("default", "sales", None, "qualified", False,
           "queued", None, 0, None, None, None, None),
    "c7": ("enterprise-default", "on-call", "kai", "qualified", True,
           "closed", "won", 0, 7200, 7260, 0, 0),
    "c10": ("default", "sales", "ana", "qualified", False,
            "closed", "won", 0, 60, 60, 60, 60),
}  # fmt: skip
CONVERSATIONS = {
    "c1": ("2026-03-02T15:00:00", "enterprise", True, True),
    "c2": ("2026-03-02T16:00:00", "enterprise", True, True),
    "c3": ("2026-03-03T15:00:00", "smb", False, False),
    "c4": ("2026-03-03T23:00:00", "smb", False, False),
    "c5": ("2026-03-04T15:00:00", "smb", True, True),
    "c6": ("2026-03-05T15:00:00", "smb", True, True),
    "c7": ("2026-03-07T12:00:00", "enterprise", True, True),
    "c8": ("2026-03-05T10:00:00", "smb", True, False),
    "c9": ("2026-03-06T10:00:00", None, False, False),
    "c10": ("2026-03-10T10:00:00", "smb", True, True),
}

# delivery of a handoff's lead: (conversation, target, status, last attempt due)
DELIVERIES = [
    ("c1", "crm", "delivered", "2026-03-02T15:00:05"),
    ("c1", "slack", "delivered", "2026-03-02T15:00:07"),
    ("c2", "crm", "dead", "2026-03-03T20:00:00"),  # parked after its retries
    ("c3", "crm", "delivered", "2026-03-03T15:00:05"),
    ("c4", "crm", "pending", "2026-03-04T01:00:00"),  # still retrying: not counted
    ("c5", "crm", "delivered", "2026-03-04T15:00:05"),
    ("c7", "crm", "dead", "2026-03-09T01:00:00"),  # settled after the range
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def seed(session: Session) -> None:
    """Write the hand-made data: decisions (two for c8), handoffs and their leads' deliveries."""
    session.execute(
        insert(PolicyVersion),
        [{"version": 1, "source": "", "sha256": "0" * 64, "comment": "", "created_at": T0}],
    )
    for i, (cid, (created, segment, ever, last)) in enumerate(CONVERSATIONS.items(), start=1):
        opened = _at(created)
        session.execute(
            insert(Conversation),
            [{"id": cid, "state": {}, "event_count": 2, "created_at": opened - timedelta(minutes=10),
              "updated_at": opened, "segment": segment, "qualified": ever}],
        )  # fmt: skip
        decisions = [(True, 0)] if ever and not last else []
        decisions.append((last, 1))
        action = "handoff" if cid in HANDOFFS else "qualify"
        last_id = None
        for qualified, seq in decisions:
            last_id = i * 10 + seq
            session.execute(
                insert(Decision),
                [{"id": last_id, "conversation_id": cid, "event_seq": seq,
                  "action": action if seq else "qualify", "mode": None, "policy_version": 1,
                  "body": {}, "created_at": opened, "qualified": qualified,
                  "segment": segment}],
            )  # fmt: skip
        if cid in HANDOFFS:
            _handoff(session, i, cid, last_id, segment, opened)
            _deliveries(session, i, cid, opened)
        session.execute(
            Conversation.__table__.update()
            .where(Conversation.id == cid)
            .values(last_decision_id=last_id, handoff_id=i if cid in HANDOFFS else None)
        )


def _handoff(session: Session, hid: int, cid: str, decision_id: int, segment: str,
             at: datetime) -> None:  # fmt: skip
    route, team, rep, rule, late, status, outcome, moved, acc, resp, acc_b, resp_b = HANDOFFS[cid]
    session.execute(
        insert(Handoff),
        [{"id": hid, "conversation_id": cid, "decision_id": decision_id, "status": status, "mode": "live",
          "team": team, "rep": rep, "priority": "normal", "route": route, "outcome": outcome,
          "reassignments": moved, "log": [], "created_at": at,
          "accepted_at": at + timedelta(seconds=acc) if acc is not None else None,
          "first_response_at": at + timedelta(seconds=resp) if resp is not None else None,
          "closed_at": at + timedelta(days=1) if status == "closed" else None,
          "segment": segment, "rule": rule, "after_hours": late,
          "accept_business_seconds": acc_b, "response_business_seconds": resp_b,
          "accept_seconds": acc, "response_seconds": resp}],
    )  # fmt: skip


def _deliveries(session: Session, hid: int, cid: str, at: datetime) -> None:
    session.execute(
        insert(OutboxEntry),
        [{"id": hid, "key": f"h{hid}:lead", "kind": "lead", "conversation_id": cid,
          "handoff_id": hid, "payload": {}, "created_at": at, "fanned_at": at}],
    )  # fmt: skip
    for c, target, status, due in DELIVERIES:
        if c == cid:
            session.execute(
                insert(DeliveryRow),
                [{"outbox_id": hid, "key": f"h{hid}:lead:{target}", "kind": "lead",
                  "target": target, "status": status, "attempts": 1, "due_at": _at(due),
                  "created_at": at, "updated_at": _at(due)}],
            )  # fmt: skip


@pytest.fixture
def week(engine) -> Session:
    """A session on a store holding the hand-made week."""
    with Session(engine) as session:
        with session.begin():
            seed(session)
        yield session


from api.conftest import api, settings  # noqa: E402, F401 - the API fixtures, reused
