"""Sustained load: ingest at a steady rate from a separate process; throughput, p99, server memory.

Starts `handoff serve` on a fresh store (SQLite, or PostgreSQL with --postgresql) and a
driver process that posts the demo generator's events one by one at --rate events/s for
--warmup then --duration seconds (open loop: each request is due at its scheduled time,
whatever the answers before it; at most 64 are in flight, and a request's latency counts
from when it was due, so waiting for a free connection counts too). Prints throughput,
p50/p99/max latency of the timed part, errors, and the server's RSS: "start" is sampled
when the warm-up ends (connections opened, caches filled), then every 30 s to the end.

    .venv/bin/python bench/load.py [--rate 100] [--duration 600] [--warmup 60] [--postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil

from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.demo.generator import history
from handoff.policy_store import publish

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import create_pg_database, drop_pg_database  # noqa: E402

P99_GOAL_MS, GROWTH_GOAL = 250.0, 0.10
IN_FLIGHT = 64
SAMPLE_EVERY = 30.0


def events(rate: float, seconds: float) -> list[tuple[str, dict]]:
    """(conversation id, event) pairs to send, conversations interleaved five at a time."""
    needed = int(rate * seconds) + 1
    out: list[tuple[str, dict]] = []
    until = datetime.now(UTC) - timedelta(days=1)
    conversations = history(needed // 8 + 10, seed=1, until=until, days=20, prefix="load")
    for start in range(0, len(conversations), 5):
        group = [list(c.events) for c in conversations[start : start + 5]]
        ids = [c.id for c in conversations[start : start + 5]]
        while any(group):
            for cid, queue in zip(ids, group, strict=True):
                if queue:
                    out.append((cid, queue.pop(0)))
    return out[:needed]


async def drive(base: str, key: str, rate: float, warmup: float, duration: float) -> dict:
    """Send events at `rate` for `warmup` + `duration` s; latencies of the timed part only."""
    plan = events(rate, warmup + duration)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    headers = {"Authorization": f"Bearer {key}"}
    slots = asyncio.Semaphore(IN_FLIGHT)  # queue here, not in httpx's pool (slow when long)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:
        start = time.perf_counter()

        async def send(due: float, cid: str, event: dict) -> None:
            async with slots:
                try:
                    response = await c.post(f"/v1/conversations/{cid}/events", json=event)
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
            if status != "200":
                errors[status] = errors.get(status, 0) + 1
            elif due - start >= warmup:
                latencies.append(time.perf_counter() - due)

        tasks = []
        for i, (cid, event) in enumerate(plan):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(due, cid, event)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start - warmup
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"sent": len(plan), "ok": len(latencies), "seconds": elapsed, "errors": errors,
            "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": latencies[-1] * 1000}  # fmt: skip


def prepare(url: str) -> str:
    """Migrate the store, publish the reference policy; an ingest key."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, (ROOT / "examples" / "policy.yaml").read_text(), "load", "bench", now)
        key = create_key(session, "load", "ingest", now)[1]
    engine.dispose()
    return key


def rss_mb(process: psutil.Process) -> float:
    """Resident memory of the server and its children, in MB."""
    procs = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs) / 2**20


def run(url: str, label: str, rate: float, warmup: float, duration: float) -> dict:
    """Serve the store, drive it from another process, sample the server's memory."""
    key = prepare(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HANDOFF_DATABASE_URL": url, "HANDOFF_INGEST_RATE_PER_KEY": "0",
           "HANDOFF_INGEST_RATE_PER_IP": "0"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "handoff", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        driver = subprocess.Popen(
            [sys.executable, __file__, "--drive", base, key, str(rate), str(warmup),
             str(duration)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        process = psutil.Process(server.pid)
        time.sleep(warmup)
        samples = [rss_mb(process)]
        while driver.poll() is None:
            time.sleep(min(SAMPLE_EVERY, duration / 4))
            samples.append(rss_mb(process))
        result = json.loads(driver.stdout.read())
    finally:
        server.terminate()
        server.wait(10)
    result.update(label=label, rate=rate, warmup=warmup, rss_samples=samples,
                  rss_start=samples[0], rss_end=samples[-1], rss_max=max(samples))  # fmt: skip
    return result


def report(r: dict) -> bool:
    """Print one run; whether it met its goals."""
    throughput = r["ok"] / r["seconds"]
    growth = (r["rss_end"] - r["rss_start"]) / r["rss_start"]
    ok = not r["errors"] and r["p99_ms"] <= P99_GOAL_MS and growth <= GROWTH_GOAL
    print(f"{r['label']}: {r['rate']:.0f} events/s asked for {r['seconds']:.0f} s"
          f" (after {r['warmup']:.0f} s of warm-up)")  # fmt: skip
    print(f"  throughput  {throughput:,.1f} events/s ({r['ok']:,} answered, errors {r['errors']})")
    print(f"  latency     p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
          f" (goal <= {P99_GOAL_MS:.0f} ms), max {r['max_ms']:.0f} ms")  # fmt: skip
    print(f"  server RSS  {r['rss_start']:.0f} MB at start (after the warm-up),"
          f" {r['rss_end']:.0f} MB at end (max {r['rss_max']:.0f}): {growth:+.1%}"
          f" (goal <= +{GROWTH_GOAL:.0%})")  # fmt: skip
    print("  RSS samples " + ", ".join(f"{mb:.1f}" for mb in r["rss_samples"]) + " MB")
    print(f"  {'PASS' if ok else 'MISS'}")
    return ok


def main() -> None:
    """Run the sustained load on SQLite (and PostgreSQL when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--duration", type=float, default=600.0, help="seconds, after warm-up")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="seconds before the timed part and RSS start"
    )
    parser.add_argument("--postgresql", action="store_true", help="on PostgreSQL, not SQLite")
    parser.add_argument("--drive", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        base, key, rate, warmup, duration = args.drive
        result = asyncio.run(drive(base, key, float(rate), float(warmup), float(duration)))
        print(json.dumps(result))
        return
    if args.postgresql:
        name, url = create_pg_database()
        try:
            result = run(url, "postgresql", args.rate, args.warmup, args.duration)
        finally:
            drop_pg_database(name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/load.db"
            result = run(url, "sqlite", args.rate, args.warmup, args.duration)
    report(result)


if __name__ == "__main__":
    main()
