"""The tables: conversations and their folded state, events, decisions, handoffs, roster, keys."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Id = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON()
OPEN_STATUSES = ("offered", "accepted")


class When(TypeDecorator):
    """A UTC time, aware on the way out on every store (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with named constraints."""

    metadata = MetaData(naming_convention=NAMING)


class ApiKey(Base):
    """An API key: only its SHA-256 hash is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(When)
    revoked_at: Mapped[datetime | None] = mapped_column(When)


class PolicyVersion(Base):
    """One published version of the policy; the highest version is live."""

    __tablename__ = "policy_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(When)


class Conversation(Base):
    """A conversation and its state folded over every event so far."""

    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(Json)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_decision_id: Mapped[int | None] = mapped_column(Id)
    handoff_id: Mapped[int | None] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)
    segment: Mapped[str | None] = mapped_column(String(100))
    qualified: Mapped[bool | None] = mapped_column(Boolean)


class Event(Base):
    """One event as received, with the hash that makes a retry recognisable."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("conversation_id", "event_id", name="uq_events_event_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str | None] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    at: Mapped[datetime] = mapped_column(When)
    received_at: Mapped[datetime] = mapped_column(When)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))


Index("ix_events_conversation_seq", Event.conversation_id, Event.seq, unique=True)


class Decision(Base):
    """A decision of the engine (CONTRACT §4), with the policy version that made it."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    event_seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str | None] = mapped_column(String(32))
    policy_version: Mapped[int] = mapped_column(ForeignKey("policy_versions.version"))
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(When)
    qualified: Mapped[bool | None] = mapped_column(Boolean)
    segment: Mapped[str | None] = mapped_column(String(100))
    roster: Mapped[dict[str, Any] | None] = mapped_column(Json)


Index(
    "ix_decisions_qualified",
    Decision.conversation_id,
    sqlite_where=text("qualified"),
    postgresql_where=text("qualified"),
)
Index(
    "ix_conversations_metrics",
    Conversation.created_at,
    Conversation.segment,
    Conversation.qualified,
    Conversation.handoff_id,
)


class Handoff(Base):
    """The one handoff of a conversation, its state and its timestamps."""

    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    status: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(32))
    team: Mapped[str | None] = mapped_column(String(100))
    rep: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[str] = mapped_column(String(32))
    route: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(32))
    reassignments: Mapped[int] = mapped_column(Integer, default=0)
    log: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(When, index=True)
    offered_at: Mapped[datetime | None] = mapped_column(When)
    accepted_at: Mapped[datetime | None] = mapped_column(When)
    first_response_at: Mapped[datetime | None] = mapped_column(When)
    closed_at: Mapped[datetime | None] = mapped_column(When)
    segment: Mapped[str | None] = mapped_column(String(100))
    rule: Mapped[str | None] = mapped_column(String(100))
    after_hours: Mapped[bool | None] = mapped_column(Boolean)
    accept_business_seconds: Mapped[int | None] = mapped_column(Integer)
    response_business_seconds: Mapped[int | None] = mapped_column(Integer)
    accept_seconds: Mapped[float | None] = mapped_column(Float)
    response_seconds: Mapped[float | None] = mapped_column(Float)


Index("ix_handoffs_rep_status", Handoff.rep, Handoff.status)
Index("ix_handoffs_team_status", Handoff.team, Handoff.status)
Index(
    "ix_handoffs_metrics",
    *(Handoff.__table__.c[name] for name in (
        "created_at", "status", "outcome", "reassignments", "after_hours",
        "accept_business_seconds", "response_business_seconds", "accept_seconds",
        "response_seconds", "accepted_at", "segment", "rule", "route", "team", "rep",
    )),
)  # fmt: skip
Index(
    "ix_handoffs_sla",
    *(Handoff.__table__.c[name] for name in (
        "accept_business_seconds", "created_at", "segment", "route", "team", "rep",
    )),
)  # fmt: skip


class Rep(Base):
    """A rep of the roster, in rotation order, with availability."""

    __tablename__ = "reps"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    teams: Mapped[list[str]] = mapped_column(Json, default=list)
    seniority: Mapped[str | None] = mapped_column(String(50))
    capacity: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[float | None] = mapped_column()
    attributes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    availability: Mapped[str] = mapped_column(String(16), default="online")
    updated_at: Mapped[datetime] = mapped_column(When)


class TeamCursor(Base):
    """A team's round-robin position; its row is the lock taken while assigning in the team."""

    __tablename__ = "team_cursors"
    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_rep: Mapped[str | None] = mapped_column(String(100))


# Roll-ups of the metrics (docs/metrics.md), kept by triggers of migration 0007 in the writing
# transaction: one row per UTC day (and dimensions), "" standing for "none" in the keys.
HISTOGRAM_BUCKETS = 256
Count = Integer()


class MetricHandoffDay(Base):
    """Handoff counts per creation day and (segment, route, team, rep, priority, rule, mode)."""

    __tablename__ = "metric_handoff_days"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    segment: Mapped[str] = mapped_column(String(100), primary_key=True)
    route: Mapped[str] = mapped_column(String(100), primary_key=True)
    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    rep: Mapped[str] = mapped_column(String(100), primary_key=True)
    priority: Mapped[str] = mapped_column(String(32), primary_key=True)
    rule: Mapped[str] = mapped_column(String(100), primary_key=True)
    mode: Mapped[str] = mapped_column(String(32), primary_key=True)
    handoffs: Mapped[int] = mapped_column(Count)
    closed: Mapped[int] = mapped_column(Count)
    route_ok: Mapped[int] = mapped_column(Count)
    qualified_ok: Mapped[int] = mapped_column(Count)
    won: Mapped[int] = mapped_column(Count)
    sla_due: Mapped[int] = mapped_column(Count)
    after_hours: Mapped[int] = mapped_column(Count)
    hours_known: Mapped[int] = mapped_column(Count)


class MetricConversationDay(Base):
    """Conversation counts per creation day and latest segment."""

    __tablename__ = "metric_conversation_days"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    segment: Mapped[str] = mapped_column(String(100), primary_key=True)
    conversations: Mapped[int] = mapped_column(Count)
    qualified: Mapped[int] = mapped_column(Count)
    handed_off: Mapped[int] = mapped_column(Count)


class MetricDeliveryDay(Base):
    """Settled deliveries (delivered or parked) per day their last attempt was due."""

    __tablename__ = "metric_delivery_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    settled: Mapped[int] = mapped_column(Count)
    delivered: Mapped[int] = mapped_column(Count)


# Per creation day, per dimension value (dim "" is every handoff; else segment, route, team or
# rep), per timing: how many durations (n) and how many fell in each bucket (b0 ... b255).
metric_timing_days = Table(
    "metric_timing_days",
    Base.metadata,
    Column("dim", String(16), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("value", String(100), primary_key=True),
    Column("measure", String(32), primary_key=True),
    Column("n", Count, nullable=False),
    *(Column(f"b{i}", Count, nullable=False) for i in range(HISTOGRAM_BUCKETS)),
    sqlite_with_rowid=False,
)
