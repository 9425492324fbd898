"""POST /v1/integrations/chatwoot/webhook: signature, deduplication, mapping, no loops, replies."""

from __future__ import annotations

import json

from sqlalchemy import select

from handoff.db.outbox_models import OutboxEntry

from .conftest import OTHER_SECRET, SECRET
from .payloads import AGENT, BOT, conversation, message

SSO = "We need SSO for 2,000 people, budget around $120k, within 3 months. Can I talk to sales?"


def _types(hooks) -> list[tuple]:
    return [
        (e["type"], e.get("role"), e.get("text") or e.get("url"))
        for e in hooks.conversation()["events"]
    ]


def _outbox(hooks) -> list[OutboxEntry]:
    with hooks.sessions() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def test_a_signed_webhook_is_accepted_and_anything_else_refused(hooks):
    assert hooks.post(message(1, "hello")).status_code == 200
    assert hooks.post(message(6, "bye"), secret=OTHER_SECRET).status_code == 200
    assert hooks.post(message(2, "hello"), secret="another-secret").status_code == 401
    assert hooks.post(message(3, "hello"), skew=-600).json()["error"]["code"] == "bad_signature"
    unsigned = hooks.client.post(
        "/v1/integrations/chatwoot/webhook",
        content=json.dumps(message(4, "hello")),
        headers={"Content-Type": "application/json", "X-Chatwoot-Timestamp": "1"},
    )
    assert unsigned.status_code == 401
    assert [e[2] for e in _types(hooks) if e[0] == "message"] == ["hello", "bye"]


def test_a_body_changed_after_signing_is_refused(hooks):
    from .payloads import signed

    body, headers = signed(SECRET, message(1, "hello"), "d-1")
    forged = body.replace(b"hello", b"HELLO")
    response = hooks.client.post(
        "/v1/integrations/chatwoot/webhook", content=forged, headers=headers
    )
    assert response.status_code == 401


def test_without_a_secret_the_webhook_does_not_exist(tmp_path):
    from fastapi.testclient import TestClient

    from handoff.api import create_app
    from handoff.settings import Settings

    from .conftest import make_store

    url, _ = make_store(tmp_path)
    with TestClient(create_app(Settings(database_url=url, env="test"))) as client:
        response = client.post("/v1/integrations/chatwoot/webhook", json=message(1, "hi"))
    assert response.status_code == 404


def test_the_same_delivery_twice_and_the_same_message_from_two_webhooks(hooks):
    first = hooks.post(message(1, "hello"), delivery="d-1")
    assert first.json()["status"] == "handled"
    assert hooks.post(message(1, "hello"), delivery="d-1").json()["status"] == "duplicate"
    assert hooks.post(message(1, "hello"), delivery="d-2").json()["status"] == "handled"
    assert hooks.post(message(1, "hello"), delivery=None).status_code == 200
    assert [e for e in _types(hooks) if e[0] == "message"] == [("message", "visitor", "hello")]


def test_the_widget_page_browser_and_contact_become_events(hooks):
    hooks.post(message(1, "hello"))
    events = hooks.conversation()["events"]
    source = next(e for e in events if e["type"] == "source")
    assert source["utm_source"] == "google" and source["utm_campaign"] == "enterprise-q1"
    assert source["landing_page"].startswith("https://acme.example/enterprise/sso")
    assert any(e["type"] == "page_view" and "/enterprise/sso" in e["url"] for e in events)
    note = next(e for e in events if e["type"] == "note")
    assert note["text"] == "Chatwoot widget: Chrome 120.0 on macOS 14 (en)"
    identify = next(e for e in events if e["type"] == "identify")
    assert identify == identify | {
        "email": "priya@bigcorp.example",
        "name": "Priya Shah",
        "company": "BigCorp",
        "country": "US",
        "city": "New York",
        "phone": "+12125550100",
    }
    hooks.post(message(2, "and SAML?"))
    assert [e["type"] for e in hooks.conversation()["events"]].count("identify") == 1


