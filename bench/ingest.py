"""Ingest throughput and latency: handoff on SQLite and PostgreSQL next to a bare FastAPI floor.

Starts each server with uvicorn (one worker), posts events over keep-alive HTTP from client
threads, and prints events/s, p50/p99, the ratio to the bare endpoint that validates the same
body, and the time of the 1st vs the 200th event of one conversation. The servers run side
by side: bare and SQLite are loaded in turn, --rounds times, then PostgreSQL --rounds times
(events/s is the median of a server's rounds), so a change in the machine's background load
touches the bare floor and SQLite alike.

    .venv/bin/python bench/ingest.py [--events 3000] [--clients 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import psycopg
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "policy.yaml"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
LONG = 200
SHARE_GOAL, GROWTH_GOAL = 0.40, 1.5
NO_RATE_LIMIT = {"HANDOFF_INGEST_RATE_PER_KEY": "0", "HANDOFF_INGEST_RATE_PER_IP": "0"}
EVENTS = [
    {"type": "page_view", "url": "/blog/choosing-a-crm"},
    {"type": "message", "role": "bot", "text": "Hi! What brings you here today?"},
    {"type": "message", "role": "visitor", "text": "We're comparing tools for our sales team."},
    {"type": "page_view", "url": "/features/routing?ref=nav"},
    {"type": "message", "role": "bot", "text": "How many people are on the team?"},
    {"type": "message", "role": "visitor", "text": "About 40 people, growing fast."},
    {"type": "identify", "email": "dana@example.com", "company": "Example Co", "country": "US"},
    {"type": "slots", "values": {"industry": "software"}},
]


class Base(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="forbid")
    event_id: str | None = None
    at: datetime | None = None


class Message(Base):
    """A message event."""

    type: Literal["message"]
    role: Literal["visitor", "bot", "agent"]
    text: str


class PageView(Base):
    """A page view event."""

    type: Literal["page_view"]
    url: str = Field(min_length=1)
    title: str | None = None


class Slots(Base):
    """A slots event."""

    type: Literal["slots"]
    values: dict


class Identify(Base):
    """An identify event."""

    type: Literal["identify"]
    email: str | None = None
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None


EventIn = Annotated[Message | PageView | Slots | Identify, Field(discriminator="type")]
bare = FastAPI()


@bare.post("/v1/conversations/{conversation_id}/events")
def bare_ingest(conversation_id: str, event: EventIn) -> dict:
    """The floor: validate the same body, answer a small JSON."""
    return {"conversation_id": conversation_id, "type": event.type}


def serve_bare(port: int) -> None:
    """Run the bare endpoint (in a child process)."""
    import uvicorn

    uvicorn.run(bare, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    """Start a server and wait until it answers."""
    proc = subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, cwd=ROOT)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server on port {port} did not start")


def post(conn: http.client.HTTPConnection, token: str, conversation: str, event: dict) -> float:
    """Post one event; its latency in seconds."""
    body = json.dumps(event)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    conn.request("POST", f"/v1/conversations/{conversation}/events", body, headers)
    response = conn.getresponse()
    response.read()
    took = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status} for {event}")
    return took


def load(port: int, token: str, total: int, clients: int, tag: str) -> tuple[float, list[float]]:
    """`total` events from `clients` threads, 20 per conversation: (events/s, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = total // clients

    def run(client: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        for i in range(per_client):
            conversation = f"{tag}-{client}-{i // 20}"
            event = {**EVENTS[i % len(EVENTS)], "event_id": f"{i}"}
            mine.append(post(conn, token, conversation, event))
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def long_conversation(port: int, token: str, tag: str, runs: int = 10) -> tuple[float, float]:
    """Median latency of the 1st and the 200th event over `runs` conversations of 200 events."""
    first, last = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for run in range(runs):
        took = [
            post(conn, token, f"{tag}-long-{run}", {**EVENTS[i % len(EVENTS)], "event_id": str(i)})
            for i in range(LONG)
        ]
        first.append(took[0])
        last.append(took[-1])
    conn.close()
    return statistics.median(first), statistics.median(last)


def prepare(url: str) -> str:
    """Migrate the store, publish the reference policy and make a key; the key's token."""
    from handoff.auth import create_key
    from handoff.db.engine import make_engine, make_sessionmaker, writing
    from handoff.db.migrate import upgrade
    from handoff.policy_store import publish

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, POLICY.read_text(encoding="utf-8"), "bench", "bench", now)
        token = create_key(session, "bench", "ingest", now)[1]
    engine.dispose()
    return token


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] * 1000


