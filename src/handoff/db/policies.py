"""Published policy versions; the highest version is the live one. Nothing here commits."""

from __future__ import annotations

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from handoff.db.models import PolicyVersion

_LIVE = select(func.max(PolicyVersion.__table__.c.version))


def live_version(db: Session | Connection) -> int | None:
    """The number of the live version, or None when nothing was ever published."""
    return db.execute(_LIVE).scalar()


def get_version(session: Session, version: int) -> PolicyVersion | None:
    """One version, or None."""
    return session.get(PolicyVersion, version)


def list_versions(session: Session) -> list[PolicyVersion]:
    """Every version, newest first."""
    return list(
        session.execute(select(PolicyVersion).order_by(PolicyVersion.version.desc())).scalars()
    )
