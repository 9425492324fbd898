"""The dashboard's tables: users who sign in, their sessions, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handoff.db.models import Base, Id, Json, When

ROLES = ("admin", "manager", "rep")


class User(Base):
    """A person who signs in to the dashboard: email, role, argon2 hash, maybe the rep they are."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    rep_id: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(When)
    disabled_at: Mapped[datetime | None] = mapped_column(When)


class UserSession(Base):
    """A signed-in browser: the SHA-256 of its cookie token, its CSRF token and its expiry."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When)


class AuditEntry(Base):
    """Who did what and when: publishes, rollbacks, reassignments, availability, sign-ins."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(When)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


Index("ix_audit_log_at", AuditEntry.at)
# The sign-in throttle counts one email's or one client's recent failures.
Index("ix_audit_log_action_actor_at", AuditEntry.action, AuditEntry.actor, AuditEntry.at)
Index("ix_audit_log_action_subject_at", AuditEntry.action, AuditEntry.subject, AuditEntry.at)
