"""Helpers shared by test folders (imported as `support`; tests/ is on the path)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

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


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app) -> Iterator[str]:
    """uvicorn serving `app` in a thread on a free loopback port; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
