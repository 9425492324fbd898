"""The decision (CONTRACT §4) and its trace: ordered steps kept as data, readable as sentences."""

from __future__ import annotations

import json
from typing import Any


class Step:
    """One step of a decision: what was looked at, what came out, and why, in a sentence."""

    __slots__ = ("step", "outcome", "reason", "inputs")

    def __init__(
        self, step: str, outcome: Any, reason: str, inputs: dict[str, Any] | None = None
    ) -> None:
        self.step = step
        self.outcome = outcome
        self.reason = reason
        self.inputs = inputs

    def __repr__(self) -> str:
        return f"Step({self.step!r}, {self.outcome!r}, {self.reason!r})"

    def to_dict(self, order: int) -> dict[str, Any]:
        """The step as JSON, numbered."""
        return {
            "order": order,
            "step": self.step,
            "inputs": {} if self.inputs is None else self.inputs,
            "outcome": self.outcome,
            "reason": self.reason,
        }


class Decision:
    """What the engine decided after one event, with the trace of how."""

    def __init__(
        self,
        *,
        action: str,
        reason: str,
        segment: str | None,
        qualification: dict[str, Any],
        intent: dict[str, Any],
        facts: dict[str, Any],
        policy: dict[str, Any],
        decided_at: str,
        event_index: int | None,
        steps: list[Step],
    ) -> None:
        self.action = action
        self.reason = reason
        self.segment = segment
        self.qualification = qualification
        self.intent = intent
        self.facts = facts
        self.policy = policy
        self.decided_at = decided_at
        self.event_index = event_index
        self.steps = steps
        self.route: dict[str, Any] | None = None
        self.hours: dict[str, Any] | None = None
        self.mode: str | None = None
        self.assignment: dict[str, Any] | None = None
        self.priority: str | None = None
        self.ask: list[str] | None = None
        self.nurture: dict[str, Any] | None = None
        self.after_hours: dict[str, Any] | None = None
        self.say: str | None = None

    def __repr__(self) -> str:
        return f"Decision({self.action!r}, mode={self.mode!r}, reason={self.reason!r})"

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
        return {
            "action": self.action,
            "reason": self.reason,
            "segment": self.segment,
            "qualification": self.qualification,
            "intent": self.intent,
            "route": self.route,
            "hours": self.hours,
            "mode": self.mode,
            "assignment": self.assignment,
            "priority": self.priority,
            "ask": self.ask,
            "nurture": self.nurture,
            "after_hours": self.after_hours,
            "say": self.say,
            "facts": self.facts,
            "policy": self.policy,
            "decided_at": self.decided_at,
            "event_index": self.event_index,
            "trace": self.trace,
            "steps": [s.to_dict(i + 1) for i, s in enumerate(self.steps)],
        }

    def to_json(self, indent: int | None = None) -> str:
        """The decision as JSON text, byte-identical for identical inputs."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)
