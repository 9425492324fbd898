"""Policy versions: read, validate with positions, publish, refuse a broken one, diff, roll back."""

from __future__ import annotations

BROKEN = "name: x\nsegments:\n  - id: a\n    intent_threshold: lots\n"


def test_the_live_policy(api, policy_text):
    live = api.get("/v1/policy", as_="read").json()
    assert live["version"] == 1 and live["source"] == policy_text and live["name"]


def test_validate_gives_line_and_column(api, policy_text):
    assert api.post("/v1/policy/validate", json={"source": policy_text}, as_="read").json()["valid"]
    response = api.post("/v1/policy/validate", json={"source": BROKEN}, as_="read")
    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert (problem["line"], problem["column"]) == (4, 23)


def test_publishing_a_broken_policy_leaves_the_live_one_running(api, policy_text):
    response = api.post("/v1/policy/versions", json={"source": BROKEN, "comment": "oops"})
    assert response.status_code == 422
    assert api.get("/v1/policy").json()["version"] == 1
    assert len(api.get("/v1/policy/versions").json()["versions"]) == 1
    decision = api.event("c", {"type": "page_view", "url": "/pricing"}).json()["decision"]
    assert decision["policy"]["version"] == 1


def test_publish_diff_and_roll_back(api, policy_text):
    changed = policy_text.replace("weight: 30", "weight: 31")
    published = api.post("/v1/policy/versions", json={"source": changed, "comment": "pricing +1"})
    assert published.status_code == 201 and published.json()["version"] == 2
    decision = api.event("c", {"type": "page_view", "url": "/pricing"}).json()["decision"]
    assert decision["policy"]["version"] == 2 and decision["intent"]["score"] == 31
    diff = api.get("/v1/policy/diff", params={"from": 1, "to": 2}).json()["diff"]
    assert "-    weight: 30" in diff and "+    weight: 31" in diff
    rolled = api.post("/v1/policy/rollback", json={"version": 1, "comment": "too generous"})
    assert rolled.status_code == 201
    assert rolled.json()["version"] == 3 and rolled.json()["comment"].startswith("rollback to v1")
    assert api.get("/v1/policy/versions/3").json()["source"] == policy_text
    versions = [v["version"] for v in api.get("/v1/policy/versions").json()["versions"]]
    assert versions == [3, 2, 1]
    assert api.get("/v1/policy/versions/9").status_code == 404