def test_conversation_created_carries_the_page_before_any_message(hooks):
    payload = {**conversation(8, "https://acme.example/pricing"), "event": "conversation_created"}
    payload["account_id"] = 1
    assert hooks.post(payload).json()["status"] == "handled"
    events = hooks.conversation("chatwoot-1-8")["events"]
    assert {"source", "page_view", "identify", "note"} == {e["type"] for e in events}


def test_roles_private_notes_and_activity(hooks):
    hooks.post(message(1, "hello"))
    hooks.post(message(2, "Hi! I'm Jane.", message_type="outgoing", sender=AGENT))
    hooks.post(message(3, "Welcome to Acme", message_type="outgoing", sender=BOT))
    hooks.post(message(4, "Automated greeting", message_type="outgoing", sender={}))
    note = hooks.post(
        message(5, "internal: VIP", message_type="outgoing", sender=AGENT, private=True)
    )
    activity = hooks.post(message(6, "Conversation was opened", message_type="activity"))
    image = hooks.post(message(7, None))
    assert hooks.post(message(None, "no id")).json()["reason"] == "a message without an id"
    assert note.json()["reason"] == "a private note is not part of the conversation"
    assert activity.json()["status"] == image.json()["status"] == "ignored"
    assert [e for e in _types(hooks) if e[0] == "message"] == [
        ("message", "visitor", "hello"),
        ("message", "agent", "Hi! I'm Jane."),
        ("message", "bot", "Welcome to Acme"),
        ("message", "bot", "Automated greeting"),
    ]


def test_status_and_contact_events_are_acknowledged(hooks):
    for event in ("conversation_status_changed", "contact_updated", "webwidget_triggered"):
        response = hooks.post({"event": event, "id": 7})
        assert response.status_code == 200 and response.json()["status"] == "ignored"


def test_a_handoff_writes_one_reply_and_its_own_say_never_comes_back(hooks):
    answer = hooks.post(message(1, SSO)).json()
    assert answer["action"] == "handoff" and answer["handoff_id"]
    (entry,) = _outbox_of(hooks, "reply")
    assert entry.handoff_id == answer["handoff_id"]
    assert entry.payload["chatwoot"] == {"account_id": 1, "conversation_id": 7}
    say = entry.payload["say"]
    assert say and entry.payload["action"] == "handoff"
    echo = hooks.post(message(2, say, message_type="outgoing", sender=BOT))
    assert echo.json()["reason"] == "a message handoff posted itself"
    hooks.post(message(3, "Thanks!"))
    hooks.post(message(1, SSO), delivery="late-copy")
    assert len(_outbox_of(hooks, "reply")) == 1
    assert [e[2] for e in _types(hooks) if e[0] == "message"] == [SSO, "Thanks!"]


def test_an_agent_reply_records_the_first_response(hooks):
    handoff_id = hooks.post(message(1, SSO)).json()["handoff_id"]
    hooks.post(message(2, "Hi Priya, Jane here.", message_type="outgoing", sender=AGENT))
    response = hooks.client.get(
        f"/v1/handoffs/{handoff_id}", headers={"Authorization": f"Bearer {hooks.key}"}
    )
    assert response.json()["first_response_at"]


def test_qualifying_asks_the_next_question_once_per_visitor_message(hooks):
    answer = hooks.post(message(1, "We're looking at the enterprise plan.")).json()
    assert answer["action"] == "qualify"
    hooks.post(message(1, "We're looking at the enterprise plan."), delivery="again")
    (entry,) = _outbox_of(hooks, "reply")
    assert entry.handoff_id is None and entry.payload["say"]
    assert entry.key == "chatwoot:chatwoot-1-7:chatwoot-message-1"


def _outbox_of(hooks, kind: str) -> list[OutboxEntry]:
    return [e for e in _outbox(hooks) if e.kind == kind]
