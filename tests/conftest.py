"""Fixtures shared by the store and API tests: a migrated database on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, delete

from handoff.db.engine import make_engine
from handoff.db.migrate import upgrade
from handoff.db.models import Base

SRC = Path(__file__).parent.parent / "src"


def pytest_report_header() -> str:
    """Which core the tests run: compiled (make install) or pure Python (make test-pure)."""
    from handoff.core import is_compiled

    return f"handoff core: {'compiled by mypyc' if is_compiled() else 'pure Python'}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test compiled modules older than their source: the edit would go untested."""
    from handoff.core import is_compiled

    if not is_compiled():
        return
    stale = [
        str(py.relative_to(SRC))
        for so in SRC.glob("handoff/**/*.so")
        if (py := so.with_name(so.name.split(".")[0] + ".py")).exists()
        and py.stat().st_mtime > so.stat().st_mtime
    ]
    if stale:
        pytest.exit(
            f"compiled modules are older than their source ({', '.join(stale)}): "
            "`make install` compiles them again",
            returncode=2,
        )


PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
POLICY_PATH = Path(__file__).parent.parent / "examples" / "policy.yaml"


def create_pg_database() -> tuple[str, str]:
    """A fresh, empty PostgreSQL database: (name, URL)."""
    name = f"handoff_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_URL.format(name=name)


def drop_pg_database(name: str) -> None:
    """Drop a database made by create_pg_database."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty store: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'handoff.db'}"
        name = None
    else:
        name, url = create_pg_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    if name:
        drop_pg_database(name)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on the store, emptied after the test."""
    engine = make_engine(store_url)
    yield engine
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    engine.dispose()


@pytest.fixture(scope="session")
def policy_text() -> str:
    """The reference policy's text."""
    return POLICY_PATH.read_text(encoding="utf-8")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store_url(request, tmp_path) -> Iterator[str]:
    """An empty database with no schema: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name, url = create_pg_database()
    yield url
    drop_pg_database(name)
