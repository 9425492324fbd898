"""A roster built in Python takes any sequences, and decides as one built from JSON."""

from __future__ import annotations

from pathlib import Path

import handoff
from handoff.core.assignment import RosterState

POLICY = handoff.load_policy(str(Path(__file__).parents[2] / "examples" / "policy.yaml"))
EVENTS = [
    {"type": "identify", "country": "US", "region": "US-NY"},
    {"type": "page_view", "url": "/enterprise"},
    {"type": "slots", "values": {"budget": 120000, "timeline_days": 60,
                                 "authority": "decision_maker"}},
    {"type": "message", "role": "visitor", "text": "can I talk to a human?"},
]
AT = "2026-03-03T15:00:00Z"  # Tuesday 10:00 in New York: open


def test_a_roster_of_lists_decides_as_one_of_tuples() -> None:
    reps = [r for r in POLICY.model.reps if r.id != "jane"]
    from_lists = RosterState(open={"omar": 1}, unavailable=["li"], reps=reps)
    from_tuples = RosterState(open={"omar": 1}, unavailable=frozenset({"li"}), reps=tuple(reps))
    first = handoff.decide(POLICY, EVENTS, roster_state=from_lists, at=AT)
    assert first.rep == "omar"  # jane is not in this roster
    assert first.to_json() == handoff.decide(POLICY, EVENTS, roster_state=from_tuples, at=AT).to_json()
