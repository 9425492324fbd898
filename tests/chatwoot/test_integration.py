"""The chatwoot integration against a local server speaking Chatwoot's API; then the whole loop."""

from __future__ import annotations

import httpx
import pytest
from werkzeug import Response

from handoff.integrations.base import Delivery, build
from handoff.targets import Target, Targets
from handoff.worker import Worker

from .fake import BOT_TOKEN, USER_TOKEN, FakeChatwoot, keep_token_header
from .payloads import message

HOSTILE = "<script>alert(1)</script> & talk to sales"
SAY = "Connecting you with Jane Park from our sales team now."


def packet(**extra) -> dict:
    """A handoff reply as the worker hands it over: the packet and the decision's words."""
    return {
        "handoff_id": 42,
        "conversation_id": "chatwoot-1-7",
        "url": "https://handoff.example.com/handoffs/42",
        "contact": {"name": "Priya Shah", "email": "priya@bigcorp.example", "company": "BigCorp"},
        "transcript": [{"role": "visitor", "text": HOSTILE, "at": "2026-03-03T15:00:00Z"}],
        "facts": {},
        "qualification": {
            "criteria": [{"id": "budget", "status": "met", "value": 120000, "expected": "≥ 50000"}]
        },
        "intent": {
            "score": 55,
            "threshold": 40,
            "signals": [{"id": "pricing_page"}],
            "triggers": [],
        },
        "notes": [],
        "route": {"id": "default", "team": "sales", "priority": "normal"},
        "mode": "live",
        "rep": {"id": "jane", "name": "Jane Park", "attributes": {"chatwoot_agent_id": "12"}},
        "reason": "Handoff live to jane via route default (team sales).",
        "chatwoot": {"account_id": 1, "conversation_id": 7},
        "action": "handoff",
        "say": SAY,
        **extra,
    }


@pytest.fixture
def fake(httpserver, monkeypatch) -> FakeChatwoot:
    """The fake Chatwoot with conversation 7, where the visitor has spoken."""
    keep_token_header(monkeypatch)
    fake = FakeChatwoot(httpserver)
    fake.incoming(7, HOSTILE)
    return fake


def chatwoot(httpserver, token: str = USER_TOKEN, **config):
    """The integration configured for the fake."""
    values = {
        "base_url": httpserver.url_for("/"),
        "api_access_token": token,
        "account_id": 1,
        "allow_private_networks": True,
        "team_ids": {"sales": 3},
        **config,
    }
    return build("chatwoot", values, httpx.Client())


def test_a_handoff_opens_assigns_notes_and_replies(httpserver, fake):
    result = chatwoot(httpserver).deliver(Delivery("reply", "chatwoot:c:handoff", packet()))
    assert result.ok, result.detail
    conversation = fake.conversations[7]
    assert conversation["status"] == "open"
    assert (conversation["team_id"], conversation["assignee_id"]) == (3, 12)
    assert fake.calls("assignments") == [{"team_id": 3}, {"assignee_id": 12}]
    note, said = conversation["messages"][1:]
    assert note["private"] and not said["private"] and said["content"] == SAY
    assert "Why: Handoff live to jane via route default" in note["content"]
    assert "Route: route default, team sales" in note["content"]
    assert "https://handoff.example.com/handoffs/42" in note["content"]
    assert HOSTILE in note["content"]
    assert fake.calls("messages")[0] == {
        "content": note["content"],
        "message_type": "outgoing",
        "private": True,
    }
    assert result.extra["note_id"] == note["id"] and result.extra["message_id"] == said["id"]


def test_a_redelivery_posts_nothing_twice(httpserver, fake):
    integration = chatwoot(httpserver)
    delivery = Delivery("reply", "chatwoot:c:handoff", packet())
    assert integration.deliver(delivery).ok
    again = integration.deliver(Delivery("reply", "chatwoot:c:handoff", packet(), attempt=2))
    assert again.ok and len(fake.conversations[7]["messages"]) == 3
    assert len(fake.calls("messages")) == 2


