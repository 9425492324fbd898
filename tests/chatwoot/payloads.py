"""Webhook payloads shaped as Chatwoot sends them (Message#webhook_data, conversation push data)."""

from __future__ import annotations

import json
import time
from typing import Any

from handoff.chatwoot.signature import sign

ACCOUNT = {"id": 1, "name": "Acme"}
CONTACT = {
    "id": 55,
    "name": "Priya Shah",
    "email": "priya@bigcorp.example",
    "phone_number": "+12125550100",
    "identifier": None,
    "thumbnail": "",
    "type": "contact",
    "additional_attributes": {"company_name": "BigCorp", "city": "New York", "country_code": "us"},
    "custom_attributes": {},
}
BROWSER = {
    "browser_name": "Chrome",
    "browser_version": "120.0",
    "platform_name": "macOS",
    "platform_version": "14",
    "device_name": "Unknown",
}


def conversation(cid: int = 7, referer: str | None = None) -> dict[str, Any]:
    """A web widget conversation as Conversations::EventDataPresenter#push_data gives it."""
    return {
        "additional_attributes": {
            "browser": BROWSER,
            "referer": referer
            or "https://acme.example/enterprise/sso?utm_source=google&utm_campaign=enterprise-q1",
            "initiated_at": {"timestamp": "Tue Mar 03 2026 10:00:00 GMT-0500"},
            "browser_language": "en",
        },
        "can_reply": True,
        "channel": "Channel::WebWidget",
        "contact_inbox": {"id": 31, "contact_id": 55, "inbox_id": 3, "source_id": "d1a2"},
        "id": cid,
        "inbox_id": 3,
        "messages": [],
        "labels": [],
        "meta": {"sender": CONTACT, "assignee": None, "team": None, "hmac_verified": False},
        "status": "pending",
        "custom_attributes": {},
        "snoozed_until": None,
        "unread_count": 1,
        "first_reply_created_at": None,
        "priority": None,
        "waiting_since": 1772550000,
        "agent_last_seen_at": 0,
        "contact_last_seen_at": 0,
        "last_activity_at": 1772550000,
        "timestamp": 1772550000,
        "created_at": 1772550000,
        "updated_at": 1772550000.5,
    }


def message(
    mid: int,
    content: str | None,
    *,
    message_type: str = "incoming",
    sender: dict | None = None,
    private: bool = False,
    cid: int = 7,
    at: str = "2026-03-03T15:00:00.000Z",
) -> dict[str, Any]:
    """A message_created webhook (Message#webhook_data + event)."""
    return {
        "event": "message_created",
        "id": mid,
        "content": content,
        "created_at": at,
        "message_type": message_type,
        "content_type": "text",
        "private": private,
        "content_attributes": {},
        "source_id": None,
        "sender": sender if sender is not None else CONTACT,
        "inbox": {"id": 3, "name": "Website"},
        "conversation": conversation(cid),
        "account": ACCOUNT,
    }


AGENT = {"id": 12, "name": "Jane Park", "email": "jane@acme.example", "type": "user"}
BOT = {"id": 4, "name": "Handoff", "type": "agent_bot"}


def signed(secret: str, payload: dict, delivery: str | None, skew: int = 0) -> tuple[bytes, dict]:
    """The body and headers Chatwoot sends for `payload`."""
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) + skew)
    headers = {
        "Content-Type": "application/json",
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Signature": sign(secret, stamp, body),
    }
    if delivery:
        headers["X-Chatwoot-Delivery"] = delivery
    return body, headers
