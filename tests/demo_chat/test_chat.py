"""/demo/chat over HTTP: demo mode only, the scripted bot, ids it owns, the rep's reply form."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dashboard.conftest import sign_in
from handoff.db.handoffs import get_handoff, handoff_of
from handoff.demo.chat import GREETING, QUESTIONS, bot_reply

from .conftest import demo_app

ASK = "Can I talk to someone? We need SSO for our whole company."


def _start(client, page: str = "/pricing") -> dict:
    response = client.post("/demo/chat/start", json={"page": page})
    assert response.status_code == 200, response.text
    return response.json()


def _say(client, cid: str, text: str) -> dict:
    response = client.post(f"/demo/chat/{cid}/say", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_page_exists_only_in_demo_mode(store, client):
    page = client.get("/demo/chat")
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )
    assert client.get("/demo/static/chat.js").status_code == 200
    with TestClient(demo_app(store, demo=False)) as off:
        assert off.get("/demo/chat").status_code == 404
        assert off.post("/demo/chat/start", json={}).status_code == 404


def test_the_bot_greets_asks_and_hands_off(client):
    started = _start(client)
    cid = started["conversation_id"]
    assert [m["text"] for m in started["messages"]] == [GREETING]
    qualifying = _say(client, cid, "We need SSO for about 2,000 people.")
    assert qualifying["decision"]["action"] == "qualify"
    visitor, bot = qualifying["messages"]
    assert visitor["role"] == "visitor" and bot["role"] == "bot"
    assert "budget" in bot["text"].lower()
    handed = _say(client, cid, ASK)
    assert handed["decision"]["action"] == "handoff"
    assert handed["handoff"] == {"status": "offered", "mode": "live", "rep": "Jane Park"}
    assert "Jane Park" in handed["messages"][-1]["text"]
    after = _say(client, cid, "Thanks, I'll wait.")
    assert [m["role"] for m in after["messages"]] == ["visitor"]


def test_the_bot_falls_back_to_its_own_questions():
    assert (
        bot_reply({"action": "qualify", "ask": ["timeline"], "say": None}) == QUESTIONS["timeline"]
    )
    assert bot_reply({"action": "qualify", "ask": ["seats"]}).endswith("your seats?")
    assert bot_reply({"action": "handoff", "say": "A person is coming."}) == "A person is coming."


def test_only_its_own_conversations_and_only_json(client):
    assert client.post("/demo/chat/east/say", json={"text": "hi"}).status_code == 422
    unknown = client.post("/demo/chat/demo-chat-0123456789abcdef/say", json={"text": "hi"})
    assert unknown.status_code == 404
    cid = _start(client)["conversation_id"]
    form = client.post(f"/demo/chat/{cid}/say", data={"text": "hi"})
    assert form.status_code in (415, 422)
    assert client.post("/demo/chat/start", json={"page": "/admin"}).status_code == 422
    assert client.post(f"/demo/chat/{cid}/page", json={"page": "/enterprise"}).status_code == 200
    too_long = client.post(f"/demo/chat/{cid}/say", json={"text": "x" * 2001})
    assert too_long.status_code == 422


def test_the_rep_replies_from_the_handoff_page(store, client, app):
    cid = _start(client)["conversation_id"]
    handoff = _say(client, cid, ASK)
    with store.sessions() as session:
        handoff_id = handoff_of(session, cid).id
    csrf = sign_in(client, "rep")
    page = client.get(f"/handoffs/{handoff_id}")
    assert f'action="/handoffs/{handoff_id}/reply"' in page.text
    sent = client.post(
        f"/handoffs/{handoff_id}/reply", data={"csrf": csrf, "text": "Hi, <b>Jane</b> here"}
    )
    assert sent.status_code == 303 and handoff["handoff"]["rep"] == "Jane Park"
    seen = client.get(f"/demo/chat/{cid}/messages", params={"after": 3}).json()
    assert seen["messages"][-1] == seen["messages"][-1] | {
        "role": "agent",
        "text": "Hi, <b>Jane</b> here",
    }
    handoff_page = client.get(f"/handoffs/{handoff_id}").text
    assert "Hi, &lt;b&gt;Jane&lt;/b&gt; here" in handoff_page
    with store.sessions() as session:
        assert get_handoff(session, handoff_id).first_response_at is not None
    assert client.post(f"/handoffs/{handoff_id}/reply", data={"text": "x"}).status_code == 403


def test_a_rep_cannot_reply_on_another_reps_handoff(client):
    cid = _start(client)["conversation_id"]
    _say(client, cid, ASK)
    csrf = sign_in(client, "other")
    response = client.post("/handoffs/1/reply", data={"csrf": csrf, "text": "hello"})
    assert response.status_code == 403
