"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(db: Session | Connection, model: type, values: dict[str, Any]) -> None:
    """INSERT a row unless one with the same key exists (ON CONFLICT DO NOTHING)."""
    dialect = postgresql if is_postgresql(db) else sqlite
    db.execute(dialect.insert(model.__table__).values(**values).on_conflict_do_nothing())


def is_postgresql(db: Session | Connection) -> bool:
    """Whether the session or connection talks to PostgreSQL."""
    bind = db.get_bind() if isinstance(db, Session) else db
    return bind.dialect.name == "postgresql"
