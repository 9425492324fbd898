"""handoff.client: typed events, event ids stable across retries, backoff, the decision object."""

from __future__ import annotations

import json

import httpx
import pytest

from handoff.client import (
    Client,
    Decision,
    HandoffError,
    Identify,
    Message,
    Note,
    PageView,
    Slots,
    Source,
)

OPEN = "2026-03-03T15:00:00Z"
DECISION = {"action": "qualify", "reason": "Still qualifying.", "ask": ["budget"], "say": "Budget?"}


def _ok(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    events = body.get("events", [body])
    return httpx.Response(
        200,
        json={
            "conversation_id": "c-1",
            "decision": DECISION,
            "handoff": None,
            "events": [{"event_id": e["event_id"], "seq": i} for i, e in enumerate(events)],
        },
    )


class Script:
    """A transport answering from a list (a response, an exception, or None for success)."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.bodies: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        step = self.steps.pop(0) if self.steps else None
        if isinstance(step, Exception):
            raise step
        return step if step is not None else _ok(request)


def _client(script: Script, sleeps: list[float], **kwargs) -> Client:
    return Client(
        "http://handoff.test",
        "hk_test",
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        **kwargs,
    )


def test_typed_events_serialise_as_the_contract_says():
    assert Message("visitor", "hi", at=OPEN).to_dict() == {
        "type": "message",
        "role": "visitor",
        "text": "hi",
        "at": OPEN,
    }
    assert PageView("/pricing").to_dict() == {"type": "page_view", "url": "/pricing"}
    assert Slots({"budget": 80000}).to_dict()["values"] == {"budget": 80000}
    assert Identify(email="a@b.example", country="US").to_dict() == {
        "type": "identify",
        "email": "a@b.example",
        "country": "US",
    }
    assert Source(utm_source="google").to_dict() == {"type": "source", "utm_source": "google"}
    assert Note("prefers email", event_id="n-1").to_dict()["event_id"] == "n-1"


def test_an_event_id_is_chosen_once_and_kept_across_retries():
    script = Script(httpx.Response(503), httpx.ConnectError("refused"), None)
    sleeps: list[float] = []
    answer = _client(script, sleeps).send("c-1", Message("visitor", "hello"))
    ids = {body["event_id"] for body in script.bodies}
    assert len(script.bodies) == 3 and len(ids) == 1
    assert len(ids.pop()) == 36
    assert len(sleeps) == 2 and all(0 <= s <= 0.5 for s in sleeps)
    assert answer.decision.action == "qualify" and answer.decision.ask == ["budget"]


def test_a_batch_keeps_given_ids_and_fills_the_others():
    script = Script(None)
    _client(script, []).send(
        "c-1", PageView("/pricing", event_id="p-1"), {"type": "note", "text": "x"}
    )
    events = script.bodies[0]["events"]
    assert events[0]["event_id"] == "p-1" and events[1]["event_id"] != "p-1"


def test_retry_after_is_honoured_on_429():
    script = Script(httpx.Response(429, headers={"Retry-After": "3"}), None)
    sleeps: list[float] = []
    _client(script, sleeps).send("c-1", Message("visitor", "hi"))
    assert sleeps == [3.0]


def test_in_flight_is_retried_but_other_conflicts_are_not():
    in_flight = {"error": {"code": "in_flight", "message": "being handled", "field": "event_id"}}
    script = Script(httpx.Response(409, json=in_flight), None)
    _client(script, []).send("c-1", Message("visitor", "hi"))
    assert len(script.bodies) == 2
    conflict = {"error": {"code": "conflict", "message": "closed"}}
    script = Script(httpx.Response(409, json=conflict))
    with pytest.raises(HandoffError) as caught:
        _client(script, []).send("c-1", Message("visitor", "hi"))
    assert caught.value.status == 409 and caught.value.code == "conflict"
    assert len(script.bodies) == 1


def test_a_refused_event_is_not_retried_and_names_the_field():
    refused = {"error": {"code": "invalid_event", "message": "bad", "field": "events[0].text"}}
    script = Script(httpx.Response(422, json=refused))
    with pytest.raises(HandoffError) as caught:
        _client(script, []).send("c-1", Message("visitor", "hi"))
    assert (caught.value.code, caught.value.field) == ("invalid_event", "events[0].text")


def test_giving_up_after_max_attempts_with_growing_backoff(monkeypatch):
    monkeypatch.setattr("handoff.client.random.uniform", lambda low, high: high)
    script = Script(*[httpx.ConnectTimeout("slow")] * 4)
    sleeps: list[float] = []
    with pytest.raises(HandoffError) as caught:
        _client(script, sleeps, max_attempts=4, backoff=1, max_backoff=3).send(
            "c-1", Message("visitor", "hi")
        )
    assert caught.value.code == "unreachable" and caught.value.status is None
    assert sleeps == [1, 2, 3]


def test_decision_keeps_unknown_keys_in_raw():
    decision = Decision.from_dict({**DECISION, "assignment": {"rep": "ana"}, "future": 1})
    assert decision.rep == "ana" and decision.raw["future"] == 1
    assert decision.trace == [] and decision.mode is None


def test_against_the_service(served):
    client, key = served
    with Client("http://testserver", key, transport=client._transport) as handoff:
        first = handoff.send(
            "c-9",
            PageView("https://acme.example/pricing", at=OPEN),
            Message("visitor", "We have about $80k. Can I talk to someone?", at=OPEN),
        )
        again = handoff.send(
            "c-9",
            Message(
                "visitor",
                "We have about $80k. Can I talk to someone?",
                at=OPEN,
                event_id=first.events[1]["event_id"],
            ),
        )
        with pytest.raises(HandoffError) as caught:
            handoff.send("c-9", {"type": "message", "role": "robot", "text": "x"})
    assert first.decision.action == "handoff" and first.handoff["id"]
    assert first.decision.say and first.decision.trace
    assert again.replayed and again.decision.raw == first.decision.raw
    assert caught.value.status == 422 and caught.value.field == "events[0].role"
