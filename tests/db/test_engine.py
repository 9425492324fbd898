"""PostgreSQL pool: a connection idle a while is checked before use, a fresh one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from conftest import create_pg_database, drop_pg_database
from handoff.db import engine as engines


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database."""
    name, url = create_pg_database()
    yield url
    drop_pg_database(name)


def backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_closed_by_the_server_while_idle_is_replaced(pg_url, monkeypatch):
    engine = engines.make_engine(pg_url, pool_size=1, max_overflow=0)
    first = backend(engine)
    killer = engines.make_engine(pg_url)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    killer.dispose()
    monkeypatch.setattr(engines, "PING_IDLE_SECONDS", 0.0)
    assert backend(engine) != first
    engine.dispose()


def test_a_connection_back_moments_ago_is_not_pinged(pg_url):
    engine = engines.make_engine(pg_url, pool_size=1, max_overflow=0)
    pings = []
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    real = engines._ping_if_idle

    def counted(*args):
        pings.append(args)
        real(*args)

    engines.event.remove(engine, "checkout", engines._ping_if_idle)
    engines.event.listen(engine, "checkout", counted)
    backend(engine)
    assert len(pings) == 1  # the hook ran, and returned without a query (idle < 5 s)
    engine.dispose()


def test_a_sqlite_writer_that_may_not_wait_is_told_busy(tmp_path):
    engine = engines.make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with engines.writing_connection(engine, wait=False) as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))  # free: no wait needed
    with (
        engines.writing_connection(engine),  # this process's writer holds the lock
        pytest.raises(engines.Busy),
        engines.writing_connection(engine, wait=False),
    ):
        pass
    other = engines.make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with other.begin() as conn:  # another connection (as another process) is writing
        conn.execute(text("INSERT INTO t VALUES (2)"))
        with pytest.raises(engines.Busy), engines.writing_connection(engine, wait=False):
            pass
    with engines.writing_connection(engine, wait=False) as conn:  # and after, free again
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    other.dispose()
    engine.dispose()
