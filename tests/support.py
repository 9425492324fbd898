"""Helpers shared by test folders (imported as `support`; tests/ is on the path)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish

POLICY = (Path(__file__).parents[1] / "examples" / "policy.yaml").read_text(encoding="utf-8")


def seeded_store(path: Path, key_name: str, scope: str) -> tuple[str, str]:
    """A migrated SQLite store in `path` with the reference policy live; (url, key of `scope`)."""
    url = f"sqlite:///{path / 'handoff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, writing(session):
        now = datetime.now(UTC)
        publish(session, POLICY, "reference policy", "tests", now)
        key = create_key(session, key_name, scope, now)[1]
    engine.dispose()
    return url, key
