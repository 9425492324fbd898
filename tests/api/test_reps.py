"""The roster: reps CRUD, availability, load from the store, used by the decisions."""

from __future__ import annotations

HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}


def test_the_policy_reps_seed_an_empty_roster(api):
    reps = api.get("/v1/reps", as_="read").json()["reps"]
    assert [r["id"] for r in reps] == ["jane", "omar", "li", "sofia", "tom", "ana", "kai"]
    assert reps[0]["availability"] == "online" and reps[0]["open_handoffs"] == 0


def test_create_update_delete(api):
    created = api.post(
        "/v1/reps", json={"id": "zoe", "teams": ["sales"], "language": "de", "capacity": 2}
    )
    assert created.status_code == 201
    assert created.json()["attributes"] == {"language": "de"}
    assert api.post("/v1/reps", json={"id": "zoe"}).status_code == 409
    updated = api.request("PATCH", "/v1/reps/zoe", json={"seniority": "senior", "language": None})
    assert updated.json()["seniority"] == "senior" and updated.json()["attributes"] == {}
    assert api.request("DELETE", "/v1/reps/zoe").status_code == 204
    assert api.get("/v1/reps/zoe").status_code == 404


def test_availability_and_load_decide_who_gets_the_handoff(api):
    for rep in ("tom", "ana"):
        assert (
            api.request(
                "PUT", f"/v1/reps/{rep}/availability", json={"availability": "away"}
            ).status_code
            == 200
        )
    first = api.event("a", HUMAN).json()
    assert first["handoff"]["rep"] is None and first["decision"]["mode"] == "queued"
    api.request("PUT", "/v1/reps/ana/availability", json={"availability": "online"})
    second = api.event("b", HUMAN).json()
    assert second["handoff"]["rep"] == "ana"
    assert api.get("/v1/reps/ana").json()["open_handoffs"] == 1
    bad = api.request("PUT", "/v1/reps/ana/availability", json={"availability": "asleep"})
    assert bad.status_code == 422
