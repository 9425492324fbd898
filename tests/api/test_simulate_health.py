"""Simulate (nothing stored), health and Prometheus metrics."""

from __future__ import annotations

HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}


def test_simulate_against_the_live_policy_stores_nothing(api):
    body = {"events": [{**HUMAN, "at": "2026-03-03T15:00:00Z"}]}
    response = api.post("/v1/simulate", json=body, as_="ingest")
    assert response.status_code == 200
    assert response.json()["decision"]["action"] == "handoff"
    assert api.get("/v1/handoffs").json()["handoffs"] == []


def test_simulate_against_a_draft(api, policy_text):
    draft = policy_text.replace(
        "max_count: 1\n  - id: blog_read", "max_count: 1\n    trigger: true\n  - id: blog_read"
    )
    body = {
        "events": [{"type": "page_view", "url": "/pricing"}],
        "policy": draft,
        "at": "2026-03-03T15:00:00Z",
    }
    assert (
        api.post("/v1/simulate", json=body, as_="ingest").json()["decision"]["action"] == "handoff"
    )
    body["policy"] = "name: x\n"
    assert api.post("/v1/simulate", json=body, as_="ingest").status_code == 422
    body = {"events": [{"type": "nope"}]}
    assert (
        api.post("/v1/simulate", json=body, as_="ingest").json()["error"]["field"]
        == "events[0].type"
    )


def test_health_and_metrics(api):
    assert api.get("/healthz", as_=None).json() == {"status": "ok", "policy_version": 1}
    api.event("m", HUMAN)
    text = api.get("/metrics", as_="read").text
    assert 'handoff_decisions_total{action="handoff"} 1' in text
    assert 'handoff_handoffs_total{mode="live"} 1' in text
    assert 'route="/v1/conversations/{conversation_id}/events",status="200"' in text
    assert "handoff_request_seconds_bucket" in text


def test_unknown_routes_answer_json(api):
    response = api.get("/v1/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
