"""Metric query times on 1,000,000 handoffs, on SQLite and PostgreSQL.

Seeds a year of data: 3,000,000 conversations (their last decision, qualified or not), of
which 1,000,000 were handed off, each with a lead delivered to two targets (2,000,000
deliveries, some parked). Routes, reps, rules, outcomes and after-hours shares follow
plausible weights; times to accept and respond are log-normal. The rows are loaded before
migration 0007, whose backfill of the roll-ups is timed too. Then times each query of
`handoff.metrics` (the best of 3 runs) for the last 30 days and for the whole year,
ungrouped and grouped by day and by rep. Goal: each <= 300 ms.

    .venv/bin/python bench/metrics.py [--handoffs 1000000] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from handoff.db.engine import make_engine
from handoff.db.migrate import upgrade
from handoff.metrics import CONVERSION_BY, Scope

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import create_pg_database, drop_pg_database  # noqa: E402

GOAL_MS = 300
BEFORE_ROLLUPS = ("0005", "0002")  # what migration 0007 (the metrics roll-ups) follows
END = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 365
ROUTES = [  # route, team, segment, reps, weight
    ("default", "sales", "smb", ["ana", "tom"], 45),
    ("enterprise-default", "enterprise", "enterprise", ["jane", "li"], 20),
    ("enterprise-east", "enterprise-east", "enterprise", ["jane", "omar"], 15),
    ("emea", "emea", "smb", ["sofia", "tom"], 15),
    ("strategic-deals", "enterprise", "enterprise", ["jane", "li"], 5),
]
OUTCOMES = (["won"] * 22 + ["lost"] * 45 + ["not_qualified"] * 12 + ["wrong_route"] * 6
            + ["no_response"] * 12 + ["duplicate"] * 3)  # fmt: skip
RULES = ["qualified"] * 70 + ["asks_for_human"] * 25 + ["demo_request"] * 5


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A log-normal draw with the given median."""
    return math.exp(math.log(median) + sigma * rng.gauss(0, 1))


def rows(n_handoffs: int, per_handoff: int = 3):
    """(conversations, decisions, handoffs, outbox, deliveries) as tuples, in time order."""
    rng = random.Random(11)
    conversations, decisions, handoffs, outbox, deliveries = [], [], [], [], []
    total = n_handoffs * per_handoff
    offsets = sorted(rng.random() for _ in range(total))  # ids grow with time, as in service
    for i in range(total):
        at = END - timedelta(seconds=(1 - offsets[i]) * DAYS * 86400)
        late = rng.random() < 0.25
        at = at.replace(hour=rng.choice([1, 3, 5, 23]) if late else rng.randint(13, 21))
        cid, handed = f"c{i:08d}", i % per_handoff == 0
        route, team, segment, reps, _ = rng.choices(ROUTES, [r[4] for r in ROUTES])[0]
        qualified = handed or rng.random() < 0.2
        hid = len(handoffs) + 1 if handed else None
        conversations.append((cid, "{}", 5, i + 1, hid, at, at, segment, qualified))
        decisions.append((i + 1, cid, 4, "handoff" if handed else "qualify", 1, "{}", at,
                          qualified, segment))  # fmt: skip
        if handed:
            handoffs.append(_handoff(rng, hid, cid, i + 1, at, late, route, team, segment, reps))
            outbox.append((hid, f"h{hid}:lead", "lead", cid, hid, team, "{}", at, at))
            deliveries.extend(_deliveries(rng, hid, at))
    return conversations, decisions, handoffs, outbox, deliveries


def _deliveries(rng, hid, at):
    """The lead's delivery to each of two targets: mostly delivered, some parked, recent pending."""
    out = []
    for n, target in enumerate(("crm", "slack")):
        status = rng.choices(["delivered", "dead", "pending"],
                             [90, 2, 8] if (END - at).days < 2 else [97, 3, 0])[0]  # fmt: skip
        due = at + timedelta(seconds=rng.uniform(1, 60 if status == "delivered" else 99000))
        out.append((2 * hid - 1 + n, hid, f"h{hid}:lead:{target}", "lead", target, status,
                    1 if status == "delivered" else 8, due, at, due,
                    due if status == "delivered" else None))  # fmt: skip
    return out


def _handoff(rng, hid, cid, did, at, late, route, team, segment, reps):
    recent = (END - at).days < 7
    status = rng.choices(["closed", "accepted", "offered", "queued"],
                         [40, 40, 15, 5] if recent else [92, 5, 2, 1])[0]  # fmt: skip
    rep = None if status == "queued" else rng.choice(reps)
    accept = lognormal(rng, 240, 1.2) + (rng.uniform(8, 14) * 3600 if late else 0)
    respond = accept + lognormal(rng, 120, 1.0)
    accepted = at + timedelta(seconds=accept) if status in ("closed", "accepted") else None
    responded = at + timedelta(seconds=respond) if accepted else None
    business = int(lognormal(rng, 200, 1.1)) if accepted else None
    outcome = rng.choice(OUTCOMES) if status == "closed" else None
    closed = at + timedelta(days=rng.uniform(1, 30)) if outcome else None
    moved = rng.choices([0, 1, 2], [85, 12, 3])[0]
    return (hid, cid, did, status, "live", team, rep, "normal", route, outcome, moved, "[]", at,
            at, accepted, responded, closed, segment, rng.choice(RULES), late, business,
            business + int(respond - accept) if business is not None else None)  # fmt: skip


