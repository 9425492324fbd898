"""The outbox: side effects written with the decision, fanned out per target, claimed, retried.

Writing (`add_effect`) happens in the caller's transaction; every other function here is
one step of the worker, each run in a transaction the caller owns. Claims take a lease:
on PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED, on SQLite the write lock
(BEGIN IMMEDIATE) makes the claim atomic. A worker that dies leaves its claims to expire.

Retries follow SCHEDULE (Svix's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after failures
1-7; about 27.6 hours in all), each delay scaled by a random factor in [1 - JITTER, 1 + JITTER]
and never shorter than the target's Retry-After. After the eighth failed attempt, or at once
when the target says retrying cannot help (most 4xx), the delivery is parked ("dead").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handoff.db.outbox_models import DeliveryRow, OutboxEntry
from handoff.db.sql import insert_ignore
from handoff.integrations.base import Result
from handoff.targets import Targets

SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = 0.1
MAX_RETRY_AFTER = 86400
STATUSES = ("pending", "delivered", "dead")


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed by a worker, with what it needs to carry it out."""

    id: int
    key: str
    kind: str
    target: str
    attempt: int
    handoff_id: int | None
    conversation_id: str
    payload: dict[str, Any]


def add_effect(
    session: Session,
    kind: str,
    key: str,
    conversation_id: str,
    now: datetime,
    *,
    handoff_id: int | None = None,
    team: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Write one side effect (once per key) in the caller's transaction."""
    values = {
        "key": key,
        "kind": kind,
        "conversation_id": conversation_id,
        "handoff_id": handoff_id,
        "team": team,
        "payload": payload or {},
        "created_at": now,
    }
    insert_ignore(session, OutboxEntry, values)


def has_work(session: Session, now: datetime) -> bool:
    """Whether a side effect waits to be fanned out or a delivery is due (a cheap read)."""
    unfanned = select(OutboxEntry.id).where(OutboxEntry.fanned_at.is_(None)).limit(1)
    due = select(DeliveryRow.id).where(*_due(now)).limit(1)
    return session.execute(unfanned).first() is not None or (
        session.execute(due).first() is not None
    )


def _due(now: datetime) -> tuple:
    lease_over = DeliveryRow.lease_until.is_(None) | (DeliveryRow.lease_until <= now)
    return DeliveryRow.status == "pending", DeliveryRow.due_at <= now, lease_over


def fan_out(session: Session, targets: Targets, now: datetime, limit: int = 100) -> int:
    """One pending delivery per target serving each new side effect; how many effects."""
    query = (
        select(OutboxEntry)
        .where(OutboxEntry.fanned_at.is_(None))
        .order_by(OutboxEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    entries = list(session.execute(query).scalars())
    for entry in entries:
        for target in targets.serving(entry.kind, entry.team):
            row = {
                "outbox_id": entry.id,
                "key": f"{entry.key}:{target.name}",
                "kind": entry.kind,
                "target": target.name,
                "status": "pending",
                "attempts": 0,
                "due_at": now,
                "created_at": now,
                "updated_at": now,
            }
            insert_ignore(session, DeliveryRow, row)
        entry.fanned_at = now
    return len(entries)


def claim(
    session: Session,
    worker: str,
    now: datetime,
    limit: int,
    lease: float,
    busy: frozenset[str] = frozenset(),
) -> list[Claimed]:
    """Claim up to `limit` due deliveries (none for `busy` targets) for `lease` seconds."""
    if limit <= 0:
        return []
    query = (
        select(DeliveryRow, OutboxEntry)
        .join(OutboxEntry, OutboxEntry.id == DeliveryRow.outbox_id)
        .where(*_due(now))
        .order_by(DeliveryRow.due_at, DeliveryRow.id)
        .limit(limit)
        .with_for_update(of=DeliveryRow, skip_locked=True)
    )
    if busy:
        query = query.where(DeliveryRow.target.not_in(busy))
    claimed = []
    for row, entry in session.execute(query).all():
        row.lease_until = now + timedelta(seconds=lease)
        row.claimed_by = worker
        claimed.append(
            Claimed(
                row.id,
                row.key,
                row.kind,
                row.target,
                row.attempts + 1,
                entry.handoff_id,
                entry.conversation_id,
                dict(entry.payload),
            )
        )
    return claimed


def record(session: Session, delivery_id: int, result: Result, now: datetime) -> str:
    """Record an attempt's result: delivered, due again after a backoff, or parked."""
    row = session.get(DeliveryRow, delivery_id, with_for_update=True, populate_existing=True)
    if row is None or row.status != "pending":
        return row.status if row is not None else "gone"
    row.attempts += 1
    row.updated_at = now
    row.lease_until = None
    row.claimed_by = None
    if result.ok:
        row.status, row.delivered_at, row.external_id = "delivered", now, result.external_id
        return row.status
    row.last_error = f"attempt {row.attempts}: {result.detail}"[:2000]
    delay = backoff(row.attempts, result.retry_after) if result.retry else None
    if delay is None:
        row.status = "dead"
    else:
        row.due_at = now + timedelta(seconds=delay)
    return row.status


def backoff(failures: int, retry_after: float | None = None) -> float | None:
    """Seconds to wait after `failures` failed attempts (None: give up), jittered."""
    if failures > len(SCHEDULE):
        return None
    delay = SCHEDULE[failures - 1] * random.uniform(1 - JITTER, 1 + JITTER)
    return max(delay, min(retry_after or 0.0, MAX_RETRY_AFTER))


def replay(
    session: Session, now: datetime, ids: list[int] | None = None, target: str | None = None
) -> int:
    """Make parked deliveries due now with a fresh schedule (every one, or these ids/target)."""
    query = (
        update(DeliveryRow)
        .where(DeliveryRow.status == "dead")
        .values(status="pending", attempts=0, due_at=now, lease_until=None, updated_at=now)
    )
    if ids is not None:
        query = query.where(DeliveryRow.id.in_(ids))
    if target is not None:
        query = query.where(DeliveryRow.target == target)
    return session.execute(query).rowcount


def list_deliveries(
    session: Session,
    *,
    status: str | None = None,
    target: str | None = None,
    kind: str | None = None,
    handoff_id: int | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[tuple[DeliveryRow, OutboxEntry]]:
    """Deliveries matching every filter given, newest first, with their side effect."""
    query = (
        select(DeliveryRow, OutboxEntry)
        .join(OutboxEntry, OutboxEntry.id == DeliveryRow.outbox_id)
        .order_by(DeliveryRow.id.desc())
        .limit(limit)
    )
    for column, value in (
        (DeliveryRow.status, status),
        (DeliveryRow.target, target),
        (DeliveryRow.kind, kind),
        (OutboxEntry.handoff_id, handoff_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if before_id is not None:
        query = query.where(DeliveryRow.id < before_id)
    return [(row, entry) for row, entry in session.execute(query).all()]
