"""The live demo: a fresh store, `handoff serve`, synthetic visitors streamed in, simulated reps.

Events go through the public API as a bot would send them; reps accept, answer and close
some of their handoffs through the API too. Ctrl-C (or --count / --duration) stops it.
"""

from __future__ import annotations

import heapq
import itertools
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from handoff.client import Client, HandoffError
from handoff.demo.generator import conversation
from handoff.demo.store import ADMIN_EMAIL, DemoStore, fresh_store

LIVE_GAP = 4.0  # seconds between a visitor's events
OUTCOMES = ("won", "won", "lost", "lost", "not_qualified", "no_response")
REPLIES = ["Hi, thanks for reaching out! Happy to help.", "Hello! I can take it from here.",
           "Thanks for the details, let's find a time to talk."]  # fmt: skip


@dataclass
class Options:
    """What the demo was asked to do."""

    db: Path
    policy: Path
    host: str = "127.0.0.1"
    port: int = 8000
    seed: int | None = None
    count: int | None = None
    duration: float | None = None
    every: float = 3.0
    speed: float = 1.0
    echo: Callable[[str], None] = print


@dataclass(order=True)
class _Due:
    at: float
    order: int
    action: Callable[[], None] = field(compare=False)


class Demo:
    """Streams conversations into a running service and plays the reps."""

    def __init__(self, options: Options, bot: Client, api: httpx.Client, store: DemoStore) -> None:
        self.o, self.bot, self.api, self.store = options, bot, api, store
        self.rng = random.Random(options.seed)
        self.prefix = f"demo-{int(time.time()) % 10**6:06d}"
        self.queue: list[_Due] = []
        self.order = itertools.count()
        self.started = 0
        self.seen: set[int] = set()
        self.tally: Counter[str] = Counter()

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        """Run `action` after `seconds` of demo time."""
        due = time.monotonic() + seconds / self.o.speed
        heapq.heappush(self.queue, _Due(due, next(self.order), action))

    def run(self, deadline: float | None) -> None:
        """Start conversations and run what is due until the count is reached or time is up."""
        self.later(0, self.start_conversation)
        while self.queue:
            if deadline is not None and time.monotonic() >= deadline:
                return
            wait = self.queue[0].at - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.5))
                continue
            heapq.heappop(self.queue).action()

    def start_conversation(self) -> None:
        """A new visitor arrives; its events are sent as their times come."""
        if self.o.count is not None and self.started >= self.o.count:
            return
        cid = f"{self.prefix}-{self.started:05d}"
        self.started += 1
        convo = conversation(self.rng, cid, datetime.now(UTC), gap=LIVE_GAP / self.o.speed)
        self.tally[convo.kind] += 1
        for event, offset in zip(convo.events, _offsets(convo.events), strict=True):
            self.later(offset * self.o.speed, lambda e=event: self.send(cid, e))
        self.later(self.rng.expovariate(1 / self.o.every), self.start_conversation)

    def send(self, cid: str, event: dict[str, Any]) -> None:
        """Post one event as the bot; when it opens a handoff, the rep may pick it up."""
        try:
            answer = self.bot.send(cid, event)
        except HandoffError as exc:
            self.tally["refused"] += 1
            self.o.echo(f"{_clock()}  {cid}: {exc}")
            return
        handoff, decision = answer.handoff, answer.decision
        if not handoff or handoff["id"] in self.seen:
            return
        self.seen.add(handoff["id"])
        self.o.echo(
            f"{_clock()}  handoff #{handoff['id']:<4} {cid}  {decision.mode:<18}"
            f" {decision.route['id']:<18} {decision.rep or '(no rep yet)'}"
        )
        if handoff.get("rep") and self.rng.random() < 0.8:
            self.later(self.rng.uniform(5, 40), lambda: self.accept(cid, handoff["id"]))

    def accept(self, cid: str, handoff_id: int) -> None:
        """The rep accepts, answers the visitor, and later closes some of them."""
        if self._post(f"/v1/handoffs/{handoff_id}/accept", {}) is None:
            return
        self.tally["accepted"] += 1
        reply = {"type": "message", "role": "agent", "text": self.rng.choice(REPLIES)}
        self.later(self.rng.uniform(3, 20), lambda: self.send(cid, reply))
        if self.rng.random() < 0.6:
            self.later(self.rng.uniform(30, 120), lambda: self.close(handoff_id))

    def close(self, handoff_id: int) -> None:
        """The rep closes the handoff with an outcome."""
        outcome = self.rng.choice(OUTCOMES)
        if self._post(f"/v1/handoffs/{handoff_id}/close", {"outcome": outcome}):
            self.tally["closed"] += 1
            self.o.echo(f"{_clock()}  closed  #{handoff_id:<4} {outcome}")

    def _post(self, path: str, body: dict) -> dict | None:
        try:
            response = self.api.post(path, json=body)
        except httpx.HTTPError as exc:
            self.o.echo(f"{_clock()}  {path}: {exc}")
            return None
        if response.status_code != 200:
            self.tally["refused"] += 1
            self.o.echo(f"{_clock()}  {path}: {response.status_code} {response.text[:200]}")
            return None
        return response.json()


def main(options: Options) -> int:
    """Run the demo; 0 when it stopped as asked (count, duration or Ctrl-C)."""
    echo = options.echo
    store = fresh_store(options.db, options.policy)
    log = options.db.with_suffix(".log")
    base = f"http://{options.host}:{options.port}"
    server = _serve(options, store, log)
    demo = None
    try:
        reps = {"Authorization": f"Bearer {store.admin_key}"}
        with (
            httpx.Client(base_url=base, headers=reps, timeout=10) as api,
            Client(base, store.ingest_key) as bot,
        ):
            _wait_until_up(api, server, log)
            echo(_banner(base, store, log))
            demo = Demo(options, bot, api, store)
            demo.run(time.monotonic() + options.duration if options.duration else None)
    except KeyboardInterrupt:
        echo("\nstopping…")
    finally:
        _stop(server)
    if demo is not None:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(demo.tally.items()))
        echo(f"sent {demo.started} conversations ({kinds})")
    echo("server stopped")
    return 0


def _offsets(events: list[dict]) -> list[float]:
    times = [datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in events]
    return [(t - times[0]).total_seconds() for t in times]


def _serve(options: Options, store: DemoStore, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HANDOFF_DATABASE_URL": store.url, "HANDOFF_ENV": "development"}
    env.pop("HANDOFF_POLICY", None)
    command = [sys.executable, "-m", "handoff", "serve", "--host", options.host,
               "--port", str(options.port), "--workers", "1"]  # fmt: skip
    with log.open("w") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_until_up(api: httpx.Client, server: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"handoff serve exited ({server.returncode}); see {log}")
        try:
            if api.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"handoff serve did not answer within 15 s; see {log}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _banner(base: str, store: DemoStore, log: Path) -> str:
    return "\n".join([
        "",
        f"  handoff demo is running: open {base}/",
        f"    admin  {ADMIN_EMAIL}  password {store.admin_password}",
        f"    rep    {store.rep_email}  password {store.rep_password}",
        f"  API docs {base}/docs   ingest key {store.ingest_key}",
        f"  server log {log}   Ctrl-C stops the demo",
        "",
    ])  # fmt: skip


def _clock() -> str:
    return datetime.now().strftime("%H:%M:%S")