CONV_COLS = (
    "id, state, event_count, last_decision_id, handoff_id, created_at, updated_at, segment,"
    " qualified"
)
DEC_COLS = (
    "id, conversation_id, event_seq, action, policy_version, body, created_at, qualified, segment"
)
HAND_COLS = ("id, conversation_id, decision_id, status, mode, team, rep, priority, route, outcome,"
             " reassignments, log, created_at, offered_at, accepted_at, first_response_at,"
             " closed_at, segment, rule, after_hours, accept_business_seconds,"
             " response_business_seconds")  # fmt: skip
OUT_COLS = "id, key, kind, conversation_id, handoff_id, team, payload, created_at, fanned_at"
DEL_COLS = ("id, outbox_id, key, kind, target, status, attempts, due_at, created_at, updated_at,"
            " delivered_at")  # fmt: skip
TABLES = (("conversations", CONV_COLS), ("decisions", DEC_COLS), ("handoffs", HAND_COLS),
          ("outbox", OUT_COLS), ("deliveries", DEL_COLS))  # fmt: skip


def load(engine, data) -> None:
    """Bulk-load the rows: executemany on SQLite, COPY on PostgreSQL."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("INSERT INTO policy_versions VALUES (1, '', '', '', NULL, now())")
            for (table, cols), values in zip(TABLES, data, strict=True):
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
        else:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO policy_versions VALUES (1, '', '', '', NULL, '2026-01-01')")
            for (table, cols), values in zip(TABLES, data, strict=True):
                marks = ", ".join("?" * len(cols.split(",")))
                text = [tuple(_sqlite(v) for v in row) for row in values]
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", text)
        raw.commit()
    finally:
        raw.close()


def settle(engine) -> None:
    """ANALYZE; on PostgreSQL VACUUM too, as autovacuum leaves a table: index-only scans."""
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            raw.driver_connection.autocommit = True
        raw.cursor().execute("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _sqlite(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def timed(fn) -> float:
    """The best of 3 runs, in ms."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def queries_of(session, scope: Scope, group: str | None) -> dict:
    """Each query of a report, by name, ready to run."""
    return {
        "counts (volume, accuracy, SLA, after hours)": lambda: scope.handoff_counts(session, group),
        "timings (median, p90 of 4 durations)": lambda: scope.timings(session, group),
        "conversations (qualification, handoff rate)": lambda: scope.conversation_counts(
            session, group
        ),
        "deliveries (success rate)": lambda: scope.delivery_counts(session, group),
        **{f"conversion by {d}": (lambda d=d: scope.conversion(session, d)) for d in CONVERSION_BY},
    }


def measure(engine, label: str) -> list[float]:
    """Time every query for three ranges and groupings; print one line each."""
    dialect, times = engine.dialect.name, []
    with Session(engine) as session:
        for days in (30, DAYS):
            for group in (None, "day", "rep"):
                queries = queries_of(session, Scope(dialect, END - timedelta(days=days), END,
                                                    {}, 600), group)  # fmt: skip
                for name, fn in queries.items():
                    ms = timed(fn)
                    times.append(ms)
                    flag = "" if ms <= GOAL_MS else "  MISS"
                    where = f"{label:<10} | {days:>3} d  {group or '-':<4}"
                    print(f"{where} {name:<46} {ms:8.1f} ms{flag}")
    return times


def run(url: str, label: str, data) -> None:
    """Migrate to before the roll-ups, load, migrate (the roll-ups' backfill), measure."""
    engine = make_engine(url)
    for revision in BEFORE_ROLLUPS:
        upgrade(engine, revision)
    started = time.perf_counter()
    load(engine, data)
    print(f"{label}: loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    upgrade(engine)
    took = time.perf_counter() - started
    print(f"{label}: migrated to head (0007 backfills the roll-ups) in {took:.0f} s")
    settle(engine)
    times = measure(engine, label)
    engine.dispose()
    misses = sum(t > GOAL_MS for t in times)
    result = "MISS" if misses else "PASS"
    print(f"{label}: slowest {max(times):.0f} ms; {misses} of {len(times)} over {GOAL_MS} ms: "
          f"{result}\n")  # fmt: skip


def main() -> None:
    """Seed once, run on each store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=1_000_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    data = rows(args.handoffs)
    print(f"generated {args.handoffs:,} handoffs, {len(data[0]):,} conversations "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/metrics.db", "sqlite", data)
    if not args.sqlite_only:
        name, url = create_pg_database()
        try:
            run(url, "postgresql", data)
        finally:
            drop_pg_database(name)


if __name__ == "__main__":
    main()
