"""Replay speed: events/s of `handoff.replay.replay` over stored conversations, on one core.

Seeds N conversations (default 20,000, about 10 events each) as handling stores them: events,
one decision per event until the first handoff (decided by the reference policy at seed
time), the roster kept with each handoff decision. Then replays them through a draft whose
smb threshold is lower, so decisions change and some rosters are approximated.

    .venv/bin/python bench/replay.py [--conversations 100000] [--postgresql]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

import handoff
from handoff.core.assignment import RosterState
from handoff.core.engine import assess, could_hand_off
from handoff.core.events import parse_event
from handoff.core.state import ConversationState, apply_event
from handoff.db.engine import make_engine
from handoff.db.migrate import upgrade
from handoff.db.models import Conversation, Decision, Event, PolicyVersion
from handoff.recording import roster_snapshot
from handoff.replay import replay

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import create_pg_database, drop_pg_database  # noqa: E402

POLICY = (ROOT / "examples" / "policy.yaml").read_text(encoding="utf-8")
GOAL = 20_000
START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
PAGES = ["/pricing", "/blog/choosing-a-crm", "/blog/routing", "/features/routing",
         "/enterprise", "/starter", "/customers", "/docs/api"]  # fmt: skip
BOT = ["Hi! What brings you here today?", "What budget do you have in mind?",
       "When do you need this in place?", "What is your role?",
       "How many people work at your company?"]  # fmt: skip
VISITOR = [
    "We're comparing tools for our sales team.", "About 40 people, growing fast.",
    "Our budget is around $20k a year.", "We need it live next quarter.",
    "I'm the head of sales, I make the call.", "My boss decides, I'm researching for my VP.",
    "How long does onboarding take?", "Does it integrate with HubSpot?",
    "We're about 1200 people across three offices.", "Budget is roughly 80-120k.",
    "Just looking for now, no timeline.", "Could we get a demo for our team?",
    "Is SSO included in the enterprise plan?", "Can I talk to a human please?",
    "We tried Pipedrive but it didn't stick.", "What does the starter plan include?",
]  # fmt: skip
REGIONS = [("US", "US-NY"), ("US", "US-CA"), ("US", "US-TX"), ("GB", None), ("DE", None)]


def conversation(rng: random.Random) -> list[dict]:
    """A plausible conversation of 4-16 events."""
    events: list[dict] = [{"type": "page_view", "url": rng.choice(PAGES)}]
    for _ in range(rng.randint(3, 15)):
        roll = rng.random()
        if roll < 0.3:
            events.append({"type": "message", "role": "bot", "text": rng.choice(BOT)})
        elif roll < 0.6:
            events.append({"type": "message", "role": "visitor", "text": rng.choice(VISITOR)})
        elif roll < 0.85:
            events.append({"type": "page_view", "url": rng.choice(PAGES)})
        elif roll < 0.93:
            country, region = rng.choice(REGIONS)
            events.append(
                {"type": "identify", "country": country, **({"region": region} if region else {})}
            )
        else:
            values = {
                "budget": rng.choice([3000, 9000, 60000, 300000]),
                "timeline_days": rng.choice([14, 60, 200]),
                "authority": rng.choice(["decision_maker", "influencer", "user"]),
            }
            events.append({"type": "slots", "values": values})
    return events


def seed(engine, n: int) -> int:
    """Store n conversations as handling would; the number of events."""
    policy = handoff.load_policy(POLICY, version=1)
    rng = random.Random(7)
    reps = RosterState(reps=policy.model.reps)
    now = START
    counts = {"events": 0, "decision": 0}
    with Session(engine) as session, session.begin():
        session.execute(insert(PolicyVersion), [{"version": 1, "source": POLICY,
                        "sha256": policy.sha256, "comment": "", "created_at": now}])  # fmt: skip
        rows = {"c": [], "d": [], "e": []}
        for i in range(n):
            _store(policy, f"c{i:07d}", conversation(rng), now, reps, rng, rows, counts)
            now += timedelta(seconds=rng.randint(5, 120))
            if len(rows["e"]) > 20_000:
                _flush(session, rows)
        _flush(session, rows)
    return counts["events"]


def _store(policy, cid, raws, now, reps, rng, rows, counts) -> None:
    state, handed = ConversationState(), None
    rows["c"].append({"id": cid, "state": {}, "event_count": len(raws), "created_at": now,
                      "updated_at": now})  # fmt: skip
    for seq, raw in enumerate(raws):
        at = now + timedelta(seconds=20 * seq)
        event = parse_event({**raw, "at": at}, seq, at)
        apply_event(policy, state, event)
        if handed is None:
            counts["decision"] += 1
            roster = None
            if (
                could_hand_off(policy, state)
                and assess(policy, state, trace=False).action == "handoff"
            ):
                handed = counts["decision"]
                open_counts = {r.id: rng.randint(0, 3) for r in policy.model.reps}
                roster = roster_snapshot(RosterState(open_counts, {}, frozenset(), reps.reps))
            rows["d"].append({"id": counts["decision"], "conversation_id": cid, "event_seq": seq,
                              "action": "handoff" if roster else "qualify", "policy_version": 1,
                              "body": {}, "created_at": at, "roster": roster})  # fmt: skip
        rows["e"].append({"conversation_id": cid, "seq": seq, "body_sha256": "", "at": at,
                          "body": event.to_dict(), "received_at": at,
                          "decision_id": handed or counts["decision"]})  # fmt: skip
        counts["events"] += 1


def _flush(session, rows) -> None:
    for model, key in ((Conversation, "c"), (Decision, "d"), (Event, "e")):
        if rows[key]:
            session.execute(insert(model), rows[key])
            rows[key].clear()


def run(url: str, n: int, label: str) -> float:
    """Seed, replay, print; events/s."""
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    events = seed(engine, n)
    took = time.perf_counter() - started
    print(f"{label}: seeded {n:,} conversations, {events:,} events in {took:.0f} s")
    draft = handoff.load_policy(POLICY.replace("intent_threshold: 50", "intent_threshold: 30"))
    with Session(engine) as session:
        summary = replay(session, draft)
    engine.dispose()
    rate = summary.events / summary.seconds
    s = summary.to_dict()
    verdict = "PASS" if rate >= GOAL else "MISS"
    print(
        f"{label}: replayed {s['conversations']:,} conversations, {s['events']:,} events in "
        f"{summary.seconds:.1f} s: {rate:,.0f} events/s (goal >= {GOAL:,}): {verdict}"
    )
    approximated = s["roster"]["approximated"]
    print(f"{label}: {s['changed']:,} decisions change; rosters approximated {approximated}")
    return rate


def main() -> None:
    """Run on SQLite (and PostgreSQL when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--postgresql", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/replay.db", args.conversations, "sqlite")
    if args.postgresql:
        name, url = create_pg_database()
        try:
            run(url, args.conversations, "postgresql")
        finally:
            drop_pg_database(name)


if __name__ == "__main__":
    main()
