"""Small dialect-aware helpers shared by the query modules."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
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


class HotStatement:
    """A Core statement run on every event: on SQLite, straight on the DBAPI connection.

    SQLite runs in the process, so SQLAlchemy's per-execution work (execution context,
    events, result set-up) costs more than the statement itself. On SQLite the statement is
    compiled once per dialect and its values pass through the columns' own bind and result
    processors, so they are stored and read exactly as through the Core; driver errors are
    raised as SQLAlchemy's (IntegrityError stays IntegrityError). A statement that needs
    Python-side column defaults, and every statement on PostgreSQL, runs through the Core.
    """

    def __init__(self, statement: Any, keys: tuple[str, ...] = ()) -> None:
        self.statement = statement
        self.keys = keys
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _prepared(self, conn: Connection) -> tuple | None:
        dialect = conn.dialect
        prepared = self._compiled.get(dialect, False)
        if prepared is False:
            prepared = None
            if dialect.name == "sqlite":
                compiled = self.statement.compile(dialect=dialect, column_keys=list(self.keys))
                if not (compiled.insert_prefetch or compiled.update_prefetch):
                    binds = [
                        (name, compiled.binds[name].type.bind_processor(dialect))
                        for name in compiled.positiontup
                    ]
                    columns = getattr(self.statement, "selected_columns", ())
                    results = [c.type.result_processor(dialect, None) for c in columns]
                    prepared = (compiled.string, binds, results)
            self._compiled[dialect] = prepared
        return prepared

    def _run(self, conn: Connection, prepared: tuple, params: dict[str, Any]):
        sql, binds, _ = prepared
        values = [params[n] if p is None else p(params[n]) for n, p in binds]
        dbapi = conn.dialect.loaded_dbapi
        try:
            return conn.connection.driver_connection.execute(sql, values)
        except dbapi.Error as exc:
            raise DBAPIError.instance(sql, values, exc, dbapi.Error) from exc

    def execute(self, conn: Connection, params: dict[str, Any]) -> None:
        """Run it."""
        prepared = self._prepared(conn)
        if prepared is None:
            conn.execute(self.statement, params)
        else:
            self._run(conn, prepared, params)

    def inserted_id(self, conn: Connection, params: dict[str, Any]) -> int:
        """Run an INSERT; the new row's id."""
        prepared = self._prepared(conn)
        if prepared is None:
            return conn.execute(self.statement, params).inserted_primary_key[0]
        return self._run(conn, prepared, params).lastrowid

    def first(self, conn: Connection, params: dict[str, Any]) -> tuple | None:
        """Run a SELECT; its first row as a tuple of processed values, or None."""
        prepared = self._prepared(conn)
        if prepared is None:
            row = conn.execute(self.statement, params).first()
            return None if row is None else tuple(row)
        row = self._run(conn, prepared, params).fetchone()
        if row is None:
            return None
        return tuple(v if p is None else p(v) for v, p in zip(row, prepared[2], strict=True))
