"""The worker: fire due timers, fan out new side effects, claim due deliveries and carry them out.

Deliveries run on a thread pool, at most `per_target` at a time for one target, so a target
that hangs holds a few threads until its timeout while the others keep flowing. Every step
reads the time from an injectable clock. Each database step is its own short transaction;
no transaction is held while a target is called.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from handoff import outbox, privacy, timers
from handoff.db.engine import writing
from handoff.integrations.base import Delivery, Result, build
from handoff.outbox import Claimed
from handoff.packet import build_packet
from handoff.policy_store import PolicyBook
from handoff.targets import Targets

logger = logging.getLogger("handoff.worker")
PURGE_EVERY = timedelta(hours=1)


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Worker:
    """Delivers the outbox and fires timers on one store until stopped."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        targets: Targets,
        *,
        book: PolicyBook | None = None,
        clock: Callable[[], datetime] = utc_now,
        client: httpx.Client | None = None,
        concurrency: int = 8,
        per_target: int = 2,
        lease: float = 300.0,
        poll: float = 1.0,
        name: str | None = None,
        retention_days: int | None = None,
    ) -> None:
        self.sessions = sessions
        self.targets = targets
        self.book = book or PolicyBook()
        self.clock = clock
        self.client = client or httpx.Client()
        self.concurrency = concurrency
        self.per_target = per_target
        self.lease = lease
        self.poll = poll
        self.retention_days = retention_days
        self._next_purge: datetime | None = None
        self.name = name or f"{socket.gethostname()}:{threading.get_native_id()}:{id(self):x}"
        self.stopping = threading.Event()
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="handoff-delivery")
        self._inflight: Counter[str] = Counter()
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        logging.getLogger("httpx").setLevel(logging.WARNING)

    def step(self) -> int:
        """One pass: timers, fan-out, then claim and start due deliveries; how much it found."""
        now = self.clock()
        found = self.fire_timers(now) + self.purge(now)
        with self.sessions() as session:
            if not outbox.has_work(session, now):
                return found
        with self.sessions() as session, writing(session):
            found += outbox.fan_out(session, self.targets, now)
        with self._lock:
            free = self.concurrency - sum(self._inflight.values())
            busy = frozenset(t for t, n in self._inflight.items() if n >= self.per_target)
        if free <= 0:
            return found
        with self.sessions() as session, writing(session):
            claimed = outbox.claim(session, self.name, now, free, self.lease, busy)
        for item in self._admit(claimed):
            future = self._pool.submit(self._run, item)
            with self._lock:
                self._futures.add(future)
            future.add_done_callback(self._done)
        return found + len(claimed)

    def purge(self, now: datetime) -> int:
        """Once an hour, with a retention period set: forget conversations idle past it."""
        if self.retention_days is None or (self._next_purge and now < self._next_purge):
            return 0
        self._next_purge = now + PURGE_EVERY
        purged = privacy.purge_expired(self.sessions, self.retention_days, now)
        if purged:
            logger.info("purged %d conversation(s) idle for %d days", purged, self.retention_days)
        return purged

    def fire_timers(self, now: datetime) -> int:
        """Fire every timer due at `now`, each in its own transaction; how many fired."""
        with self.sessions() as session:
            due = timers.due_timers(session, now)
        fired = 0
        for timer_id in due:
            try:
                with self.sessions() as session, writing(session):
                    outcome = timers.fire(session, self.book, timer_id, now)
            except Exception as exc:
                logger.error("timer %s failed: %s", timer_id, type(exc).__name__)
                continue
            if outcome is not None:
                fired += 1
                logger.info("timer %s: %s", timer_id, outcome)
        return fired

    def drain(self, timeout: float | None = None) -> None:
        """Wait for the deliveries under way."""
        with self._lock:
            pending = set(self._futures)
        wait(pending, timeout=timeout)

    def run_until_idle(self, rounds: int = 100) -> None:
        """Step and drain until a step finds nothing to do (for tests and `--once`)."""
        for _ in range(rounds):
            found = self.step()
            self.drain()
            if not found:
                return

    def run(self) -> None:
        """Work until `stop()`; a failing step (the store down) is logged and tried again."""
        logger.info("worker %s started: targets %s", self.name, sorted(self.targets.by_name))
        if not self.targets.by_name:
            logger.warning("no targets configured: side effects are kept but go nowhere")
        while not self.stopping.is_set():
            try:
                found = self.step()
            except Exception as exc:
                logger.error("worker step failed: %s: %s", type(exc).__name__, exc)
                found = 0
            if not found:
                self.stopping.wait(self.poll)
        self.drain(timeout=self.lease)
        self._pool.shutdown(wait=False, cancel_futures=True)
        logger.info("worker %s stopped", self.name)

    def stop(self) -> None:
        """Ask `run` to finish the deliveries under way and return."""
        self.stopping.set()

    def attempt(self, item: Claimed) -> Result:
        """Carry out one claimed delivery with its target; never raises."""
        target = self.targets.get(item.target)
        if target is None:
            return Result(False, f"target {item.target!r} is not configured")
        try:
            integration = build(target.integration, target.config, self.client)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
            return Result(False, f"target {item.target!r}: invalid config ({fields})")
        try:
            payload = self.payload(item)
            return integration.deliver(Delivery(item.kind, item.key, payload, item.attempt))
        except Exception as exc:
            logger.error("delivery %s to %s raised %s", item.id, item.target, type(exc).__name__)
            return Result(False, f"{item.target}: unexpected {type(exc).__name__}", retry=True)

    def payload(self, item: Claimed) -> dict[str, Any]:
        """What the target is handed: the handoff packet as it stands now, or the nurture action."""
        if item.handoff_id is None:
            return item.payload
        recipient = item.payload.get("recipient") or {}
        rep = recipient.get("id") if recipient.get("role") == "rep" else None
        with self.sessions() as session:
            packet = build_packet(session, item.handoff_id, self.targets.public_url, rep)
        return {**packet, **item.payload}

    def _admit(self, claimed: list[Claimed]) -> list[Claimed]:
        with self._lock:
            for item in claimed:
                self._inflight[item.target] += 1
        return claimed

    def _run(self, item: Claimed) -> None:
        try:
            result = self.attempt(item)
            with self.sessions() as session, writing(session):
                status = outbox.record(session, item.id, result, self.clock())
            logger.info("delivery %s to %s: %s (%s)", item.id, item.target, status, result.detail)
        except Exception as exc:
            logger.error("delivery %s: recording failed: %s", item.id, type(exc).__name__)
        finally:
            with self._lock:
                self._inflight[item.target] -= 1
                if self._inflight[item.target] <= 0:
                    del self._inflight[item.target]

    def _done(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)
