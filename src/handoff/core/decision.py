"""The decision (CONTRACT §4) and its trace: ordered steps kept as data, readable as sentences."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

DECISION_KEYS = (
    "action",
    "reason",
    "segment",
    "qualification",
    "intent",
    "route",
    "hours",
    "mode",
    "assignment",
    "priority",
    "ask",
    "nurture",
    "after_hours",
    "say",
    "facts",
    "policy",
    "decided_at",
    "event_index",
    "trace",
    "steps",
)


@dataclass
class Step:
    """One step of a decision: what was looked at, what came out, and why, in a sentence."""

    step: str
    outcome: Any
    reason: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, order: int) -> dict[str, Any]:
        """The step as JSON, numbered."""
        return {
            "order": order,
            "step": self.step,
            "inputs": self.inputs,
            "outcome": self.outcome,
            "reason": self.reason,
        }


@dataclass
class Decision:
    """What the engine decided after one event, with the trace of how."""

    action: str
    reason: str
    segment: str | None
    qualification: dict[str, Any]
    intent: dict[str, Any]
    facts: dict[str, Any]
    policy: dict[str, Any]
    decided_at: str
    event_index: int | None
    steps: list[Step]
    route: dict[str, Any] | None = None
    hours: dict[str, Any] | None = None
    mode: str | None = None
    assignment: dict[str, Any] | None = None
    priority: str | None = None
    ask: list[str] | None = None
    nurture: dict[str, Any] | None = None
    after_hours: dict[str, Any] | None = None
    say: str | None = None

    @property
    def trace(self) -> list[str]:
        """The trace as plain-English lines, in the order the engine decided."""
        return [s.reason for s in self.steps]

    @property
    def rep(self) -> str | None:
        """The rep assigned, if any."""
        return self.assignment["rep"] if self.assignment else None

    def to_dict(self) -> dict[str, Any]:
        """The decision as the JSON of CONTRACT §4 (plus `steps`, the trace as data)."""
        out: dict[str, Any] = {}
        for key in DECISION_KEYS:
            if key == "trace":
                out[key] = self.trace
            elif key == "steps":
                out[key] = [s.to_dict(i + 1) for i, s in enumerate(self.steps)]
            else:
                out[key] = getattr(self, key)
        return out

    def to_json(self, indent: int | None = None) -> str:
        """The decision as JSON text, byte-identical for identical inputs."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)
