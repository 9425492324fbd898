"""Sign-in throttling, counted from the audit log so every server process sees the same count.

After `per_email` failed sign-ins for one email, or `per_client` from one client, within
the window, the sign-in form refuses without checking the password until enough of those
failures have aged out of the window: throttling, not a lockout. A successful sign-in
clears nothing, since the failures counted against an email may be someone else's guesses.
A client is its IPv4 address, or its IPv6 /64 (one host can hold a whole /64).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from handoff.db.dashboard_models import AuditEntry
from handoff.settings import Settings

FAILED = "sign_in_failed"


@dataclass(frozen=True)
class SignInLimits:
    """How many failed sign-ins one email and one client may have within `window`."""

    per_email: int
    per_client: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimits:
        """The limits HANDOFF_SIGN_IN_FAILURES_PER_EMAIL, …_PER_IP and …_WINDOW_SECONDS set."""
        return cls(
            settings.sign_in_failures_per_email,
            settings.sign_in_failures_per_ip,
            timedelta(seconds=settings.sign_in_window_seconds),
        )


def client_key(host: str | None) -> str:
    """What a client's failures are counted under: an IPv4 address, or an IPv6 /64."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return (host or "unknown")[:200]
    if address.version == 6:
        if address.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        address = address.ipv4_mapped
    return str(address)


def retry_after(
    session: Session, limits: SignInLimits, email: str, client: str, now: datetime
) -> int:
    """Seconds before `email` may try to sign in from `client` again; 0: now.

    Call it in the write transaction that records the attempt's failure. When the answer is
    0 on PostgreSQL it holds a lock on the email and on the client until commit and counts
    again, so parallel attempts are counted one after another (SQLite writers queue already).
    """
    wait = _wait(session, limits, email, client, now)
    if wait == 0 and _lock(session, f"sign-in client {client}", f"sign-in email {email}"):
        wait = _wait(session, limits, email, client, now)
    return wait


def _wait(session: Session, limits: SignInLimits, email: str, client: str, now: datetime) -> int:
    since = now - limits.window
    waits = [
        _until(session, limits.per_email, since, AuditEntry.actor == email),
        _until(session, limits.per_client, since, AuditEntry.subject == client),
    ]
    ends = [at + limits.window for at in waits if at is not None]
    return max(1, math.ceil((max(ends) - now).total_seconds())) if ends else 0


def _until(session: Session, limit: int, since: datetime, who: ColumnElement) -> datetime | None:
    """The oldest of `who`'s newest `limit` failures since `since`, when there are that many."""
    query = (
        select(AuditEntry.at)
        .where(AuditEntry.action == FAILED, who, AuditEntry.at > since)
        .order_by(AuditEntry.at.desc())
        .limit(limit)
    )
    times = list(session.execute(query).scalars())
    return times[-1] if len(times) == limit else None


def _lock(session: Session, *names: str) -> bool:
    """Take PostgreSQL transaction locks on `names`, in one order (no deadlock); whether taken."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    for name in sorted(names):
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    return True
