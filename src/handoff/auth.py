"""API keys: a random token shown once, stored as its SHA-256, with one scope.

`ingest` may post events and simulate, `read` may read, `admin` may do everything.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from handoff.db.conversations import add
from handoff.db.keys import key_by_hash, key_by_name
from handoff.db.models import ApiKey
from handoff.errors import Conflict, NotFound

SCOPES = ("ingest", "read", "admin")
TOKEN_PREFIX = "hk_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name and scope."""

    name: str
    scope: str

    def may(self, needed: str) -> bool:
        """Whether this key's scope covers `needed` (admin covers everything)."""
        return self.scope == "admin" or self.scope == needed


def token_hash(token: str) -> str:
    """The SHA-256 (hex) kept for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(session: Session, name: str, scope: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key and its token (the token is not kept anywhere)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    if key_by_name(session, name) is not None:
        raise Conflict(f"a key named '{name}' exists already")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=token[:10], hash=token_hash(token), scope=scope, created_at=now)
    add(session, key)
    return key, token


def revoke_key(session: Session, name: str, now: datetime) -> ApiKey:
    """Revoke the key called `name`."""
    key = key_by_name(session, name)
    if key is None:
        raise NotFound(f"no key named '{name}'")
    key.revoked_at = key.revoked_at or now
    return key


class KeyCache:
    """Recently checked tokens, so a request costs no key lookup (revocation shows within `ttl`)."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """(whether the token was checked recently, the principal it stands for)."""
        with self._lock:
            hit = self._seen.get(token_hash(token))
        if hit and time.monotonic() - hit[0] < self.ttl:
            return True, hit[1]
        return False, None

    def principal(self, session_factory, token: str) -> Principal | None:
        """Look the token up in the store: its principal, or None when unknown or revoked."""
        digest = token_hash(token)
        with session_factory() as session:
            key = key_by_hash(session, digest)
            found = Principal(key.name, key.scope) if key and key.revoked_at is None else None
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[digest] = (time.monotonic(), found)
        return found

    def clear(self) -> None:
        """Forget every cached token (after a key is revoked in this process)."""
        with self._lock:
            self._seen.clear()
