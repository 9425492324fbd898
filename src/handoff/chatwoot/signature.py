"""Chatwoot's webhook signature: `sha256=` + hex HMAC-SHA256 of `{timestamp}.{raw body}`."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE = "x-chatwoot-signature"
TIMESTAMP = "x-chatwoot-timestamp"
DELIVERY = "x-chatwoot-delivery"


class BadSignature(ValueError):
    """A webhook refused: unsigned, signed with another secret, or outside the time tolerance."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Chatwoot-Signature value for a body sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secrets: list[str], headers: Mapping[str, str], body: bytes, now: float, tolerance: int
) -> None:
    """Raise BadSignature unless the headers sign `body` with one of `secrets` in time."""
    signature = headers.get(SIGNATURE) or ""
    timestamp = headers.get(TIMESTAMP) or ""
    if not signature or not timestamp:
        raise BadSignature("missing X-Chatwoot-Signature or X-Chatwoot-Timestamp")
    if not timestamp.isdigit():
        raise BadSignature("X-Chatwoot-Timestamp is not Unix seconds")
    if abs(now - int(timestamp)) > tolerance:
        raise BadSignature(f"X-Chatwoot-Timestamp is more than {tolerance} s away from now")
    sent = signature.strip()
    if not any(hmac.compare_digest(sent, sign(s, timestamp, body)) for s in secrets if s):
        raise BadSignature("X-Chatwoot-Signature does not match the body")
