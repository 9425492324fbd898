"""The policy book: each published version compiled once per process and per store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import PolicyBook, publish

NOW = datetime(2026, 3, 3, 15, tzinfo=UTC)


def _store(path: Path, name: str):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session, writing(session):
        publish(session, f"name: {name}\nsegments:\n  - id: all\n", "first", None, NOW)
    return engine, sessions


def test_the_same_version_number_in_two_stores_is_two_policies(tmp_path: Path) -> None:
    book = PolicyBook()
    first, first_sessions = _store(tmp_path / "a.db", "Store A")
    second, second_sessions = _store(tmp_path / "b.db", "Store B")
    try:
        with first_sessions() as session:
            assert book.live(session).name == "Store A"
            assert book.live(session) is book.version(session, 1)
        with second_sessions() as session:
            assert book.live(session).name == "Store B"
    finally:
        first.dispose()
        second.dispose()
