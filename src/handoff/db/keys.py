"""API keys as stored: name, scope and the SHA-256 of the token. Nothing here commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.db.models import ApiKey


def key_by_hash(session: Session, digest: str) -> ApiKey | None:
    """The key whose token hashes to `digest`, or None."""
    return session.execute(select(ApiKey).where(ApiKey.hash == digest)).scalar_one_or_none()


def key_by_name(session: Session, name: str) -> ApiKey | None:
    """The key called `name`, or None."""
    return session.execute(select(ApiKey).where(ApiKey.name == name)).scalar_one_or_none()


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first."""
    return list(session.execute(select(ApiKey).order_by(ApiKey.id)).scalars())
