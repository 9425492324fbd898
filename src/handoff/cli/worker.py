"""`handoff worker`: deliver the outbox and fire timers; also started inside `handoff serve`."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from handoff.cli.service import _fail, _sessions, _settings
from handoff.db.engine import make_engine, make_sessionmaker
from handoff.errors import ServiceError
from handoff.settings import get_settings
from handoff.target_store import LiveTargets
from handoff.targets import Targets
from handoff.worker import Worker

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Deliveries at once.")] = 8,
    per_target: Annotated[int, typer.Option(min=1, help="Deliveries at once per target.")] = 2,
    lease: Annotated[
        float, typer.Option(min=1, help="Seconds a claim holds before another worker may retry.")
    ] = 300.0,
    poll: Annotated[float, typer.Option(min=0.05, help="Seconds between polls when idle.")] = 1.0,
    once: Annotated[
        bool, typer.Option("--once", help="Work until nothing is due, then exit.")
    ] = False,
) -> None:
    """Deliver the outbox and fire timers until stopped (several may run on PostgreSQL)."""
    sessions = _sessions()
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    work = Worker(
        sessions,
        live_targets(sessions),
        concurrency=concurrency,
        per_target=per_target,
        lease=lease,
        poll=poll,
        retention_days=_settings().retention_days,
    )
    if once:
        work.run_until_idle()
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: work.stop())
    work.run()


def live_targets(sessions: sessionmaker[Session]) -> Targets:
    """The environment's targets and the store's, re-read as they change; exits when invalid."""
    try:
        return LiveTargets(Targets.from_env(), sessions, get_settings().secret_key)
    except (ValueError, ServiceError) as exc:
        _fail(f"invalid targets: {exc}")


def start_background(database_url: str, retention_days: int | None = None) -> Callable[[], None]:
    """Run a worker on a background thread; the function returned stops it."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    work = Worker(sessions, live_targets(sessions), retention_days=retention_days)
    thread = threading.Thread(target=work.run, name="handoff-worker", daemon=True)
    thread.start()

    def stop() -> None:
        work.stop()
        thread.join(timeout=30)
        engine.dispose()

    return stop
