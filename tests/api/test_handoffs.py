"""Handoffs: list with filters, the packet, accept, reassign, first response, close."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}
SOURCE = {"type": "source", "landing_page": "/pricing", "utm_campaign": "spring-sale"}


@pytest.fixture
def handoff(api) -> dict:
    """A live handoff of conversation h-1 to the sales team."""
    api.event("h-1", {**SOURCE, "event_id": "s"})
    return api.event("h-1", {**HUMAN, "event_id": "m"}).json()["handoff"]


def test_the_packet_carries_everything_the_rep_needs(api, handoff):
    api.event(
        "h-1", {"type": "identify", "email": "dana@example.com", "name": "Dana", "event_id": "i"}
    )
    packet = api.get(f"/v1/handoffs/{handoff['id']}", as_="read").json()
    assert packet["contact"]["email"] == "dana@example.com"
    assert packet["transcript"] == [
        {"role": "visitor", "text": HUMAN["text"], "at": "2026-03-03T15:00:00Z"}
    ]
    assert packet["campaign"] == "spring-sale"
    assert packet["source"]["landing_page"] == "/pricing"
    assert packet["intent"]["triggers"] == ["asks_for_human"]
    assert packet["policy"]["version"] == 1
    assert packet["trace"] and packet["qualification"]["criteria"]
    assert packet["created_at"] and packet["offered_at"]


def test_list_filters(api, handoff):
    api.event("h-2", HUMAN)
    assert len(api.get("/v1/handoffs", as_="read").json()["handoffs"]) == 2
    rep = handoff["rep"]
    mine = api.get("/v1/handoffs", params={"rep": rep}, as_="read").json()["handoffs"]
    assert [h["rep"] for h in mine] == [rep]
    assert api.get("/v1/handoffs", params={"status": "closed"}).json()["handoffs"] == []
    assert (
        len(
            api.get("/v1/handoffs", params={"team": "sales", "priority": "normal"}).json()[
                "handoffs"
            ]
        )
        == 2
    )
    assert (
        api.get("/v1/handoffs", params={"since": "2999-01-01T00:00:00Z"}).json()["handoffs"] == []
    )
    assert api.get("/v1/handoffs", params={"status": "lost"}).status_code == 422


def test_accept_respond_close(api, handoff):
    path = f"/v1/handoffs/{handoff['id']}"
    accepted = api.post(f"{path}/accept").json()
    assert accepted["status"] == "accepted" and accepted["accepted_at"]
    responded = api.post(f"{path}/responded").json()
    assert responded["first_response_at"]
    assert (
        api.post(f"{path}/responded").json()["first_response_at"] == responded["first_response_at"]
    )
    closed = api.post(f"{path}/close", json={"outcome": "won"}).json()
    assert closed["status"] == "closed" and closed["outcome"] == "won" and closed["closed_at"]
    again = api.post(f"{path}/accept")
    assert again.status_code == 409
    bad = api.post("/v1/handoffs/999/close", json={"outcome": "maybe"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "body.outcome"


def test_reassign_to_a_rep_or_back_to_routing(api, handoff):
    api.client.app.state.services.clock = lambda: datetime(2026, 3, 3, 15, 30, tzinfo=UTC)
    path = f"/v1/handoffs/{handoff['id']}"
    first = handoff["rep"]
    other = {"tom": "ana", "ana": "tom"}[first]
    moved = api.post(f"{path}/reassign", json={"rep": other, "reason": "speaks German"}).json()
    assert moved["rep"] == other and moved["status"] == "offered" and moved["reassignments"] == 1
    routed = api.post(f"{path}/reassign", json={"reason": "on holiday"}).json()
    assert routed["rep"] == first and routed["reassignments"] == 2
    log = api.get(path).json()["log"]
    assert [e["what"] for e in log][-2:] == ["reassigned", "offered"]
    assert api.post(f"{path}/reassign", json={"rep": "nobody", "reason": "x"}).status_code == 404
    assert api.post(f"{path}/reassign", json={"rep": other}).status_code == 422


def test_unknown_handoff_is_a_json_404(api):
    response = api.get("/v1/handoffs/12345")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
