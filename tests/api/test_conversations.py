"""Posting events: decisions, idempotency, the 422/409/413 cases, state kept per event."""

from __future__ import annotations

from fastapi.testclient import TestClient

from handoff.handling import InFlight

from .conftest import Api

PRICING = {"type": "page_view", "url": "/pricing"}
HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}


def test_an_event_is_answered_with_the_decision(api):
    response = api.event("c-1", {**PRICING, "event_id": "e1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["decision"]["action"] == "qualify"
    assert body["decision"]["policy"]["version"] == 1
    assert body["handoff"] is None
    assert body["events"] == [{"event_id": "e1", "seq": 0}]


def test_a_trigger_hands_off_and_later_events_keep_the_decision(api):
    api.event("c-1", {**PRICING, "event_id": "e1"})
    handoff = api.event("c-1", {**HUMAN, "event_id": "e2"}).json()
    assert handoff["decision"]["action"] == "handoff"
    assert handoff["handoff"]["status"] == "offered"
    later = api.event("c-1", {"type": "note", "text": "wants a call", "event_id": "e3"}).json()
    assert later["decision"] == handoff["decision"]
    assert later["handoff"]["id"] == handoff["handoff"]["id"]
    conversation = api.get("/v1/conversations/c-1", as_="read").json()
    assert [e["event_id"] for e in conversation["events"]] == ["e1", "e2", "e3"]


def test_every_event_posted_twice_gives_identical_state_and_decisions(api):
    events = [
        {**PRICING, "event_id": "a"},
        {"type": "identify", "email": "d@x.example", "country": "US", "event_id": "b"},
        {"type": "slots", "values": {"budget": 80000}, "event_id": "c"},
        {**HUMAN, "event_id": "d"},
        {"type": "message", "role": "agent", "text": "Hi, Jane here", "event_id": "e"},
    ]
    first = [api.event("twice", e).json() for e in events]
    before = api.get("/v1/conversations/twice", as_="read").json()
    again = [api.event("twice", e) for e in events]
    assert all(r.headers.get("Idempotent-Replayed") == "true" for r in again)
    assert [r.json()["decision"] for r in again] == [f["decision"] for f in first]
    after = api.get("/v1/conversations/twice", as_="read").json()
    assert after["events"] == before["events"]
    assert after["decision"] == before["decision"]
    assert after["handoff"] == before["handoff"]


def test_a_batch_is_answered_with_the_last_decision(api):
    batch = {"events": [{**PRICING, "event_id": "1"}, {**HUMAN, "event_id": "2"}]}
    body = api.post("/v1/conversations/b/events", json=batch, as_="ingest").json()
    assert body["decision"]["action"] == "handoff"
    assert [e["seq"] for e in body["events"]] == [0, 1]


def test_the_same_id_with_another_body_is_refused(api):
    api.event("c", {**PRICING, "event_id": "e1"})
    response = api.event("c", {"type": "page_view", "url": "/blog/x", "event_id": "e1"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "event_id"
    batch = {"events": [{**HUMAN, "event_id": "e2"}, {**HUMAN, "text": "no", "event_id": "e1"}]}
    response = api.post("/v1/conversations/c/events", json=batch, as_="ingest")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "events[1].event_id"
    assert len(api.get("/v1/conversations/c", as_="read").json()["events"]) == 1


def test_a_malformed_event_names_the_field(api):
    response = api.event("c", {"type": "message", "role": "visitor"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "events[0].text"
    response = api.event("c", {"type": "slots", "values": {"budget": "lots"}, "event_id": "s"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "events[0].values.budget"
    response = api.event("c", {"type": ["message"], "event_id": "t"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "events[0].type"
    assert api.get("/v1/conversations/c", as_="read").status_code == 404
    response = api.post("/v1/conversations/c/events", content=b"{nope", as_="ingest")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_body_over_the_limit_gets_413(api):
    big = {"type": "note", "text": "x" * (300 * 1024)}
    response = api.event("c", big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"

    def chunks():
        yield b'{"type": "note", "text": "'
        for _ in range(300):
            yield b"x" * 1024
        yield b'"}'

    response = api.post("/v1/conversations/c/events", content=chunks(), as_="ingest")
    assert response.status_code == 413


def test_an_event_id_in_flight_gets_409(api, monkeypatch):
    handler = api.client.app.state.services.handler
    held = InFlight()
    handler.inflight = held
    with held.claim("c", "e1"):
        response = api.event("c", {**PRICING, "event_id": "e1"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "in_flight"
    assert api.event("c", {**PRICING, "event_id": "e1"}).status_code == 200


def test_the_state_is_kept_so_an_event_does_not_reread_the_conversation(api, engine):
    for i in range(30):
        api.event("long", {"type": "page_view", "url": f"/blog/{i}", "event_id": str(i)})
    conversation = api.get("/v1/conversations/long", as_="read").json()
    blog = next(s for s in conversation["decision"]["intent"]["signals"] if s["id"] == "blog_read")
    assert blog["count"] == 30


def test_an_app_started_again_still_ingests(api):
    app = api.client.app
    assert api.event("again", {"type": "page_view", "url": "/a"}).status_code == 200
    for path in ("/b", "/c"):
        with TestClient(app) as client:
            again = Api(client, api.tokens)
            assert again.event("again", {"type": "page_view", "url": path}).status_code == 200
