"""Engines and sessions: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes.

SQLite runs with synchronous=NORMAL unless HANDOFF_SQLITE_SYNCHRONOUS=full: in WAL mode a
commit then survives the process crashing but not the machine losing power, where the last
commits before the loss may be rolled back (the file stays consistent). FULL syncs the WAL
at every commit (docs/deploy.md has the cost).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from handoff import jsonfast

SQLITE_BUSY_MS = 30_000
SQLITE_SYNCHRONOUS = ("normal", "full")
PING_IDLE_SECONDS = 5.0
_IMMEDIATE = "handoff_immediate"
_NOWAIT = "handoff_nowait"
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def database_url(url: str) -> str:
    """The URL with the psycopg 3 driver named for PostgreSQL."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for SQLite (a file, WAL) or PostgreSQL (psycopg 3)."""
    url = database_url(url)
    kwargs.setdefault("json_serializer", jsonfast.dumps)
    if make_url(url).get_backend_name() != "sqlite":
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        engine = create_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            event.listen(engine, "checkin", _note_idle)
            event.listen(engine, "checkout", _ping_if_idle)
        return engine
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    _WRITERS[engine] = threading.Lock()
    return engine


def _note_idle(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Check a pooled connection idle for PING_IDLE_SECONDS or more before it is handed out.

    A connection back from a request moments ago is alive (pinging it would cost every event
    a round trip); one idle longer may have been closed by the server, a proxy or a restart,
    and is replaced (SQLAlchemy retries the checkout on DisconnectionError).
    """
    since = record.info.get("idle_since")
    if since is not None and time.monotonic() - since < PING_IDLE_SECONDS:
        return
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as exc:
        raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc


def sqlite_synchronous() -> str:
    """The SQLite sync level HANDOFF_SQLITE_SYNCHRONOUS asks for (normal or full)."""
    level = os.environ.get("HANDOFF_SQLITE_SYNCHRONOUS", "normal").lower()
    if level not in SQLITE_SYNCHRONOUS:
        raise ValueError(
            f"HANDOFF_SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}"
        )
    return level


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {sqlite_synchronous().upper()}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    options = connection.get_execution_options()
    driver = connection.connection.driver_connection
    if not options.get(_NOWAIT):
        driver.execute("BEGIN IMMEDIATE" if options.get(_IMMEDIATE) else "BEGIN")
        return
    driver.execute("PRAGMA busy_timeout = 0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise Busy("another connection is writing") from exc
    finally:
        driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


class Busy(Exception):
    """The SQLite store's writer (or every pooled connection) is taken: writing would wait."""


@contextmanager
def writing_connection(engine: Engine, wait: bool = True) -> Iterator[Connection]:
    """One write transaction on a Core connection, committed at the end (as writing()).

    With `wait` false (SQLite only) it raises Busy instead of waiting: for this process's
    writer lock, for a pooled connection, or for another connection's write transaction.
    """
    lock = _WRITERS.get(engine)
    if wait or lock is None:
        with lock or nullcontext(), engine.connect() as conn:
            conn.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                yield conn
        return
    if not lock.acquire(blocking=False):
        raise Busy("this process is writing")
    try:
        if not engine.pool.checkedin():
            raise Busy("no pooled connection is free")
        with engine.connect() as conn:
            conn.execution_options(**{_IMMEDIATE: True, _NOWAIT: True})
            with conn.begin():
                yield conn
    finally:
        lock.release()


@contextmanager
def on_engine(session: Session) -> Iterator[Session]:
    """`session`, or a session on the engine of the connection it is joined to.

    For the policy book, which keys its cache by the store's URL (a session joined to the
    event handler's connection has none) and reads a version it lacks in a session of its
    own choosing: a published version is committed, so another connection reads it too.
    """
    bind = session.get_bind()
    if isinstance(bind, Engine):
        yield session
        return
    with Session(bind.engine) as other:
        yield other


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """One write transaction, committed at the end.

    On SQLite, writers of this process queue on a lock (no busy-wait sleeps) and BEGIN
    IMMEDIATE queues them behind other processes' writers.
    """
    with _WRITERS.get(session.get_bind()) or nullcontext(), session.begin():
        session.connection(execution_options={_IMMEDIATE: True})
        yield session