def serve(name: str, args: list[str], env: dict, port: int, token: str, opts) -> dict:
    """Start one server and warm it up: its process, port and token."""
    proc = start(args, env, port)
    load(port, token, opts.clients * 25, opts.clients, f"warm-{name}")
    return {"proc": proc, "port": port, "token": token}


def measure(servers: dict[str, dict], opts) -> dict[str, dict]:
    """Load the servers in turn, --rounds times, then time long conversations."""
    rates: dict[str, list[float]] = {name: [] for name in servers}
    latencies: dict[str, list[float]] = {name: [] for name in servers}
    per_round = opts.events // opts.rounds
    # bare and SQLite alternate; PostgreSQL comes after, as its server keeps working (WAL
    # writer, autovacuum) for a while after a load and would slow whatever ran next
    for group in (("bare", "sqlite"), ("postgresql",)):
        for round_ in range(opts.rounds):
            for name in group:
                s = servers[name]
                rate, took = load(s["port"], s["token"], per_round, opts.clients, f"{name}{round_}")
                rates[name].append(rate)
                latencies[name] += took
    return {
        name: {
            "rate": statistics.median(rates[name]),
            "rates": rates[name],
            "p50": percentile(latencies[name], 50),
            "p99": percentile(latencies[name], 99),
            "long": long_conversation(s["port"], s["token"], name) if name != "bare" else None,
        }
        for name, s in servers.items()
    }


def main() -> None:
    """Measure the bare floor and handoff on both stores; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve_bare:
        serve_bare(opts.serve_bare)
        return
    uvicorn = [
        "-m",
        "uvicorn",
        "--factory",
        "handoff.api.app:app_from_environment",
        "--log-level",
        "warning",
        "--no-access-log",
        "--port",
    ]
    servers: dict[str, dict] = {}
    name = f"handoff_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bare_args = [__file__, "--serve-bare", "8801"]
            servers["bare"] = serve("bare", bare_args, {}, 8801, "-", opts)
            for label, url, port in (
                ("sqlite", f"sqlite:///{tmp}/bench.db", 8802),
                ("postgresql", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", 8803),
            ):
                env = {"HANDOFF_DATABASE_URL": url, **NO_RATE_LIMIT}
                token = prepare(url)
                servers[label] = serve(label, [*uvicorn, str(port)], env, port, token, opts)
            results = measure(servers, opts)
    finally:
        for s in servers.values():
            s["proc"].terminate()
            s["proc"].wait()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    floor = results["bare"]["rate"]
    print(
        f"ingest: {opts.events} events, {opts.clients} clients, keep-alive HTTP, one uvicorn"
        f" worker; bare and sqlite in turn, then postgresql, {opts.rounds} rounds each"
        " (events/s: the median)"
    )
    print(
        f"{'server':<12}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'of bare':>9}"
        f"{'1st ms':>9}{'200th ms':>10}{'200th/1st':>11}"
    )
    for name, r in results.items():
        line = (
            f"{name:<12}{r['rate']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['rate'] / floor:>9.0%}"
        )
        if r["long"]:
            first, last = r["long"]
            line += f"{first * 1000:>9.2f}{last * 1000:>10.2f}{last / first:>11.2f}"
        print(line)
    rounds = (f"{n} {'/'.join(f'{x:.0f}' for x in r['rates'])}" for n, r in results.items())
    print("events/s by round: " + "; ".join(rounds))
    share = results["sqlite"]["rate"] / floor
    print(f"goal: sqlite >= {SHARE_GOAL:.0%} of bare: {share:.0%} {_verdict(share >= SHARE_GOAL)}")
    for name in ("sqlite", "postgresql"):
        first, last = results[name]["long"]
        verdict = _verdict(last / first <= GROWTH_GOAL)
        print(f"goal: {name} 200th event <= {GROWTH_GOAL}x the 1st: {last / first:.2f}x {verdict}")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


if __name__ == "__main__":
    main()
