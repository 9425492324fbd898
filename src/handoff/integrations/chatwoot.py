"""Chatwoot: speak in the conversation, and on a handoff open it, assign it and leave a note.

A `reply` delivery's payload names the Chatwoot conversation (`chatwoot`: account_id,
conversation_id) and carries the decision's `action`, `mode` and `say`; a handoff's also
carries the packet. On a handoff: toggle_status -> open, assign the team and the agent
(rep attributes `chatwoot_team_id` / `chatwoot_agent_id`, or `team_ids` by team), a private
note with the packet's summary, then `say` to the visitor. Otherwise only `say`.

Redelivery: status and assignment are idempotent; the note carries the delivery's marker
and `say` counts as posted when an outgoing public message with the same text follows the
visitor's last message. Both are looked up by listing the conversation's messages, which an
agent bot's token may not do on every Chatwoot version: then the steps run without lookup.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Result, classify, register
from handoff.integrations.outbound import (
    ApiIntegration,
    HttpConfig,
    Stop,
    json_of,
    refused,
    unsupported,
)

INCOMING, OUTGOING = 0, 1
NOTE_CHARS = 20_000


class ChatwootConfig(HttpConfig):
    """A Chatwoot account and an access token (an agent bot's or an agent's)."""

    base_url: str
    api_access_token: SecretStr
    account_id: int
    team_ids: dict[str, int] = {}
    agent_attribute: str = "chatwoot_agent_id"
    team_attribute: str = "chatwoot_team_id"


@register
class Chatwoot(ApiIntegration):
    """Open, assign, note and reply in the Chatwoot conversation a handoff came from."""

    name = "chatwoot"
    Config = ChatwootConfig
    config: ChatwootConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Carry out the decision's steps in the conversation, each at most once when possible."""
        if delivery.kind != "reply":
            return unsupported(self.name, delivery.kind)
        return self.http.run(lambda: self._reply(delivery))

    def _reply(self, delivery: Delivery) -> Result:
        payload = delivery.payload
        where = payload.get("chatwoot") or {}
        if not where.get("conversation_id"):
            raise refused("chatwoot: the delivery names no Chatwoot conversation")
        base = (
            f"/api/v1/accounts/{where.get('account_id') or self.config.account_id}"
            f"/conversations/{where['conversation_id']}"
        )
        messages = self._messages(base)
        done: dict[str, Any] = {"looked_up": messages is not None}
        if payload.get("action") == "handoff":
            self.call_json(
                "POST", f"{base}/toggle_status", "chatwoot open", json={"status": "open"}
            )
            done["opened"] = True
            done |= self._assign(base, payload)
            mark = summary.marker(delivery.key)
            done["note_id"] = _find(messages, lambda m: m.get("private") and mark in _text(m))
            if done["note_id"] is None:
                note = f"{summary.summary_text(payload)[:NOTE_CHARS]}\nref {mark}"
                done["note_id"] = self._post(base, note, private=True)
        say = (payload.get("say") or "").strip()
        if say:
            done["message_id"] = _said(messages, say) or self._post(base, say, private=False)
        steps = ", ".join(k for k in ("opened", "assignee_id", "team_id", "note_id") if done.get(k))
        return Result(
            True,
            f"chatwoot: conversation {where['conversation_id']}: {steps or 'replied'}",
            external_id=str(where["conversation_id"]),
            extra=done,
        )

    def _assign(self, base: str, packet: dict[str, Any]) -> dict[str, Any]:
        team = summary.rep_attribute(packet, self.config.team_attribute)
        routed = (packet.get("route") or {}).get("team")
        if team is None and routed in self.config.team_ids:
            team = str(self.config.team_ids[routed])
        agent = summary.rep_attribute(packet, self.config.agent_attribute)
        done: dict[str, Any] = {}
        for key, value in (("team_id", team), ("assignee_id", agent)):
            if value is not None:
                body = {key: int(value) if value.isdigit() else value}
                self.call_json("POST", f"{base}/assignments", f"chatwoot assign {key}", json=body)
                done[key] = value
        return done

    def _messages(self, base: str) -> list[dict[str, Any]] | None:
        """The conversation's latest messages, or None when this token may not list them."""
        what = "chatwoot list messages"
        response = self.send("GET", f"{base}/messages", what)
        if response.status_code in (401, 403):
            return None
        if not response.is_success:
            raise Stop(classify(response, what))
        return list(json_of(response, what).get("payload") or [])

    def _post(self, base: str, content: str, *, private: bool) -> Any:
        body = {"content": content, "message_type": "outgoing", "private": private}
        what = "chatwoot note" if private else "chatwoot message"
        return self.call_json("POST", f"{base}/messages", what, json=body).get("id")

    def root(self) -> str:
        """The Chatwoot installation's root."""
        return self.config.base_url.rstrip("/")

    def auth(self) -> dict[str, str]:
        """The access token in Chatwoot's header."""
        return {"api_access_token": self.config.api_access_token.get_secret_value()}


def _text(message: dict[str, Any]) -> str:
    return message.get("content") or ""


def _find(messages: list[dict[str, Any]] | None, match) -> Any:
    for message in messages or []:
        if match(message):
            return message.get("id")
    return None


def _said(messages: list[dict[str, Any]] | None, say: str) -> Any:
    """The id of a public outgoing `say` posted after the visitor's last message, if any."""
    for message in reversed(messages or []):
        if message.get("message_type") in (INCOMING, "incoming"):
            return None
        outgoing = message.get("message_type") in (OUTGOING, "outgoing")
        if outgoing and not message.get("private") and _text(message).strip() == say:
            return message.get("id")
    return None