def test_qualifying_only_asks_and_asks_again_after_the_visitor_speaks(httpserver, fake):
    integration = chatwoot(httpserver)
    ask = {
        "chatwoot": {"account_id": 1, "conversation_id": 7},
        "action": "qualify",
        "say": "Budget?",
    }
    assert integration.deliver(Delivery("reply", "q-1", ask)).ok
    assert integration.deliver(Delivery("reply", "q-1", ask)).ok
    fake.incoming(7, "not sure")
    assert integration.deliver(Delivery("reply", "q-2", ask)).ok
    texts = [m["content"] for m in fake.conversations[7]["messages"]]
    assert texts == [HOSTILE, "Budget?", "not sure", "Budget?"]
    assert fake.calls("toggle_status") == [] and fake.conversations[7]["status"] == "pending"


def test_an_agent_bot_token_works_without_the_lookup(httpserver, fake):
    result = chatwoot(httpserver, BOT_TOKEN).deliver(Delivery("reply", "k", packet()))
    assert result.ok and result.extra["looked_up"] is False
    assert len(fake.conversations[7]["messages"]) == 3


def test_errors_are_parked_or_retried_and_the_token_never_shows(httpserver, fake):
    missing = chatwoot(httpserver).deliver(
        Delivery("reply", "k", packet(chatwoot={"account_id": 1, "conversation_id": 404}))
    )
    assert not missing.ok and not missing.retry and "404" in missing.detail
    bad = chatwoot(httpserver, "wrong-token-123456").deliver(Delivery("reply", "k", packet()))
    assert not bad.ok and not bad.retry and "wrong-token" not in bad.detail
    fake.fail["toggle_status"] = Response("{}", status=429, headers={"Retry-After": "7"})
    busy = chatwoot(httpserver).deliver(Delivery("reply", "k", packet()))
    assert busy.retry and busy.retry_after == 7
    lead = chatwoot(httpserver).deliver(Delivery("lead", "k", packet()))
    assert not lead.ok and not lead.retry


def test_webhook_to_worker_to_chatwoot(httpserver, fake, hooks):
    config = {
        "base_url": httpserver.url_for("/"),
        "api_access_token": USER_TOKEN,
        "account_id": 1,
        "allow_private_networks": True,
    }
    targets = Targets([Target("chatwoot", "chatwoot", config, ("reply",))])
    worker = Worker(hooks.sessions, targets, clock=hooks.app.state.services.clock)
    hooks.post(message(1, "We're looking at the enterprise plan."))
    worker.run_until_idle()
    asked = fake.conversations[7]["messages"][-1]
    assert not asked["private"] and "budget" in asked["content"].lower()
    text = "Budget is about $120k, within 3 months, I'm the CTO. Can I talk to sales?"
    answer = hooks.post(message(2, text)).json()
    assert answer["action"] == "handoff"
    worker.run_until_idle()
    note, said = fake.conversations[7]["messages"][-2:]
    assert fake.conversations[7]["status"] == "open"
    assert note["private"] and "Chat handoff: Priya Shah (BigCorp)" in note["content"]
    assert said["content"] == hooks.conversation()["decision"]["say"]
    echo = message(said["id"], said["content"], message_type="outgoing", sender={"type": "user"})
    assert hooks.post(echo).json()["status"] == "ignored"
    worker.run_until_idle()
    assert len(fake.conversations[7]["messages"]) == 4


def test_configured_from_the_environment():
    env = {
        "HANDOFF_CHATWOOT_BASE_URL": "https://chatwoot.example.com",
        "HANDOFF_CHATWOOT_API_ACCESS_TOKEN": BOT_TOKEN,
        "HANDOFF_CHATWOOT_ACCOUNT_ID": "1",
        "HANDOFF_CHATWOOT_TEAM_IDS": '{"sales": 2}',
        "HANDOFF_CHATWOOT_WEBHOOK_SECRET": "not the integration's",
    }
    (target,) = Targets.from_env(env).serving("reply", "sales")
    integration = build(target.integration, target.config, httpx.Client())
    assert target.name == "chatwoot" and integration.config.team_ids == {"sales": 2}
    assert Targets.from_env(env).serving("lead", "sales") == []
