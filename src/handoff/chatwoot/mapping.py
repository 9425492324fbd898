"""Chatwoot webhook payloads -> conversation events (CONTRACT §1), with stable event ids.

Incoming messages are the visitor's; outgoing ones are a bot's (sender `agent_bot`, or none:
automations) or a person's (sender `user`). Private notes, activity and template messages,
and messages without text are not input. The widget's page (`referer`) becomes the landing
page, a page view and its utm_* values; its browser a note; the contact an `identify`.
Each event's id comes from Chatwoot's ids (or its own content), so a webhook sent twice,
or by both an agent bot and an account webhook, is recorded once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from handoff.core.events import format_time, parse_time

PREFIX = "chatwoot"
MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
STATUS_EVENTS = {
    "conversation_status_changed",
    "conversation_updated",
    "conversation_opened",
    "conversation_resolved",
}
UTM = ("utm_source", "utm_medium", "utm_campaign")


@dataclass
class Mapped:
    """What a webhook means: the conversation and its events, or why it is ignored."""

    conversation_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    ignored: str | None = None


def conversation_id(account_id: int | str, display_id: int | str) -> str:
    """Our id for a Chatwoot conversation: `chatwoot-<account>-<conversation>`."""
    return f"{PREFIX}-{account_id}-{display_id}"


def chatwoot_ids(conversation: str) -> tuple[int, int] | None:
    """(account id, conversation id) of one of our ids for a Chatwoot conversation, else None."""
    parts = conversation.split("-")
    if len(parts) == 3 and parts[0] == PREFIX and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return None


def map_payload(payload: dict[str, Any], default_account: int | None) -> Mapped:
    """The events a webhook payload carries (CONTRACT §1)."""
    event = payload.get("event")
    if event == "message_created":
        return _message(payload, default_account)
    if event == "conversation_created":
        return _conversation(payload, default_account)
    if event in STATUS_EVENTS:
        return Mapped(ignored=f"{event}: a status change does not change the decision")
    if event in ("contact_created", "contact_updated"):
        return Mapped(
            ignored=f"{event}: the contact reaches its conversations with their next message"
        )
    return Mapped(ignored=f"{event!r} is not an event handoff uses")


def is_ours(raw: dict[str, Any], said: set[str]) -> bool:
    """Whether an outgoing message is one handoff posted (its text is one of the bot's `say`)."""
    return raw["type"] == "message" and raw["role"] != "visitor" and raw["text"].strip() in said


def _message(payload: dict[str, Any], default_account: int | None) -> Mapped:
    conversation = payload.get("conversation") or {}
    cid = _conversation_id(payload, conversation, default_account)
    if cid is None:
        return Mapped(ignored="message_created without a conversation")
    kind = payload.get("message_type")
    kind = MESSAGE_TYPES.get(kind, kind) if isinstance(kind, int) else kind
    text = payload.get("content")
    if payload.get("private"):
        return Mapped(cid, ignored="a private note is not part of the conversation")
    if kind not in ("incoming", "outgoing"):
        return Mapped(cid, ignored=f"{kind} messages are not part of the conversation")
    if not isinstance(text, str) or not text.strip():
        return Mapped(cid, ignored="a message without text")
    if not isinstance(payload.get("id"), int):
        return Mapped(cid, ignored="a message without an id")
    sender = payload.get("sender") or {}
    role = "visitor" if kind == "incoming" else "agent" if sender.get("type") == "user" else "bot"
    message = {
        "type": "message",
        "role": role,
        "text": text,
        "event_id": f"{PREFIX}-message-{payload.get('id')}",
    }
    at = _time(payload.get("created_at"))
    if at:
        message["at"] = at
    contact = (conversation.get("meta") or {}).get("sender") or (
        sender if role == "visitor" else {}
    )
    return Mapped(cid, [*_context(conversation, contact), message])


def _conversation(payload: dict[str, Any], default_account: int | None) -> Mapped:
    cid = _conversation_id(payload, payload, default_account)
    if cid is None:
        return Mapped(ignored="conversation_created without an id")
    events = _context(payload, (payload.get("meta") or {}).get("sender") or {})
    return Mapped(cid, events) if events else Mapped(cid, ignored="nothing known yet")


def _conversation_id(
    payload: dict[str, Any], conversation: dict[str, Any], default_account: int | None
) -> str | None:
    display = conversation.get("id")
    messages = conversation.get("messages") or [{}]
    account = (
        (payload.get("account") or {}).get("id")
        or conversation.get("account_id")
        or messages[0].get("account_id")
        or default_account
    )
    return conversation_id(account, display) if display and account else None


def _context(conversation: dict[str, Any], contact: dict[str, Any]) -> list[dict[str, Any]]:
    """Source, page, browser note and identify known from the conversation and its contact."""
    attributes = conversation.get("additional_attributes") or {}
    events = []
    referer = attributes.get("referer")
    if isinstance(referer, str) and referer.strip():
        query = parse_qs(urlsplit(referer).query)
        source = {"type": "source", "landing_page": referer}
        source |= {k: query[k][0] for k in UTM if query.get(k) and query[k][0]}
        events += [source, {"type": "page_view", "url": referer}]
    browser = _browser(attributes)
    if browser:
        events.append({"type": "note", "text": browser})
    identify = _identify(contact)
    if identify:
        events.append(identify)
    return [_stamp(event) for event in events]


def _browser(attributes: dict[str, Any]) -> str | None:
    browser = attributes.get("browser") or {}
    if not isinstance(browser, dict):
        return None
    name = " ".join(str(browser[k]) for k in ("browser_name", "browser_version") if browser.get(k))
    where = " ".join(
        str(browser[k]) for k in ("platform_name", "platform_version") if browser.get(k)
    )
    language = attributes.get("browser_language")
    parts = [name, f"on {where}" if where else "", f"({language})" if language else ""]
    text = " ".join(p for p in parts if p)
    return f"Chatwoot widget: {text}" if text else None


def _identify(contact: dict[str, Any]) -> dict[str, Any] | None:
    extra = contact.get("additional_attributes") or {}
    country = extra.get("country_code")
    values = {
        "email": contact.get("email"),
        "name": contact.get("name"),
        "phone": contact.get("phone_number"),
        "company": extra.get("company_name"),
        "city": extra.get("city"),
        "country": country.upper() if isinstance(country, str) and len(country) == 2 else None,
    }
    values = {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}
    return {"type": "identify", **values} if values else None


def _stamp(event: dict[str, Any]) -> dict[str, Any]:
    """The event with an id derived from its content (no time: it is known from now on)."""
    text = json.dumps(event, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return {**event, "event_id": f"{PREFIX}-{event['type']}-{digest}"}


def _time(value: Any) -> str | None:
    """RFC 3339 text of a Chatwoot time (Unix seconds or ISO 8601), else None."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return format_time(datetime.fromtimestamp(value, UTC))
        if isinstance(value, str) and value:
            return format_time(parse_time(value))
    except (ValueError, OverflowError, OSError):
        return None
    return None
