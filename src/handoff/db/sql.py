"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_IGNORING: dict[tuple[bool, Table], Insert] = {}


def insert_ignore(db: Session | Connection, model: type, values: dict[str, Any]) -> None:
    """INSERT a row unless one with the same key exists (ON CONFLICT DO NOTHING).

    The statement is built once per dialect and table, and the values bound as
    parameters, so its compiled form is cached like any other statement's.
    """
    key = (is_postgresql(db), model.__table__)
    statement = _IGNORING.get(key)
    if statement is None:
        dialect = postgresql if key[0] else sqlite
        statement = dialect.insert(model.__table__).on_conflict_do_nothing()
        _IGNORING[key] = statement
    db.execute(statement, values)


def is_postgresql(db: Session | Connection) -> bool:
    """Whether the session or connection talks to PostgreSQL."""
    bind = db.get_bind() if isinstance(db, Session) else db
    return bind.dialect.name == "postgresql"
