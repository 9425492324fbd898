"""A policy as readable sections, problems with the lines they point at, a side-by-side diff."""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from typing import Any

from handoff.core.compiled import Policy
from handoff.core.problems import Problem
from handoff.core.schedule import DAYS, Schedule

HOLIDAY_LOOKAHEAD_DAYS = 90


def sections(policy: Policy) -> dict[str, Any]:
    """Segments with criteria, signals with weights, routes in order, teams, nurture rules."""
    model = policy.model
    return {
        "name": policy.name,
        "segments": [
            {
                "id": s.spec.id,
                "when": s.spec.when,
                "criteria": [(c.id, c.expected) for c in s.criteria],
                "threshold": s.spec.intent_threshold,
            }
            for s in policy.segments
        ],
        "signals": [
            {
                "id": s.id,
                "when": s.when.model_dump(exclude_none=True),
                "weight": s.weight,
                "max_count": s.max_count,
                "trigger": s.trigger,
            }
            for s in model.signals
        ],
        "routes": [r.model_dump(exclude_none=True) for r in model.routes],
        "teams": [
            {
                "id": team_id,
                "assign": team.assign,
                "schedule": team.schedule,
                "after_hours": team.after_hours.model_dump(exclude_none=True)
                if team.after_hours
                else None,
                "reps": [r.id for r in policy.reps_by_team.get(team_id, ())],
            }
            for team_id, team in model.teams.items()
        ],
        "nurture": [n.model_dump(exclude_none=True) for n in model.nurture],
        "sla": model.sla,
    }


def problem_view(problem: Problem, lines: list[str]) -> dict[str, Any]:
    """A problem with the source line it points at and a caret under its column."""
    text = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
    return {
        **problem.to_dict(),
        "text": text,
        "caret": " " * max(problem.column - 1, 0) + "^",
    }


def side_by_side(old: str, new: str) -> list[dict[str, Any]]:
    """Rows of a side-by-side diff: kind (same, del, add, chg) and each side's number and text."""
    a, b = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = {"equal": "same", "delete": "del", "insert": "add", "replace": "chg"}[tag]
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            rows.append(
                {
                    "kind": kind,
                    "left_no": i + 1 if i < i2 else None,
                    "left": a[i] if i < i2 else "",
                    "right_no": j + 1 if j < j2 else None,
                    "right": b[j] if j < j2 else "",
                }
            )
    return rows


def week_grid(schedule: Schedule) -> list[dict[str, Any]]:
    """Each day of the week as 24 hourly cells: 'open', 'part' (open some of the hour) or ''."""
    minutes = {day: [0] * 24 for day in DAYS}
    for index, (day, ranges) in enumerate(schedule.week_grid().items()):
        for start, end in ranges:
            first, last = _minute(start), _minute(end)
            if last <= first:
                _fill(minutes[day], first, 24 * 60)
                _fill(minutes[DAYS[(index + 1) % 7]], 0, last)
            else:
                _fill(minutes[day], first, last)
    return [
        {
            "day": day,
            "cells": ["open" if m >= 60 else "part" if m else "" for m in minutes[day]],
        }
        for day in DAYS
    ]


def holidays_ahead(schedule: Schedule, now: datetime) -> list[tuple[str, str]]:
    """Public holidays closing the schedule in the next 90 days: (date, name)."""
    start = schedule.local(now).date()
    found = []
    for offset in range(HOLIDAY_LOOKAHEAD_DAYS):
        day = start + timedelta(days=offset)
        name = schedule.holiday(day)
        if name:
            found.append((day.isoformat(), name))
    return found


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _fill(hours: list[int], start: int, end: int) -> None:
    for hour in range(start // 60, (end + 59) // 60):
        hours[hour] += min(end, (hour + 1) * 60) - max(start, hour * 60)
