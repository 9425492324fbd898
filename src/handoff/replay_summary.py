"""What a replay found: how many decisions change, from what to what, load and after hours."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handoff.core.compiled import Policy
from handoff.core.decision import Decision
from handoff.core.engine import assess, nurture_rule
from handoff.core.state import ConversationState

ASPECTS = ("action", "segment", "route", "team", "rep", "mode", "nurture")
AFTER_HOURS_MODES = ("next_business_day", "after_hours_notify", "on_call")
APPROXIMATION = (
    "No roster was stored for these handoff decisions (a decision at an event where the "
    "stored one did not hand off, or one made before rosters were kept): they were decided "
    "with the conversation's own stored roster from another event when it has one, else "
    "with today's reps, nothing open and no round-robin position."
)


@dataclass(frozen=True)
class Outcome:
    """The parts of a decision a replay compares."""

    action: str
    segment: str | None
    route: str | None
    team: str | None
    rep: str | None
    mode: str | None
    nurture: str | None
    after_hours: bool
    event_index: int | None

    @classmethod
    def of(cls, d: Decision) -> Outcome:
        """The outcome of a core decision."""
        route = d.route or {}
        team = (d.assignment or {}).get("team") or route.get("team")
        return cls(
            action=d.action,
            segment=d.segment,
            route=route.get("id") if d.action == "handoff" else None,
            team=team if d.action == "handoff" else None,
            rep=d.rep,
            mode=d.mode,
            nurture=(d.nurture or {}).get("id"),
            after_hours=bool(d.hours and not d.hours["open"]),
            event_index=d.event_index,
        )

    @classmethod
    def assessed(cls, policy: Policy, state: ConversationState, index: int) -> Outcome:
        """The outcome of a state that does not hand off, without building a decision's trace."""
        a = assess(policy, state, trace=False)
        nurture = nurture_rule(policy, a) if a.action == "nurture" else None
        segment = a.segment.spec.id if a.segment else None
        return cls(a.action, segment, None, None, None, None, nurture, False, index)

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return dict(self.__dict__)


def changed_aspects(old: Outcome, new: Outcome) -> list[str]:
    """The aspects (action, segment, route, team, rep, mode, nurture) that differ."""
    return [a for a in ASPECTS if getattr(old, a) != getattr(new, a)]


@dataclass
class Summary:
    """Counts over every conversation replayed, and the first few changes as samples."""

    draft: dict[str, Any]
    since: datetime | None
    until: datetime | None
    keep: int = 50
    conversations: int = 0
    events: int = 0
    changed: int = 0
    rejected_events: int = 0
    seconds: float = 0.0
    versions: list[int] = field(default_factory=list)
    moves: dict[str, Counter] = field(default_factory=lambda: {a: Counter() for a in ASPECTS})
    load: dict[str, dict[str, Counter]] = field(
        default_factory=lambda: {"team": {"old": Counter(), "new": Counter()},
                                 "rep": {"old": Counter(), "new": Counter()}}
    )  # fmt: skip
    after_hours: Counter = field(default_factory=Counter)
    approximated: Counter = field(default_factory=Counter)
    samples: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        conversation_id: str,
        events: int,
        old_side: Any,
        new_side: Any,
        rejected: int,
    ) -> dict[str, Any] | None:
        """Count one conversation (two replay Sides); the change (as JSON) when it changes."""
        old, new = old_side.outcome, new_side.outcome
        self.conversations += 1
        self.events += events
        self.rejected_events += rejected
        self.approximated["old"] += old_side.approximated
        self.approximated["new"] += new_side.approximated
        for side, outcome in (("old", old), ("new", new)):
            if outcome.action == "handoff":
                self.load["team"][side][outcome.team] += 1
                self.load["rep"][side][outcome.rep] += 1
                self.after_hours[side] += outcome.after_hours
        differ = changed_aspects(old, new)
        if not differ:
            return None
        self.changed += 1
        for aspect in differ:
            self.moves[aspect][(getattr(old, aspect), getattr(new, aspect))] += 1
        change = {
            "conversation_id": conversation_id,
            "changed": differ,
            "old": old.to_dict(),
            "new": new.to_dict(),
        }
        if len(self.samples) < self.keep:
            self.samples.append(change)
        return change

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON (the `--json` output and the dashboard's data)."""
        return {
            "draft": self.draft,
            "baseline_versions": self.versions,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "conversations": self.conversations,
            "events": self.events,
            "changed": self.changed,
            "unchanged": self.conversations - self.changed,
            "moves": {
                aspect: [{"from": a, "to": b, "count": n} for (a, b), n in _top(counter)]
                for aspect, counter in self.moves.items()
            },
            "load": {kind: _shifts(sides) for kind, sides in self.load.items()},
            "after_hours": {"old": self.after_hours["old"], "new": self.after_hours["new"]},
            "roster": {
                "approximated": {"old": self.approximated["old"], "new": self.approximated["new"]},
                "note": APPROXIMATION,
            },
            "rejected_events": self.rejected_events,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.events / self.seconds) if self.seconds else None,
            "samples": self.samples,
        }


def _top(counter: Counter) -> list[tuple[tuple, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _shifts(sides: dict[str, Counter]) -> list[dict[str, Any]]:
    keys = set(sides["old"]) | set(sides["new"])
    rows = [
        {"key": k, "old": sides["old"][k], "new": sides["new"][k],
         "delta": sides["new"][k] - sides["old"][k]}
        for k in keys
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-abs(r["delta"]), str(r["key"])))
