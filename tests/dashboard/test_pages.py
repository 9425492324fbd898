"""The pages as HTML: visitor text escaped, evidence marked, Why here, rules, team, audit."""

from __future__ import annotations

from pathlib import Path

from .conftest import POLICY, conversation, post_events, sign_in

BROKEN = POLICY.replace("budget:    {gte: 50000}", "budgt:     {gte: 50000}", 1)
BROKEN_LINE = POLICY[: POLICY.index("budget:    {gte: 50000}")].count("\n") + 1


def test_visitor_text_is_escaped_everywhere(client, app):
    sign_in(client, "admin")
    hostile = app.state.seeded["hostile"]["id"]
    for path in (
        f"/handoffs/{hostile}",
        "/conversations/hostile",
        "/conversations",
        "/inbox?view=all",
    ):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "<svg onload" not in html, path
    page = client.get(f"/handoffs/{hostile}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_evidence_words_are_marked_in_the_transcript(client, app):
    sign_in(client, "admin")
    page = client.get(f"/handoffs/{app.state.seeded['east']['id']}").text
    assert '<mark title="signal implementation_question">onboarding</mark>' in page
    assert '<mark title="fact product">SSO</mark>' in page


def test_why_here_names_the_route_hours_and_skipped_reps(client, app):
    sign_in(client, "manager")
    page = client.get(f"/handoffs/{app.state.seeded['east']['id']}").text
    assert '<strong class="route-chosen">enterprise-east</strong>' in page
    assert "skipped: not next in the rotation" in page and 'data-rep="omar"' in page
    assert "Team <strong>enterprise-east</strong> was <strong>open</strong>" in page
    assert "Acme sales handoff v1" in page


def test_inbox_tabs_follow_the_role(client):
    sign_in(client, "rep")
    page = client.get("/inbox").text
    assert 'href="/inbox?view=mine"' in page and "view=all" not in page
    sign_in(client, "manager")
    page = client.get("/inbox").text
    assert all(f"view={v}" in page for v in ("waiting", "team", "all"))


def test_the_overview_sends_a_rep_to_the_inbox(client):
    sign_in(client, "rep")
    assert client.get("/").headers["location"] == "/inbox"


def test_conversations_show_what_the_bot_still_asks(client):
    sign_in(client, "manager")
    page = client.get("/conversations?show=qualify").text
    assert "qualifying" in page and "asks about timeline, authority" in page


def test_validation_points_at_the_line_and_column(client):
    csrf = sign_in(client, "manager")
    html = client.post(
        "/rules/validate", data={"source": BROKEN}, headers={"X-CSRF-Token": csrf}
    ).text
    assert f'data-line="{BROKEN_LINE}" data-column="7"' in html
    assert "unknown criterion &#39;budgt&#39;" in html
    ok = client.post(
        "/rules/validate", data={"source": POLICY}, headers={"X-CSRF-Token": csrf}
    ).text
    assert "The draft is valid" in ok


def test_publishing_an_invalid_draft_is_refused_and_keeps_the_draft(client):
    csrf = sign_in(client, "manager")
    response = client.post("/rules/publish", data={"source": BROKEN, "csrf": csrf})
    assert response.status_code == 422
    assert f"line {BROKEN_LINE}, column 7" in response.text and "budgt:" in response.text


def test_publish_diff_rollback_and_the_audit_log(client):
    csrf = sign_in(client, "manager")
    changed = POLICY.replace("weight: 30", "weight: 35", 1)
    response = client.post(
        "/rules/publish", data={"source": changed, "comment": "pricing matters", "csrf": csrf}
    )
    assert response.status_code == 303
    version = int(response.headers["location"].split("=")[1])
    diff = client.get(f"/rules/diff?from={version - 1}&to={version}").text
    assert '<tr class="chg">' in diff and "weight: 35" in diff
    back = client.post("/rules/rollback", data={"version": "1", "csrf": csrf})
    assert back.headers["location"] == f"/rules?published={version + 1}"
    audit = client.get("/audit").text
    assert (
        "Policy published" in audit and "pricing matters" in audit and "Policy rolled back" in audit
    )


def test_simulate_a_past_or_pasted_conversation_against_the_draft(client):
    csrf = sign_in(client, "manager")
    headers = {"X-CSRF-Token": csrf}
    past = client.post(
        "/rules/simulate", data={"source": POLICY, "conversation_id": "east"}, headers=headers
    )
    assert 'Decision: <span class="badge">handoff</span>' in past.text
    import json

    pasted = json.dumps({"events": conversation("nurture-too-small")})
    nurture = client.post(
        "/rules/simulate", data={"source": POLICY, "events": pasted}, headers=headers
    )
    assert "nurture" in nurture.text
    broken = client.post(
        "/rules/simulate", data={"source": BROKEN, "events": pasted}, headers=headers
    )
    assert "fix them to simulate" in broken.text
    junk = client.post("/rules/simulate", data={"source": POLICY, "events": "[{"}, headers=headers)
    assert "not JSON" in junk.text


def test_team_shows_hours_and_a_rep_sets_their_availability(client):
    csrf = sign_in(client, "rep")
    page = client.get("/team").text
    assert "America/New_York" in page and 'class="week"' in page
    response = client.post(
        "/team/jane/availability",
        data={"availability": "away", "csrf": csrf},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and '<option value="away" selected>' in response.text
    client.post("/team/jane/availability", data={"availability": "online", "csrf": csrf})
    sign_in(client, "admin")
    assert "Availability changed" in client.get("/audit?action=availability_changed").text


def test_accept_and_close_from_the_dashboard(client, app, store):
    answer = post_events(client, store.token, "accept-me", conversation("emea-live"))
    handoff = answer["handoff"]
    csrf = sign_in(client, "manager")
    assert client.post(f"/handoffs/{handoff['id']}/accept", data={"csrf": csrf}).status_code == 303
    client.post(f"/handoffs/{handoff['id']}/close", data={"outcome": "won", "csrf": csrf})
    page = client.get(f"/handoffs/{handoff['id']}").text
    assert 'id="status">closed' in page and "outcome <strong>won" in page
    again = client.post(f"/handoffs/{handoff['id']}/close", data={"outcome": "lost", "csrf": csrf})
    assert again.status_code == 409 and "is closed" in again.text


def test_an_admin_adds_a_user(client):
    csrf = sign_in(client, "admin")
    form = {
        "email": "new@acme.example",
        "role": "manager",
        "password": "another long one",
        "csrf": csrf,
    }
    assert client.post("/users", data=form).status_code == 303
    assert "new@acme.example" in client.get("/users").text
    assert client.post("/users", data=form).status_code == 409


def test_no_template_marks_conversation_data_safe():
    templates = Path(__file__).parents[2] / "src" / "handoff" / "dashboard" / "templates"
    for template in templates.glob("*.html"):
        assert "|safe" not in template.read_text().replace(" ", ""), template.name


def test_publishing_over_the_api_is_audited_too(client, store):
    headers = {"Authorization": f"Bearer {store.admin}"}
    body = {"source": POLICY, "comment": "from the pipeline"}
    assert client.post("/v1/policy/versions", json=body, headers=headers).status_code == 201
    assert (
        client.post("/v1/policy/rollback", json={"version": 1}, headers=headers).status_code == 201
    )
    sign_in(client, "manager")
    audit = client.get("/audit").text
    assert "API key ops" in audit and "from the pipeline" in audit and "to: 1" in audit
