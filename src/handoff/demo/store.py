"""The demo's store: a fresh SQLite file with the reference policy, its team, users and keys."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from handoff.auth import create_key
from handoff.dashboard.audit import record
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish
from handoff.users import create_user

ADMIN_EMAIL = "admin@demo.example"
REP = "jane"


@dataclass(frozen=True)
class DemoStore:
    """Where the demo's store is and how to get in: URL, the two accounts, the API keys."""

    url: str
    admin_password: str
    rep_email: str
    rep_password: str
    ingest_key: str
    admin_key: str


def fresh_store(path: Path, policy: Path) -> DemoStore:
    """Create the store at `path` from nothing (an old demo store there is removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    url = f"sqlite:///{path.resolve()}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    admin_password, rep_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, policy.read_text(encoding="utf-8"), f"demo: {policy}", "handoff demo", now)
        create_user(session, ADMIN_EMAIL, "admin", admin_password, now, name="Demo admin")
        rep = create_user(
            session, f"{REP}@acme.example", "rep", rep_password, now, name="Jane Park", rep=REP
        )
        record(session, "handoff demo", "user_created", now, ADMIN_EMAIL, role="admin")
        record(session, "handoff demo", "user_created", now, rep.email, role="rep")
        ingest_key = create_key(session, "demo-bot", "ingest", now)[1]
        admin_key = create_key(session, "demo-reps", "admin", now)[1]
    engine.dispose()
    return DemoStore(url, admin_password, rep.email, rep_password, ingest_key, admin_key)
