"""A loaded policy: the validated model plus everything compiled once for deciding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handoff.core.conditions import Cond
from handoff.core.facts import READ_ORDER, Extractor
from handoff.core.messages import Template
from handoff.core.policy import NurtureRule, PolicyModel, Rep, Route, Segment, Team
from handoff.core.problems import Problem
from handoff.core.schedule import Schedule
from handoff.core.signals import ProductMatcher, SignalMatcher

CRITERION_FACTS = {"budget": "budget", "timeline": "timeline_days", "authority": "authority"}


@dataclass(frozen=True)
class Criterion:
    """One qualification criterion: the fact it reads and the test it must pass."""

    id: str
    fact: str
    cond: Cond
    expected: str


@dataclass(frozen=True)
class CompiledSegment:
    """A segment with its condition and criteria compiled."""

    spec: Segment
    when: Cond
    criteria: tuple[Criterion, ...]
    gate_facts: tuple[str, ...] = field(init=False, compare=False)  # cheapest to read first

    def __post_init__(self) -> None:
        facts = dict.fromkeys(c.fact for c in self.criteria)
        ordered = sorted(facts, key=lambda f: READ_ORDER.index(f) if f in READ_ORDER else -1)
        object.__setattr__(self, "gate_facts", tuple(ordered))


@dataclass(frozen=True)
class CompiledRoute:
    """A route with its condition and reps filter compiled."""

    spec: Route
    when: Cond
    reps: Cond | None


@dataclass(frozen=True)
class CompiledNurture:
    """A nurture rule with its condition compiled."""

    spec: NurtureRule
    when: Cond


@dataclass(frozen=True)
class Territory:
    """A territory's compiled keys: allowed countries and regions (None: any)."""

    id: str
    countries: frozenset[str] | None
    regions: frozenset[str] | None

    def matches(self, country: str | None, region: str | None) -> bool:
        """Whether every key given matches the visitor's location."""
        if self.countries is not None and country not in self.countries:
            return False
        return self.regions is None or region in self.regions


@dataclass
class Policy:
    """A policy ready to decide with; build it with `load_policy`."""

    model: PolicyModel
    source: str
    sha256: str
    file: str
    version: int | None
    signals: tuple[SignalMatcher, ...]
    products: tuple[ProductMatcher, ...]
    territories: tuple[Territory, ...]
    segments: tuple[CompiledSegment, ...]
    routes: tuple[CompiledRoute, ...]
    nurture: tuple[CompiledNurture, ...]
    schedules: dict[str, Schedule]
    templates: dict[str, Template]
    extractor: Extractor
    warnings: list[Problem] = field(default_factory=list)
    reps_by_team: dict[str, tuple[Rep, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The policy's name."""
        return self.model.name

    @property
    def teams(self) -> dict[str, Team]:
        """Teams by id."""
        return self.model.teams

    def schedule_for(self, team_id: str) -> Schedule | None:
        """The schedule a team follows (None: always open)."""
        team = self.model.teams.get(team_id)
        return self.schedules.get(team.schedule) if team and team.schedule else None

    def identity(self) -> dict[str, Any]:
        """The policy as named in a decision: name, version and sha256."""
        return {"name": self.model.name, "version": self.version, "sha256": self.sha256}
