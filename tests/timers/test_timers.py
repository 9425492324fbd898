"""Timers driven by a clock: SLA re-offers and escalation, releases at the opening, follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handoff import lifecycle
from handoff.db.engine import writing
from handoff.db.handoffs import get_handoff
from handoff.db.outbox_models import OutboxEntry, Timer
from handoff.targets import Targets
from handoff.worker import Worker
from outbox.support import ask_for_human, send


@pytest.fixture
def worker(sessions, clock):
    work = Worker(sessions, Targets([]), clock=clock)
    yield work
    work.stop()


def handoff_now(sessions, handoff_id):
    with sessions() as session:
        return get_handoff(session, handoff_id)


def notices(sessions, handoff_id) -> list[dict]:
    with sessions() as session:
        query = select(OutboxEntry).where(
            OutboxEntry.handoff_id == handoff_id, OutboxEntry.kind == "notify"
        )
        return [e.payload["recipient"] for e in session.scalars(query.order_by(OutboxEntry.id))]


def test_an_unaccepted_handoff_is_offered_on_then_escalated(sessions, handler, clock, worker):
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    clock.advance(minutes=9, seconds=59)
    assert worker.fire_timers(clock.now) == 0
    reps = []
    for _ in range(3):
        clock.advance(minutes=10)
        assert worker.fire_timers(clock.now) == 1
        now = handoff_now(sessions, handoff.id)
        reps.append((now.status, now.rep))
    assert reps == [("offered", "b"), ("offered", "c"), ("queued", None)]
    log = [e for e in now.log if e["what"] in ("sla_expired", "reassigned", "escalated")]
    assert [(e["what"], e.get("rep")) for e in log] == [
        ("sla_expired", "a"),
        ("reassigned", "b"),
        ("sla_expired", "b"),
        ("reassigned", "c"),
        ("sla_expired", "c"),
        ("escalated", None),
    ]
    assert log[1]["reason"] == "SLA: not accepted by a within 10m"
    assert log[-1]["reason"] == "not accepted by c within 10m; reassign limit 2 reached"
    assert log[-1]["contact"] == "manager@acme.example"
    assert notices(sessions, handoff.id) == [
        {"role": "rep", "id": "a"},
        {"role": "rep", "id": "b"},
        {"role": "rep", "id": "c"},
        {"role": "manager", "email": "manager@acme.example"},
    ]
    assert now.reassignments == 2
    clock.advance(hours=1)
    assert worker.fire_timers(clock.now) == 0


def test_never_back_to_a_rep_already_tried(sessions, handler, clock, worker):
    with sessions() as session, writing(session):
        for rep in ("c", "d"):
            lifecycle.get_rep(session, rep).availability = "away"
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    clock.advance(minutes=10)
    worker.fire_timers(clock.now)
    assert handoff_now(sessions, handoff.id).rep == "b"
    clock.advance(minutes=10)
    worker.fire_timers(clock.now)
    after = handoff_now(sessions, handoff.id)
    assert (after.status, after.rep) == ("queued", None)
    assert after.log[-1]["reason"] == "not accepted by b within 10m; no other candidate"


def test_an_accepted_handoff_is_left_alone(sessions, handler, clock, worker):
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    with sessions() as session, writing(session):
        lifecycle.accept(session, handoff.id, clock.advance(minutes=5))
    clock.advance(hours=2)
    assert worker.fire_timers(clock.now) == 0
    assert handoff_now(sessions, handoff.id).rep == "a"


def test_the_sla_waits_for_business_hours(sessions, handler, clock, worker):
    clock.now = datetime(2026, 3, 3, 22, 25, tzinfo=UTC)  # Tuesday 17:25 in New York
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    clock.now = datetime(2026, 3, 4, 14, 4, tzinfo=UTC)  # Wednesday 09:04
    assert worker.fire_timers(clock.now) == 0
    clock.advance(minutes=1)
    assert worker.fire_timers(clock.now) == 1
    assert handoff_now(sessions, handoff.id).rep == "b"


@pytest.mark.parametrize(
    ("asked", "opens"),
    [
        # Wednesday evening before Thanksgiving (Thu 2026-11-26): Friday 09:00 EST.
        (datetime(2026, 11, 25, 23, 0, tzinfo=UTC), datetime(2026, 11, 27, 14, 0, tzinfo=UTC)),
        # Christmas Eve evening: Christmas (Friday), the weekend, then Monday 09:00 EST.
        (datetime(2026, 12, 24, 23, 0, tzinfo=UTC), datetime(2026, 12, 28, 14, 0, tzinfo=UTC)),
    ],
)
def test_after_hours_handoffs_are_released_at_the_next_opening(
    sessions, handler, clock, worker, asked, opens
):
    clock.now = asked
    low = ask_for_human(handler, "c1", asked, company="Night Owls").handoff
    high = ask_for_human(handler, "c2", asked + timedelta(minutes=5)).handoff
    assert (low.mode, low.priority) == ("next_business_day", "normal")
    assert (high.mode, high.priority) == ("after_hours_notify", "high")
    while clock.now + timedelta(hours=3) < opens:  # the holiday's business hours included
        clock.advance(hours=3)
        assert worker.fire_timers(clock.now) == 0
    clock.now = opens - timedelta(seconds=1)
    assert worker.fire_timers(clock.now) == 0
    clock.now = opens
    assert worker.fire_timers(clock.now) == 2
    first, second = handoff_now(sessions, high.id), handoff_now(sessions, low.id)
    assert (first.status, first.rep, first.mode, first.priority) == ("offered", "a", "live", "high")
    assert (second.status, second.rep, second.offered_at) == ("offered", "a", opens)
    assert first.log[-2]["what"] == "released"
    with sessions() as session:
        sla = session.execute(
            select(Timer).where(Timer.handoff_id == high.id, Timer.kind == "sla")
        ).scalar_one()
    assert sla.due_at == opens + timedelta(minutes=10)


def test_a_nurture_follow_up_falls_due_for_the_bot(sessions, handler, clock, worker):
    slots = {"type": "slots", "values": {"budget": 5000, "timeline_days": 400}}
    send(handler, "c1", slots, clock.now)
    send(handler, "c2", slots, clock.now)
    taken = ask_for_human(handler, "c2", clock.now).handoff
    with sessions() as session, writing(session):
        lifecycle.accept(session, taken.id, clock.now)
    clock.advance(days=2)
    assert worker.fire_timers(clock.now) == 2
    with sessions() as session:
        query = select(OutboxEntry.key, OutboxEntry.payload).where(OutboxEntry.kind == "nurture")
        found = {key: payload for key, payload in session.execute(query)}
        query = select(Timer.conversation_id, Timer.outcome).where(Timer.kind == "follow_up")
        outcomes = dict(session.execute(query).all())
    follow_up = found["c:c1:nurture:later:follow_up"]
    assert follow_up["event"] == "follow_up" and follow_up["nurture"]["id"] == "later"
    assert "c:c2:nurture:later:follow_up" not in found
    assert outcomes["c2"].startswith("moot")


def test_a_queued_handoff_goes_to_the_first_rep_who_frees_up(sessions, handler, clock, worker):
    with sessions() as session, writing(session):
        for rep in ("a", "b", "c", "d"):
            lifecycle.get_rep(session, rep).availability = "away"
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    assert handoff_now(sessions, handoff.id).status == "queued"
    clock.advance(minutes=1)
    assert worker.fire_timers(clock.now) == 1
    assert handoff_now(sessions, handoff.id).status == "queued"
    with sessions() as session, writing(session):
        lifecycle.get_rep(session, "c").availability = "online"
    clock.advance(minutes=1)
    assert worker.fire_timers(clock.now) == 1
    now = handoff_now(sessions, handoff.id)
    assert (now.status, now.rep) == ("offered", "c")
    assert notices(sessions, handoff.id) == [{"role": "rep", "id": "c"}]
    clock.advance(minutes=5)
    assert worker.fire_timers(clock.now) == 0
