"""Fan-out per target, claims with a lease, the retry schedule, parking and replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handoff import outbox
from handoff.db.engine import writing
from handoff.db.outbox_models import DeliveryRow
from handoff.integrations.base import Result
from handoff.outbox import SCHEDULE, backoff
from handoff.targets import Target, Targets
from outbox.support import TUESDAY, add_nurtures, ask_for_human

WEBHOOK = Target("webhook", "webhook", {}, ("lead", "notify", "nurture"))
CRM = Target("hubspot", "hubspot", {}, ("lead",))
NIGHT_SLACK = Target("night-slack", "slack", {}, ("notify",), ("night",))
TARGETS = Targets([WEBHOOK, CRM, NIGHT_SLACK])


def deliveries(sessions) -> list[DeliveryRow]:
    with sessions() as session:
        return list(session.execute(select(DeliveryRow).order_by(DeliveryRow.id)).scalars())


def fan_out(sessions, targets=TARGETS, now=TUESDAY) -> int:
    with sessions() as session, writing(session):
        return outbox.fan_out(session, targets, now)


def claim(sessions, worker="w1", now=TUESDAY, limit=100, lease=60, busy=frozenset()):
    with sessions() as session, writing(session):
        return outbox.claim(session, worker, now, limit, lease, busy)


def record(sessions, delivery_id, result, now=TUESDAY) -> str:
    with sessions() as session, writing(session):
        return outbox.record(session, delivery_id, result, now)


def test_each_side_effect_goes_to_every_target_serving_its_kind_and_team(sessions, handler):
    sales = ask_for_human(handler, "c1", TUESDAY).handoff
    night = ask_for_human(handler, "c2", TUESDAY, company="Night Owls").handoff
    assert fan_out(sessions) == 4 and fan_out(sessions) == 0
    got = {(d.key, d.target) for d in deliveries(sessions)}
    assert got == {
        (f"h{sales.id}:lead:hubspot", "hubspot"),
        (f"h{sales.id}:lead:webhook", "webhook"),
        (f"h{sales.id}:r0:a:notify:webhook", "webhook"),
        (f"h{night.id}:lead:hubspot", "hubspot"),
        (f"h{night.id}:lead:webhook", "webhook"),
        (f"h{night.id}:r0:a:notify:webhook", "webhook"),
        (f"h{night.id}:r0:a:notify:night-slack", "night-slack"),
    }


def test_a_claim_holds_for_its_lease_and_skips_busy_targets(sessions, handler):
    ask_for_human(handler, "c1", TUESDAY)
    fan_out(sessions)
    assert {c.target for c in claim(sessions, busy=frozenset({"webhook"}))} == {"hubspot"}
    first = claim(sessions, "w1")
    assert len(first) == 2 and claim(sessions, "w2") == []
    later = TUESDAY + timedelta(seconds=61)
    again = claim(sessions, "w2", now=later)
    assert {c.key for c in again} == {c.key for c in first} | {
        f"h{first[0].handoff_id}:lead:hubspot"
    }
    assert all(c.attempt == 1 for c in again)


def test_success_failure_and_parking_are_recorded(sessions):
    add_nurtures(sessions, 3, TUESDAY)
    fan_out(sessions)
    ok, flaky, refused = claim(sessions)
    assert record(sessions, ok.id, Result.success("webhook: 200", "x-1")) == "delivered"
    assert record(sessions, flaky.id, Result(False, "webhook: HTTP 503", retry=True)) == "pending"
    assert record(sessions, refused.id, Result(False, "webhook: HTTP 400 bad")) == "dead"
    rows = {d.id: d for d in deliveries(sessions)}
    assert (rows[ok.id].external_id, rows[ok.id].delivered_at) == ("x-1", TUESDAY)
    assert rows[flaky.id].attempts == 1 and rows[flaky.id].lease_until is None
    assert 4.5 <= (rows[flaky.id].due_at - TUESDAY).total_seconds() <= 5.5
    assert rows[refused.id].last_error == "attempt 1: webhook: HTTP 400 bad"
    assert record(sessions, ok.id, Result(False, "late", retry=True)) == "delivered"


def test_the_schedule_spans_about_a_day_then_parks():
    assert SCHEDULE == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert 27 * 3600 < sum(SCHEDULE) < 28 * 3600
    for failures, base in enumerate(SCHEDULE, start=1):
        delays = {backoff(failures) for _ in range(20)}
        assert all(base * 0.9 <= d <= base * 1.1 for d in delays) and len(delays) > 1
    assert backoff(len(SCHEDULE) + 1) is None


def test_retry_after_is_honoured_when_longer_than_the_schedule():
    assert backoff(1, retry_after=120) == 120
    assert backoff(3, retry_after=1) >= 1800 * 0.9
    assert backoff(1, retry_after=10**9) == 86400


def test_the_eighth_failure_parks_the_delivery(sessions):
    add_nurtures(sessions, 1, TUESDAY)
    fan_out(sessions)
    now = TUESDAY
    for attempt in range(1, len(SCHEDULE) + 2):
        (item,) = claim(sessions, now=now)
        assert item.attempt == attempt
        status = record(sessions, item.id, Result(False, "HTTP 503", retry=True), now)
        now = deliveries(sessions)[0].due_at
    assert status == "dead" and deliveries(sessions)[0].attempts == 8


def test_replay_makes_parked_deliveries_due_with_the_same_key(sessions):
    add_nurtures(sessions, 3, TUESDAY)
    fan_out(sessions)
    for item in claim(sessions):
        record(sessions, item.id, Result(False, "HTTP 410"))
    ids = [d.id for d in deliveries(sessions)]
    later = TUESDAY + timedelta(days=2)
    with sessions() as session, writing(session):
        assert outbox.replay(session, later, ids[:1]) == 1
    (again,) = claim(sessions, now=later)
    assert again.id == ids[0] and again.attempt == 1 and again.key == "c:n0:nurture:test:webhook"
    with sessions() as session, writing(session):
        assert outbox.replay(session, later, target="webhook") == 2
        assert outbox.replay(session, later) == 0


def test_targets_come_from_the_environment():
    env = {
        "HANDOFF_WEBHOOK_URL": "https://bot.example/hook",
        "HANDOFF_WEBHOOK_SECRET": "whsec_abc",
        "HANDOFF_WEBHOOK_KINDS": "nurture",
        "HANDOFF_HUBSPOT_ACCESS_TOKEN": "pat-1",
        "HANDOFF_PUBLIC_URL": "https://handoff.acme.example/",
        "HANDOFF_TARGETS": '{"emea-slack": {"integration": "slack", "teams": ["emea"],'
        ' "config": {"webhook_url": "https://hooks.slack.com/services/T/B/x"}}}',
    }
    targets = Targets.from_env(env)
    assert [t.name for t in targets.serving("nurture", None)] == ["webhook"]
    assert [t.name for t in targets.serving("lead", "sales")] == ["hubspot"]
    assert [t.name for t in targets.serving("notify", "emea")] == ["emea-slack"]
    assert targets.serving("notify", "sales") == []
    assert targets.public_url == "https://handoff.acme.example"
    assert "hooks.slack.com" not in repr(targets.get("emea-slack"))
    with pytest.raises(ValueError, match="unknown integration"):
        Targets.from_env({"HANDOFF_TARGETS": '{"x": {"integration": "fax"}}'})
    with pytest.raises(ValueError, match=r"target 'webhook': invalid config \(secret\)"):
        Targets.from_env({"HANDOFF_WEBHOOK_URL": "https://bot.example/hook?token=s3cret"})
    with pytest.raises(ValueError, match="unknown delivery kinds"):
        Targets.from_env({**env, "HANDOFF_WEBHOOK_KINDS": "lead,carrier-pigeon"})
