"""The audit log: publishes, rollbacks, reassignments, availability, targets, users, sign-ins.

`record` is the one way in; the API may call it too. The caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.db.dashboard_models import AuditEntry
from handoff.db.models import PolicyVersion

ACTIONS = (
    "policy_published",
    "policy_rolled_back",
    "handoff_reassigned",
    "availability_changed",
    "signed_in",
    "sign_in_failed",
    "signed_out",
    "user_created",
    "user_updated",
    "user_disabled",
    "user_enabled",
    "password_set",
    "target_saved",
    "target_enabled",
    "target_disabled",
    "target_deleted",
)


def record(
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    subject: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry to the log (within the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action '{action}'")
    entry = AuditEntry(at=now, actor=actor[:200], action=action, subject=subject, details=details)
    session.add(entry)
    return entry


def policy_version(
    session: Session,
    actor: str,
    row: PolicyVersion,
    now: datetime,
    rolled_back_to: int | None = None,
) -> AuditEntry:
    """Record a publish, or a rollback to an old version, of the new live version `row`."""
    action = "policy_published" if rolled_back_to is None else "policy_rolled_back"
    details = {"comment": row.comment, "previous": row.version - 1 or None}
    if rolled_back_to is not None:
        details["to"] = rolled_back_to
    return record(session, actor, action, now, f"v{row.version}", **details)


def entries(
    session: Session, *, action: str | None = None, limit: int = 100, before_id: int | None = None
) -> list[AuditEntry]:
    """Entries, newest first, of one action when given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.execute(query).scalars())
