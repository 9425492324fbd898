"""Warnings about a policy that loads but will not do what its author expects."""

from __future__ import annotations

from handoff.core.compiled import Policy
from handoff.core.conditions import clauses
from handoff.core.problems import Problem
from handoff.core.source import Source


def warnings(policy: Policy, src: Source) -> list[Problem]:
    """Every warning: shadowed rules, teams without reps, after-hours paths to nowhere."""
    m = policy.model
    out: list[Problem] = []
    out += _shadowed(src, "routes", "route", [(r.id, r.when) for r in m.routes])
    out += _shadowed(src, "segments", "segment", [(s.id, s.when) for s in m.segments])
    for team_id in m.teams:
        if not policy.reps_by_team.get(team_id):
            out.append(
                src.problem(
                    ("teams", team_id), f"team '{team_id}' has no reps", "warning", key=True
                )
            )
    for team_id in m.teams:
        reason = _dead_end(policy, team_id)
        if reason:
            out.append(src.problem(("teams", team_id, "after_hours"), reason, "warning"))
    used = {r.team for r in m.routes} | {
        t.after_hours.team for t in m.teams.values() if t.after_hours
    }
    for team_id in m.teams:
        if team_id not in used:
            out.append(
                src.problem(
                    ("teams", team_id), f"team '{team_id}' is never routed to", "warning", key=True
                )
            )
    if m.routes and m.routes[-1].when is not None:
        out.append(
            src.problem(
                ("routes",),
                "no catch-all route: a handoff that matches no route waits unassigned",
                "warning",
                key=True,
            )
        )
    return out


def _shadowed(
    src: Source, section: str, noun: str, rules: list[tuple[str, object]]
) -> list[Problem]:
    """A rule that can never fire because an earlier, broader one always matches first."""
    out = []
    seen: list[tuple[str, frozenset]] = []
    for i, (rule_id, when) in enumerate(rules):
        mine = clauses(when)
        for earlier_id, earlier in seen:
            if mine is not None and earlier <= mine:
                broader = "has no condition" if not earlier else "matches whenever it does"
                out.append(
                    src.problem(
                        (section, i, "id"),
                        f"{noun} '{rule_id}' can never fire: "
                        f"the earlier {noun} '{earlier_id}' {broader}",
                        "warning",
                    )
                )
                break
        if mine is not None:
            seen.append((rule_id, mine))
    return out


def _dead_end(policy: Policy, team_id: str) -> str | None:
    team = policy.model.teams[team_id]
    ah = team.after_hours
    if ah is None or ah.action != "on_call" or ah.team not in policy.model.teams:
        return None
    if not policy.reps_by_team.get(ah.team):
        return f"after hours, team '{team_id}' goes on call to '{ah.team}', which has no reps"
    on_call = policy.schedule_for(ah.team)
    if on_call is not None and not any(on_call.week_grid().values()):
        return f"after hours, team '{team_id}' goes on call to '{ah.team}', which never opens"
    return None
