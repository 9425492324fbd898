"""Slack incoming webhooks: Block Kit content, escaping of visitor text, limits, errors."""

from __future__ import annotations

import json

import pytest

from handoff.integrations.base import Delivery, build
from handoff.integrations.slack import MAX_BLOCKS, SECTION_CHARS, clip, escape, message

HOOK_PATH = "/services/T0001/B0001/abcdefghijklmnopqrstuvwx"


@pytest.fixture
def slack(httpserver, client):
    config = {
        "webhook_url": httpserver.url_for(HOOK_PATH),
        "timeout": 0.5,
        "allow_private_networks": True,
    }
    return build("slack", config, client)


def texts(body: dict) -> list[str]:
    found = [body["text"]]
    for block in body["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return found


def test_escape_neutralises_mentions_and_links():
    assert escape("<!channel> <@U123> <http://evil|forged> & co") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|forged&gt; &amp; co"
    )


def test_clip_never_leaves_half_an_entity():
    assert clip("ab&amp;cd", 5) == "ab…"
    assert clip("short", 10) == "short"


def test_the_message_says_who_what_why_and_links_the_handoff(packet):
    body = message(packet, "notify")
    flat = "\n".join(texts(body))
    assert "Priya &lt;b&gt;Shah&lt;/b&gt;, BigCorp &amp; Sons, priya@bigcorp.example" in flat
    assert "*Wants*\nenterprise — “" in flat and "*Why*\n• Handoff live to jane" in flat
    assert (
        "budget: 120,000 (needs ≥ 50000)" in flat
        and "intent 55 (threshold 40): pricing_page" in flat
    )
    (actions,) = [b for b in body["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["url"] == "https://handoff.example.com/handoffs/42"
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Handoff #42"},
    }


def test_no_visitor_string_can_ping_or_forge_a_link(packet):
    for text in texts(message(packet, "notify")):
        assert (
            "<!" not in text and "<@" not in text and "<http" not in text and "<script" not in text
        )
    assert "&lt;!channel&gt;" in json.dumps(message(packet, "notify"))


def test_long_text_stays_within_slack_limits(packet):
    packet["transcript"] = [
        {"role": "visitor", "text": "<" * 5000, "at": "2026-03-03T15:00:00Z"}
    ] * 30
    packet["qualification"]["criteria"] *= 200
    body = message(packet, "notify")
    assert len(body["blocks"]) <= MAX_BLOCKS
    assert all(len(t) <= SECTION_CHARS for t in texts(body))


def test_delivery_posts_the_message(httpserver, slack, packet):
    httpserver.expect_oneshot_request(HOOK_PATH, method="POST").respond_with_data("ok")
    result = slack.deliver(Delivery("notify", "handoff:42:notify", packet))
    assert result.ok, result.detail
    request, _ = httpserver.log[0]
    assert request.json["blocks"][0]["type"] == "header"


def test_a_reps_own_webhook_wins(httpserver, slack, packet):
    own = "/services/T0001/B0002/reps-own-token-0123456789"
    packet["rep"]["attributes"]["slack_webhook_url"] = httpserver.url_for(own)
    httpserver.expect_oneshot_request(own, method="POST").respond_with_data("ok")
    assert slack.deliver(Delivery("notify", "k", packet)).ok


@pytest.mark.parametrize(
    ("status", "body", "headers", "retry", "after"),
    [
        (400, "invalid_blocks", {}, False, None),
        (403, "invalid_token", {}, False, None),
        (404, "no_service", {}, False, None),
        (410, "channel_is_archived", {}, False, None),
        (429, "rate_limited", {"Retry-After": "30"}, True, 30.0),
        (500, "rollup_error", {}, True, None),
    ],
)
def test_slack_errors_are_judged(httpserver, slack, packet, status, body, headers, retry, after):
    httpserver.expect_request(HOOK_PATH).respond_with_data(body, status=status, headers=headers)
    result = slack.deliver(Delivery("notify", "k", packet))
    assert (
        not result.ok
        and result.retry is retry
        and result.retry_after == after
        and body in result.detail
    )
    assert "abcdefghijklmnopqrstuvwx" not in result.detail


def test_a_hang_times_out_and_retries(httpserver, slack, packet, hang):
    httpserver.expect_request(HOOK_PATH).respond_with_handler(hang)
    result = slack.deliver(Delivery("notify", "k", packet))
    assert not result.ok and result.retry and "Timeout" in result.detail


def test_without_any_webhook_the_delivery_is_parked(client, packet):
    result = build("slack", {}, client).deliver(Delivery("notify", "k", packet))
    assert not result.ok and not result.retry and "no webhook URL" in result.detail


def test_a_private_rep_webhook_is_refused_by_default(client, packet):
    packet["rep"]["attributes"]["slack_webhook_url"] = "http://169.254.169.254/latest/meta-data/iam"
    result = build("slack", {}, client).deliver(Delivery("notify", "k", packet))
    assert not result.ok and not result.retry and "not a public address" in result.detail


def test_nurture_is_not_for_slack(slack, packet):
    assert not slack.deliver(Delivery("nurture", "k", {})).ok
