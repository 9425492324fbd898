"""Rules → "What would change?": managers only, CSRF checked, summary and side-by-side pages."""

from __future__ import annotations

from dashboard.conftest import POLICY, sign_in

DRAFT = POLICY.replace("intent_threshold: 40", "intent_threshold: 400")


def test_what_would_change(client):
    csrf = sign_in(client, "manager")
    fragment = client.post(
        "/rules/impact", data={"source": DRAFT, "csrf": csrf}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200, fragment.text
    assert "What would change" in fragment.text and "<html" not in fragment.text
    assert "handoff → qualify" in fragment.text and "east" in fragment.text
    page = client.post("/rules/impact", data={"source": DRAFT, "csrf": csrf})
    assert "<html" in page.text and "last 2,000 conversations" in page.text
    side = client.post("/rules/impact/east", data={"source": DRAFT, "csrf": csrf})
    assert side.status_code == 200, side.text
    assert "Stored policy (v1)" in side.text and "Draft" in side.text
    assert "action, route, team, rep, mode" in side.text
    broken = client.post("/rules/impact", data={"source": "name: [", "csrf": csrf})
    assert "The draft has errors" in broken.text
    missing = client.post("/rules/impact/nobody", data={"source": DRAFT, "csrf": csrf})
    assert "No stored conversation" in missing.text


def test_only_managers_with_csrf(client):
    csrf = sign_in(client, "rep")
    assert client.post("/rules/impact", data={"source": DRAFT, "csrf": csrf}).status_code == 403
    sign_in(client, "manager")
    assert client.post("/rules/impact", data={"source": DRAFT, "csrf": "nope"}).status_code == 403
