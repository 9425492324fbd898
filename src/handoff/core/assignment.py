"""Choosing the rep: candidates, round robin or least loaded, and why each other rep was skipped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from handoff.core.conditions import Cond
from handoff.core.policy import Rep


class RosterState:
    """Who is busy: open handoffs per rep, last rep assigned per team, who is unavailable.

    `reps`, when given, replaces the policy's reps (a roster managed in the store).
    Treated as immutable: deciding only reads it.
    """

    __slots__ = ("open", "last_assigned", "unavailable", "reps")

    def __init__(
        self,
        open: Mapping[str, int] | None = None,
        last_assigned: Mapping[str, str] | None = None,
        unavailable: Iterable[str] = frozenset(),
        reps: Iterable[Rep] | None = None,
    ) -> None:
        self.open: Mapping[str, int] = {} if open is None else open
        self.last_assigned: Mapping[str, str] = {} if last_assigned is None else last_assigned
        self.unavailable = frozenset(unavailable)
        self.reps: tuple[Rep, ...] | None = None if reps is None else tuple(reps)

    def __repr__(self) -> str:
        return (
            f"RosterState(open={self.open!r}, last_assigned={self.last_assigned!r}, "
            f"unavailable={set(self.unavailable)!r}, reps={self.reps!r})"
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RosterState:
        """Build from CONTRACT §5 JSON: open, last_assigned and unavailable."""
        if not data:
            return cls()
        for key in data:
            if key not in ("open", "last_assigned", "unavailable"):
                raise ValueError(f"roster state: unknown key '{key}'")
        open_counts = data.get("open") or {}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in open_counts.values()):
            raise ValueError("roster state: 'open' maps rep ids to whole numbers")
        return cls(
            open=dict(open_counts),
            last_assigned=dict(data.get("last_assigned") or {}),
            unavailable=frozenset(data.get("unavailable") or ()),
        )


class Assignment:
    """The outcome of choosing a rep within one team."""

    __slots__ = ("rep", "team", "strategy", "candidates", "skipped")

    def __init__(
        self,
        rep: Rep | None,
        team: str,
        strategy: str,
        candidates: tuple[str, ...],
        skipped: list[dict[str, str]],
    ) -> None:
        self.rep = rep
        self.team = team
        self.strategy = strategy
        self.candidates = candidates
        self.skipped = skipped

    def to_dict(self) -> dict[str, Any]:
        """As in the decision's `assignment` key."""
        return {
            "rep": self.rep.id if self.rep else None,
            "team": self.team,
            "strategy": self.strategy,
            "candidates": list(self.candidates),
            "skipped": [dict(s) for s in self.skipped],
        }


def assign(
    reps: tuple[Rep, ...], team: str, strategy: str, reps_filter: Cond | None, roster: RosterState
) -> Assignment:
    """Choose a rep of `team` (reps in policy order) by `strategy`; none when nobody can."""
    skipped: list[dict[str, str]] = []
    candidates: list[Rep] = []
    for rep in reps:
        why = _unfit(rep, reps_filter, roster)
        if why:
            skipped.append({"rep": rep.id, "why": why})
        else:
            candidates.append(rep)
    if not candidates:
        return Assignment(None, team, strategy, (), skipped)
    if strategy == "least_loaded":
        chosen = min(candidates, key=lambda r: roster.open.get(r.id, 0))
    else:
        chosen = _next_in_rotation(reps, candidates, roster.last_assigned.get(team))
    skipped.extend(
        _passed_over(candidates, chosen, strategy, roster, roster.last_assigned.get(team))
    )
    order = {r.id: i for i, r in enumerate(reps)}
    skipped.sort(key=lambda s: order[s["rep"]])
    return Assignment(chosen, team, strategy, tuple(r.id for r in candidates), skipped)


def _unfit(rep: Rep, reps_filter: Cond | None, roster: RosterState) -> str | None:
    if reps_filter is not None:
        attrs = rep.attributes()
        if not reps_filter.test(attrs):
            return "not matched by the route's reps filter: " + "; ".join(
                reps_filter.explain(attrs)
            )
    if rep.id in roster.unavailable:
        return "unavailable"
    load = roster.open.get(rep.id, 0)
    if rep.capacity is not None and load >= rep.capacity:
        return f"at capacity ({load} of {rep.capacity} open)"
    return None


def _next_in_rotation(reps: tuple[Rep, ...], candidates: list[Rep], last: str | None) -> Rep:
    ids = [r.id for r in reps]
    start = ids.index(last) + 1 if last in ids else 0
    eligible = {r.id for r in candidates}
    for i in range(len(ids)):
        rep = reps[(start + i) % len(ids)]
        if rep.id in eligible:
            return rep
    return candidates[0]


def _passed_over(
    candidates: list[Rep], chosen: Rep, strategy: str, roster: RosterState, last: str | None
) -> list[dict[str, str]]:
    out = []
    mine = roster.open.get(chosen.id, 0)
    for rep in candidates:
        if rep is chosen:
            continue
        if strategy == "least_loaded":
            load = roster.open.get(rep.id, 0)
            why = (
                f"more open handoffs ({load}) than {chosen.id} ({mine})"
                if load > mine
                else f"as loaded as {chosen.id} ({mine} open) but later in rep order"
            )
        else:
            why = (
                f"not next in the rotation (last assigned: {last})"
                if last
                else (f"not next in the rotation ({chosen.id} comes first)")
            )
        out.append({"rep": rep.id, "why": why})
    return out
