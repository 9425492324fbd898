"""Published policy versions; the highest version is the live one. Nothing here commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.db.models import PolicyVersion


def live_version(session: Session) -> int | None:
    """The number of the live version, or None when nothing was ever published."""
    return session.execute(select(func.max(PolicyVersion.version))).scalar()


def get_version(session: Session, version: int) -> PolicyVersion | None:
    """One version, or None."""
    return session.get(PolicyVersion, version)


def list_versions(session: Session) -> list[PolicyVersion]:
    """Every version, newest first."""
    return list(
        session.execute(select(PolicyVersion).order_by(PolicyVersion.version.desc())).scalars()
    )
