"""Slack incoming webhooks: a Block Kit message saying who, what they want, why, and a link.

Every visitor-provided string is escaped (&, <, >), so `<!channel>`, `<@U123>` and
`<http://evil|forged>` arrive as text. Sections stay under Slack's 3000 characters and the
message far under its 50 blocks. Slack has no idempotency: a redelivery posts again.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Result, register
from handoff.integrations.outbound import HttpConfig, HttpIntegration, refused, unsupported

SECTION_CHARS = 3000
HEADER_CHARS = 150
TRANSCRIPT_TURNS = 8
MAX_BLOCKS = 50
PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


class SlackConfig(HttpConfig):
    """A default incoming-webhook URL; a rep's own `slack_webhook_url` attribute wins if allowed."""

    webhook_url: SecretStr | None = None
    use_rep_webhook: bool = True


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: & < > become entities, so nothing pings or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """text cut to limit characters (an ellipsis marks the cut), never inside an entity."""
    if len(text) <= limit:
        return text
    return PARTIAL_ENTITY.sub("", text[: limit - 1]) + "…"


def section(label: str, text: str) -> dict[str, Any]:
    """A mrkdwn section '*label* text'; text already escaped."""
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(f"*{label}*\n{text}", SECTION_CHARS)},
    }


def blocks(packet: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The Block Kit message for a packet."""
    handoff = packet.get("handoff_id")
    heading = f"Handoff #{handoff}" if handoff is not None else "Handoff"
    if kind == "lead":
        heading += " logged"
    out: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(heading, HEADER_CHARS)}},
        section("Who", escape(summary.who(packet))),
        section("Wants", escape(summary.wants(packet))),
        section("Why", "\n".join("• " + escape(line) for line in summary.why(packet)) or "—"),
    ]
    turns = summary.transcript_lines(packet)[-TRANSCRIPT_TURNS:]
    if turns:
        out.append(section("Latest messages", "\n".join(escape(t) for t in turns)))
    route = summary.route(packet)
    if route:
        out.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": clip(escape(route), SECTION_CHARS)}],
            }
        )
    url = packet.get("url")
    if url:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Open handoff"},
            "url": str(url)[:3000],
        }
        out.append({"type": "actions", "elements": [button]})
    return out[:MAX_BLOCKS]


def message(packet: dict[str, Any], kind: str) -> dict[str, Any]:
    """The webhook body: blocks plus the notification's fallback text."""
    fallback = clip(escape(f"{summary.title(packet)} — {summary.wants(packet)}"), SECTION_CHARS)
    return {"text": fallback, "blocks": blocks(packet, kind), "unfurl_links": False}


@register
class Slack(HttpIntegration):
    """Posts a handoff to a Slack channel through an incoming webhook."""

    name = "slack"
    Config = SlackConfig
    config: SlackConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Post the message; Slack answers 'ok' or an error word."""
        if delivery.kind not in ("notify", "lead"):
            return unsupported(self.name, delivery.kind)
        url = self._url(delivery.payload)
        return self.http.run(lambda: self._post(url, delivery), url or "")

    def _url(self, packet: dict[str, Any]) -> str | None:
        own = (
            summary.rep_attribute(packet, "slack_webhook_url")
            if self.config.use_rep_webhook
            else None
        )
        default = self.config.webhook_url.get_secret_value() if self.config.webhook_url else None
        return own or default

    def _post(self, url: str | None, delivery: Delivery) -> Result:
        if not url:
            raise refused(
                "slack: no webhook URL (config webhook_url or the rep's slack_webhook_url)"
            )
        body = message(delivery.payload, delivery.kind)
        response = self.http.call("POST", url, "slack", json=body)
        return Result(True, f"slack: {response.status_code} {response.text[:20]}")
