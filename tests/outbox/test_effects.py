"""What a decision writes with itself: side effects and timers, once each, in its transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handoff import effects, lifecycle
from handoff.db.engine import writing
from handoff.db.models import Handoff
from handoff.db.outbox_models import OutboxEntry, Timer
from handoff.effects import business_due
from handoff.policy_store import PolicyBook
from outbox.support import TUESDAY, ask_for_human, send


def entries(sessions) -> dict[str, OutboxEntry]:
    with sessions() as session:
        return {e.key: e for e in session.execute(select(OutboxEntry)).scalars()}


def timers(sessions) -> dict[str, Timer]:
    with sessions() as session:
        return {t.key: t for t in session.execute(select(Timer)).scalars()}


def test_a_live_handoff_writes_its_lead_the_reps_notice_and_an_sla_timer(sessions, handler):
    handoff = ask_for_human(handler, "c1", TUESDAY).handoff
    h = handoff.id
    written = entries(sessions)
    assert set(written) == {f"h{h}:lead", f"h{h}:r0:a:notify"}
    assert written[f"h{h}:r0:a:notify"].payload == {"recipient": {"role": "rep", "id": "a"}}
    assert written[f"h{h}:lead"].team == "sales"
    (sla,) = timers(sessions).values()
    assert (sla.kind, sla.status, sla.data) == ("sla", "pending", {"rep": "a"})
    assert sla.due_at == TUESDAY + timedelta(minutes=10)


def test_a_retried_event_writes_nothing_twice(sessions, handler):
    message = {"type": "message", "role": "visitor", "text": "talk to a human", "event_id": "e1"}
    send(handler, "c1", message, TUESDAY)
    send(handler, "c1", message, TUESDAY)
    send(handler, "c1", {"type": "message", "role": "visitor", "text": "hello?"}, TUESDAY)
    assert len(entries(sessions)) == 2 and len(timers(sessions)) == 1


def test_after_hours_notify_tells_the_contact_and_waits_for_the_opening(sessions, handler):
    friday_night = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    handoff = ask_for_human(handler, "c1", friday_night).handoff
    assert (handoff.mode, handoff.rep, handoff.priority) == ("after_hours_notify", None, "high")
    notice = entries(sessions)[f"h{handoff.id}:notify:contact"]
    assert notice.payload["recipient"] == {"role": "contact", "email": "after-hours@acme.example"}
    (release,) = timers(sessions).values()
    assert release.kind == "release" and release.priority == "high"
    assert release.due_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 09:00 EDT


def test_accepting_stops_the_sla_clock_and_closing_stops_everything(sessions, handler):
    handoff = ask_for_human(handler, "c1", TUESDAY).handoff
    with sessions() as session, writing(session):
        lifecycle.accept(session, handoff.id, TUESDAY + timedelta(minutes=2))
    assert [t.status for t in timers(sessions).values()] == ["cancelled"]


def test_a_reassignment_notifies_the_new_rep_and_restarts_the_sla(sessions, handler):
    handoff = ask_for_human(handler, "c1", TUESDAY).handoff
    later = TUESDAY + timedelta(minutes=3)
    with sessions() as session, writing(session):
        lifecycle.reassign(session, PolicyBook(), handoff.id, "c", "knows the account", later)
    assert f"h{handoff.id}:r1:c:notify" in entries(sessions)
    states = {t.data["rep"]: (t.status, t.due_at) for t in timers(sessions).values()}
    assert states == {
        "a": ("cancelled", states["a"][1]),
        "c": ("pending", later + timedelta(minutes=10)),
    }


def test_nurture_hands_the_action_to_the_bot_once_and_sets_a_follow_up(sessions, handler):
    for text in ("no rush, maybe next year", "still just looking"):
        slots = {"type": "slots", "values": {"budget": 5000, "timeline_days": 400}}
        send(handler, "c1", slots, TUESDAY)
        send(handler, "c1", {"type": "message", "role": "visitor", "text": text}, TUESDAY)
    (nurture,) = entries(sessions).values()
    assert nurture.kind == "nurture" and nurture.handoff_id is None
    assert nurture.payload["nurture"] == {
        "id": "later",
        "action": {"sequence": "check-in", "resources": [], "follow_up_in": 172800},
    }
    (follow_up,) = timers(sessions).values()
    assert follow_up.kind == "follow_up" and follow_up.due_at == TUESDAY + timedelta(days=2)


def test_side_effects_commit_or_roll_back_with_the_decision(sessions, handler, monkeypatch):
    def fail(*args):
        raise RuntimeError("the store went away mid-event")

    monkeypatch.setattr(effects, "offered", fail)
    with pytest.raises(RuntimeError):
        ask_for_human(handler, "c1", TUESDAY)
    assert entries(sessions) == {} and timers(sessions) == {}
    with sessions() as session:
        assert session.execute(select(Handoff)).first() is None


def test_the_sla_counts_business_hours(sessions):
    with sessions() as session:
        schedule = PolicyBook().live(session).schedule_for("sales")
    evening = datetime(2026, 3, 3, 22, 25, tzinfo=UTC)  # 17:25 EST
    assert business_due(schedule, evening, 600) == datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    assert business_due(schedule, TUESDAY, 600) == TUESDAY + timedelta(minutes=10)
    assert business_due(None, evening, 600) == evening + timedelta(minutes=10)
