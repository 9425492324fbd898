"""GET /v1/metrics end to end: events in, accept, close, figures out; what handling records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.db.models import Decision, Handoff

HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}


def test_metrics_after_one_won_handoff(api, engine):
    api.event("m-1", {"type": "page_view", "url": "/pricing"})
    handoff = api.event("m-1", HUMAN).json()["handoff"]
    api.post(f"/v1/handoffs/{handoff['id']}/accept")
    api.post(f"/v1/handoffs/{handoff['id']}/responded")
    api.post(f"/v1/handoffs/{handoff['id']}/close", json={"outcome": "won"})
    answer = api.get("/v1/metrics", params={"group": "day"}, as_="read")
    assert answer.status_code == 200
    body = answer.json()
    totals = body["totals"]
    assert totals["handoffs"] == 1 and totals["conversations"] == 1
    assert totals["handoff_rate"] == 1.0 and totals["conversion"] == 1.0
    assert totals["routing_accuracy"] == 1.0 and totals["time_to_accept"]["count"] == 1
    assert body["sla_seconds"] == 600 and totals["sla_hit_rate"] == 1.0
    assert body["conversion"]["rule"] == [
        {"key": "asks_for_human", "closed": 1, "won": 1, "conversion": 1.0}
    ]
    assert len(body["groups"]) == 1
    with Session(engine) as session:
        row = session.execute(select(Handoff)).scalar_one()
        assert (row.rule, row.segment, row.after_hours) == ("asks_for_human", "smb", False)
        assert row.accept_business_seconds is not None
        assert row.response_business_seconds is not None
        first, second = session.execute(select(Decision).order_by(Decision.id)).scalars()
        assert first.roster is None and first.segment == "smb" and first.qualified is False
        assert second.roster["reps"] and second.roster["open"] == {}


def test_metrics_scope_and_validation(api):
    assert api.get("/v1/metrics", as_="ingest").status_code == 403
    assert api.get("/v1/metrics", params={"group": "month"}, as_="read").status_code == 422
    since_after = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}
    assert api.get("/v1/metrics", params=since_after, as_="read").status_code == 422
    filtered = api.get("/v1/metrics", params={"team": "sales"}, as_="read").json()
    assert filtered["filters"] == {"team": "sales"} and "handoff_rate" not in filtered["totals"]


def test_accept_response_and_reassign_keep_the_seconds(api, engine):
    handoff = api.event("m-2", HUMAN).json()["handoff"]
    path = f"/v1/handoffs/{handoff['id']}"
    api.post(f"{path}/accept")
    api.post(f"{path}/responded")
    with Session(engine) as session:
        row = session.get(Handoff, handoff["id"])
        assert row.accept_seconds == (row.accepted_at - row.created_at).total_seconds()
        assert row.response_seconds == (row.first_response_at - row.created_at).total_seconds()
    accepted = api.get("/v1/metrics", as_="read").json()["totals"]["time_to_accept"]
    assert accepted["count"] == 1
    api.post(f"{path}/reassign", json={"reason": "on holiday"})
    with Session(engine) as session:
        row = session.get(Handoff, handoff["id"])
        assert (row.accepted_at, row.accept_seconds, row.accept_business_seconds) == (None,) * 3
        assert row.response_seconds is not None
    totals = api.get("/v1/metrics", as_="read").json()["totals"]
    assert totals["time_to_accept"]["count"] == totals["time_to_accept_business"]["count"] == 0
    assert totals["time_to_first_response"]["count"] == 1
