"""handoff: decides when a chatbot conversation deserves a person, and explains why.

policy = handoff.load_policy("policy.yaml")
decision = handoff.decide(policy, events, roster_state=None, at=None)
decision.to_dict()
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from handoff.core.assignment import RosterState
from handoff.core.compiled import Policy
from handoff.core.decision import Decision
from handoff.core.engine import decide_events
from handoff.core.events import EventError, parse_events, parse_time
from handoff.core.loader import load_policy as _load_policy
from handoff.core.problems import PolicyError, Problem

__all__ = [
    "Decision",
    "EventError",
    "Policy",
    "PolicyError",
    "Problem",
    "RosterState",
    "decide",
    "load_policy",
]


def load_policy(
    path_or_text: str | Path, *, file: str | None = None, version: int | None = None
) -> Policy:
    """Load a policy from a path or YAML text; raises PolicyError carrying every problem."""
    return _load_policy(path_or_text, file=file, version=version, extractor=_extractor)


def _extractor(currency: str, rates: dict[str, float]):
    from handoff.extract import make_extractor

    return make_extractor(currency=currency, rates=rates)


def decide(
    policy: Policy,
    events: list[Mapping[str, Any]],
    *,
    roster_state: RosterState | Mapping[str, Any] | None = None,
    at: datetime | str | None = None,
) -> Decision:
    """The decision of CONTRACT §3 step 8 for a conversation's events (dicts as in §1)."""
    default_at = parse_time(at) if at is not None else datetime.now(UTC)
    roster = (
        roster_state
        if isinstance(roster_state, RosterState)
        else RosterState.from_dict(roster_state)
    )
    return decide_events(policy, parse_events(list(events), default_at), roster, default_at)
