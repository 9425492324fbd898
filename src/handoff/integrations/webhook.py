"""A generic webhook signed per Standard Webhooks (https://www.standardwebhooks.com).

Headers: `webhook-id` (the delivery key: the receiver deduplicates by it), `webhook-timestamp`
(Unix seconds), `webhook-signature` (`v1,` + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"
keyed with the base64-decoded part of a `whsec_` secret). `verify` is the receiver's check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import SecretStr, field_validator

from handoff.integrations.base import Delivery, Result, register
from handoff.integrations.outbound import HttpConfig, HttpIntegration

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


class WebhookConfig(HttpConfig):
    """Where to post and the shared `whsec_` secret."""

    url: SecretStr
    secret: SecretStr

    @field_validator("secret")
    @classmethod
    def _decodable(cls, value: SecretStr) -> SecretStr:
        key_of(value.get_secret_value())
        return value


def key_of(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret (with or without the whsec_ prefix)."""
    raw = secret.removeprefix(PREFIX)
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except binascii.Error:
        raise ValueError("the webhook secret is not base64 (whsec_...)") from None
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature value: 'v1,' + base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'."""
    digest = hmac.new(key_of(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1," + base64.b64encode(digest.digest()).decode()


def verify(secret: str, headers: Mapping[str, str], body: str, now: float | None = None) -> bool:
    """Whether a received webhook is signed with secret and fresh (within five minutes)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp = lower.get("webhook-id"), lower.get("webhook-timestamp", "")
    if not msg_id or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, msg_id, int(stamp), body).encode()
    offered = lower.get("webhook-signature", "").split()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in offered)


def envelope(delivery: Delivery, now: datetime) -> str:
    """The body: {type, timestamp, data} as compact JSON."""
    body = {
        "type": f"handoff.{delivery.kind}",
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": delivery.payload,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


@register
class Webhook(HttpIntegration):
    """Posts any delivery (lead, notify, nurture) as a signed JSON event."""

    name = "webhook"
    Config = WebhookConfig
    config: WebhookConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Post the signed event; the receiver deduplicates by webhook-id."""
        return self.http.run(lambda: self._post(delivery))

    def _post(self, delivery: Delivery) -> Result:
        now = datetime.now(UTC)
        body = envelope(delivery, now)
        stamp = int(now.timestamp())
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.key,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(
                self.config.secret.get_secret_value(), delivery.key, stamp, body
            ),
        }
        url = self.config.url.get_secret_value()
        response = self.http.call("POST", url, "webhook", headers=headers, content=body.encode())
        return Result(True, f"webhook: {response.status_code}", extra={"webhook_id": delivery.key})
