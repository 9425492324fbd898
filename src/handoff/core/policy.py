"""The policy model: what a team writes in policy.yaml, validated by Pydantic.

Conditions stay raw mappings here; `conditions.py` compiles them once at load.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Condition = dict[str, Any]
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> int:
    """Seconds in a duration such as '10m', '2h', '30d' (an integer is seconds)."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number with a unit, such as 10m, 2h or 30d")
    if isinstance(value, int):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"'{value}' is not a duration such as 10m, 2h or 30d")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


Duration = Annotated[int, BeforeValidator(parse_duration)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class Strict(BaseModel):
    """A policy section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Territory(Strict):
    """A territory: every key given must match the visitor's location."""

    country: StrList | None = None
    region: StrList | None = None


class Product(Strict):
    """A product line, recognised from the pages seen and the words said."""

    pages: StrList = []
    words: StrList = []


class SignalWhen(Strict):
    """What a signal counts: page views, visitor messages matching patterns, or words."""

    page: StrList | None = None
    says: StrList | None = None
    mentions: StrList | None = None


class Signal(Strict):
    """An intent signal: each occurrence adds `weight`, up to `max_count` times."""

    id: Id
    when: SignalWhen
    weight: float = 0
    max_count: int | None = Field(default=None, ge=1)
    trigger: bool = False
    description: str | None = None


class Segment(Strict):
    """A segment of visitors with its own qualification criteria and intent threshold."""

    id: Id
    when: Condition | None = None
    qualify: dict[str, Any] = {}
    intent_threshold: float = 0
    description: str | None = None


class Route(Strict):
    """A routing rule: first match wins; sends the handoff to a team."""

    id: Id
    when: Condition | None = None
    team: str
    reps: Condition | None = None
    priority: str = "normal"
    description: str | None = None


class AfterHours(Strict):
    """What happens when the team's schedule is closed."""

    action: Literal["on_call", "next_business_day", "notify"]
    team: str | None = None
    contact: str | None = None
    priority: str | None = None


class Team(Strict):
    """A team of reps with a schedule, an assignment strategy and an after-hours path."""

    name: str | None = None
    schedule: str | None = None
    assign: Literal["round_robin", "least_loaded"] = "round_robin"
    after_hours: AfterHours | None = None
    contact: str | None = None


class ScheduleSpec(Strict):
    """Opening hours in a time zone, closed on the public holidays of a country."""

    timezone: str | None = None
    hours: Any = {}
    holidays: str | None = None


class Rep(BaseModel):
    """A rep; any extra attribute (language, region, ...) can be used in a route's reps filter."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: Id
    name: str | None = None
    email: str | None = None
    teams: StrList = []
    seniority: str | None = None
    capacity: int | None = Field(default=None, ge=0)
    weight: float | None = None

    def attributes(self) -> dict[str, Any]:
        """Every attribute of the rep, extra ones included, for reps filters."""
        return self.model_dump(exclude_none=True)


class Sla(Strict):
    """How long a rep has to accept before the handoff is offered to the next one."""

    accept_within: Duration = 600
    reassign_limit: int = Field(default=2, ge=0)


class NurtureAction(Strict):
    """What the bot does instead of a handoff."""

    sequence: str | None = None
    resources: StrList = []
    follow_up_in: Duration | None = None
    message: str | None = None


class NurtureRule(Strict):
    """A nurture rule: first match wins for conversations that do not qualify."""

    id: Id
    when: Condition | None = None
    action: NurtureAction


class Messages(Strict):
    """What the bot says to the visitor for each outcome; {placeholders} are filled safely."""

    live: str | None = None
    on_call: str | None = None
    next_business_day: str | None = None
    after_hours_notify: str | None = None
    queued: str | None = None
    nurture: str | None = None
    qualify: dict[str, str] = {}
    routes: dict[str, dict[str, str]] = {}


class PolicyModel(Strict):
    """A whole policy file."""

    name: str
    currency: str = "USD"
    timezone: str = "UTC"
    rates: dict[str, float] = {}
    territories: dict[str, Territory] = {}
    products: dict[str, Product] = {}
    competitors: StrList = []
    lists: dict[str, StrList] = {}
    signals: list[Signal] = []
    segments: list[Segment] = Field(min_length=1)
    routes: list[Route] = []
    teams: dict[str, Team] = {}
    schedules: dict[str, ScheduleSpec] = {}
    reps: list[Rep] = []
    sla: Sla = Sla()
    nurture: list[NurtureRule] = []
    messages: Messages = Messages()

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"'{value}' is not an ISO 4217 currency code such as USD")
        return value
