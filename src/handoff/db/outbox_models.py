"""The outbox and the timers: side effects written with the decision, and what falls due later.

An `OutboxEntry` is one side effect (a lead, a notification, a nurture action) written in the
decision's transaction; the worker fans it out into one `DeliveryRow` per configured target,
each with its own idempotency key, attempts, backoff and last error. A `Timer` is a due time
in the store (SLA expiry, a release at the team's next opening, a nurture follow-up).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handoff.db.models import Base, Id, Json, When


class OutboxEntry(Base):
    """One side effect of a decision; `fanned_at` is set once its deliveries exist."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(200))
    handoff_id: Mapped[int | None] = mapped_column(Id)
    team: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(When)
    fanned_at: Mapped[datetime | None] = mapped_column(When)


Index("ix_outbox_fanned_at", OutboxEntry.fanned_at)


class DeliveryRow(Base):
    """One side effect for one target: pending, delivered or dead (parked), with its history."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(When)
    lease_until: Mapped[datetime | None] = mapped_column(When)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)
    delivered_at: Mapped[datetime | None] = mapped_column(When)


Index("ix_deliveries_status_due", DeliveryRow.status, DeliveryRow.due_at)


class Timer(Base):
    """A due time in the store: `sla`, `release` or `follow_up`; pending, done or cancelled."""

    __tablename__ = "timers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(200))
    handoff_id: Mapped[int | None] = mapped_column(Id, index=True)
    due_at: Mapped[datetime] = mapped_column(When)
    priority: Mapped[str] = mapped_column(String(32), default="normal")
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(When)
    fired_at: Mapped[datetime | None] = mapped_column(When)
    outcome: Mapped[str | None] = mapped_column(Text)


Index("ix_timers_status_due", Timer.status, Timer.due_at)
