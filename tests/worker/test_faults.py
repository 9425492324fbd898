"""Fault tests: a target down for a day, a hanging target, two workers at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from handoff import lifecycle
from handoff.db.engine import writing
from handoff.db.outbox_models import DeliveryRow
from handoff.targets import Targets
from handoff.worker import Worker
from outbox.support import Receiver, add_nurtures, ask_for_human

from .conftest import wait_for


def statuses(sessions) -> dict[str, int]:
    with sessions() as session:
        query = select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        return dict(session.execute(query).all())


def test_a_target_down_for_22_hours_gets_everything_once(sessions, handler, clock, receiver):
    keys = [f"{k}:webhook" for k in add_nurtures(sessions, 20, clock.now)]
    handoff = ask_for_human(handler, "c1", clock.now).handoff
    with sessions() as session, writing(session):
        lifecycle.accept(session, handoff.id, clock.now)
    keys += [f"h{handoff.id}:lead:webhook", f"h{handoff.id}:r0:a:notify:webhook"]
    worker = Worker(sessions, Targets([receiver.target()]), clock=clock)
    receiver.status = 503
    recovers = clock.now + timedelta(hours=22)
    while clock.now < recovers + timedelta(hours=14):
        worker.run_until_idle()
        clock.advance(minutes=15)
        if clock.now >= recovers:
            receiver.status = 200
    worker.stop()
    assert sorted(receiver.raw) == sorted(keys)
    assert set(receiver.raw.values()) == {1}
    assert statuses(sessions) == {"delivered": len(keys)}
    with sessions() as session:
        assert set(session.scalars(select(DeliveryRow.attempts))) == {8}
    lead = receiver.bodies[f"h{handoff.id}:lead:webhook"]
    assert lead["type"] == "handoff.lead" and lead["data"]["rep"]["id"] == "a"
    assert receiver.bodies[f"h{handoff.id}:r0:a:notify:webhook"]["data"]["recipient"]["id"] == "a"


def test_a_4xx_parks_at_once_and_a_429_waits_for_retry_after(sessions, clock, receiver):
    add_nurtures(sessions, 2, clock.now)
    worker = Worker(sessions, Targets([receiver.target()]), clock=clock)
    receiver.status, receiver.retry_after = 429, "3600"
    worker.run_until_idle()
    with sessions() as session:
        due = set(session.scalars(select(DeliveryRow.due_at)))
    assert due == {clock.now + timedelta(hours=1)}
    receiver.status = 410
    clock.advance(hours=1)
    worker.run_until_idle()
    assert statuses(sessions) == {"dead": 2}
    with sessions() as session:
        errors = set(session.scalars(select(DeliveryRow.last_error)))
    assert errors == {"attempt 2: webhook: HTTP 410 unavailable"}


def test_a_hanging_target_does_not_hold_up_the_others(sessions, threaded_server):
    hanging = Receiver(threaded_server, "/hang", delay=30)
    fine = Receiver(threaded_server, "/fine")
    add_nurtures(sessions, 12, datetime.now(UTC))
    targets = Targets([hanging.target("slow", timeout=1.0), fine.target("fast")])
    worker = Worker(sessions, targets, concurrency=4, per_target=2, poll=0.05)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        wait_for(lambda: len(fine.raw) == 12, seconds=10)
        wait_for(lambda: statuses(sessions).get("delivered") == 12, seconds=5)
        wait_for(lambda: slow_errors(sessions), seconds=5)
    finally:
        worker.stop()
        hanging.release.set()
        thread.join(10)
    assert set(fine.raw.values()) == {1}
    assert all(e.endswith("webhook: ReadTimeout") for e in slow_errors(sessions))


def slow_errors(sessions) -> list[str]:
    with sessions() as session:
        query = select(DeliveryRow.last_error).where(DeliveryRow.target == "slow")
        return [e for e in session.scalars(query) if e]


def test_two_workers_never_deliver_a_row_twice(sessions, engine, threaded_server):
    receiver = Receiver(threaded_server, "/hook")
    add_nurtures(sessions, 60, datetime.now(UTC))
    targets = Targets([receiver.target()])
    workers = [
        Worker(sessions, targets, concurrency=4, per_target=4, poll=0.02, name=f"w{i}")
        for i in range(2)
    ]
    threads = [threading.Thread(target=w.run) for w in workers]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: statuses(sessions).get("delivered") == 60, seconds=20)
    finally:
        for w in workers:
            w.stop()
        for thread in threads:
            thread.join(10)
    assert len(receiver.raw) == 60 and set(receiver.raw.values()) == {1}
