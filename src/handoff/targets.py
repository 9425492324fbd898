"""Where side effects go: the configured targets, read from the environment.

Each integration configured with HANDOFF_<NAME>_<KEY> variables is a target of that name;
HANDOFF_TARGETS (JSON) adds named targets, e.g. a team's own Slack channel or the bot's
webhook: {"sales-slack": {"integration": "slack", "teams": ["sales"], "config": {...}}}.
A target carries the kinds it delivers (by default what its integration is for) and, when
it names teams, only that team's handoffs. Rep targets come from rep attributes
(`slack_webhook_url`, the rep's email), which the integrations read from the packet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from handoff import integrations  # noqa: F401  (importing it registers every vendor)
from handoff.integrations.base import REGISTRY, config_from_env

DEFAULT_KINDS = {
    "chatwoot": ("reply",),
    "hubspot": ("lead",),
    "salesforce": ("lead",),
    "pipedrive": ("lead",),
    "slack": ("notify",),
    "email": ("notify",),
    "webhook": ("lead", "notify", "nurture"),
}
KINDS = ("lead", "notify", "nurture", "reply")


@dataclass(frozen=True)
class Target:
    """A named integration configuration, the kinds it delivers and the teams it serves."""

    name: str
    integration: str
    config: dict[str, Any]
    kinds: tuple[str, ...]
    teams: tuple[str, ...] = ()

    def serves(self, kind: str, team: str | None) -> bool:
        """Whether a side effect of `kind` for `team` goes to this target."""
        return kind in self.kinds and (not self.teams or team in self.teams)

    def __repr__(self) -> str:
        return f"Target({self.name!r}, {self.integration!r}, {self.kinds}, {self.teams})"


class Targets:
    """The configured targets by name, and the dashboard link the packet carries."""

    def __init__(self, targets: list[Target], public_url: str | None = None) -> None:
        self.by_name = {t.name: t for t in targets}
        self.public_url = public_url.rstrip("/") if public_url else None

    def serving(self, kind: str, team: str | None) -> list[Target]:
        """Every target a side effect of `kind` for `team` goes to, by name."""
        return [t for _, t in sorted(self.by_name.items()) if t.serves(kind, team)]

    def get(self, name: str) -> Target | None:
        """A target by name, or None when it is no longer configured."""
        return self.by_name.get(name)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Targets:
        """The targets configured in `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ
        targets = []
        for name in sorted(REGISTRY):
            config = config_from_env(name, env)
            if config:
                kinds = _kinds(env.get(f"HANDOFF_{name.upper()}_KINDS"), default_kinds(name))
                targets.append(Target(name, name, config, kinds))
        for name, spec in json.loads(env.get("HANDOFF_TARGETS") or "{}").items():
            targets.append(named(name, spec))
        for target in targets:
            check(target)
        return cls(targets, env.get("HANDOFF_PUBLIC_URL"))


def check(target: Target) -> None:
    """Validate a target's config now (ValueError naming the fields, never their values)."""
    try:
        REGISTRY[target.integration].Config.model_validate(target.config)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "config" for e in exc.errors())
        raise ValueError(f"target {target.name!r}: invalid config ({fields})") from None


def named(name: str, spec: dict[str, Any]) -> Target:
    """A target from its HANDOFF_TARGETS entry: integration, config, kinds?, teams?."""
    integration = spec.get("integration")
    if integration not in REGISTRY:
        raise ValueError(f"HANDOFF_TARGETS: {name}: unknown integration {integration!r}")
    kinds = _kinds(spec.get("kinds"), default_kinds(integration))
    teams = tuple(spec.get("teams") or ())
    return Target(name, integration, dict(spec.get("config") or {}), kinds, teams)


def default_kinds(integration: str) -> tuple[str, ...]:
    """What an integration delivers unless told: its `kinds` attribute, else DEFAULT_KINDS."""
    declared = getattr(REGISTRY[integration], "kinds", None)
    return tuple(declared or DEFAULT_KINDS.get(integration, ()))


def _kinds(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    kinds = value.split(",") if isinstance(value, str) else list(value)
    kinds = [k.strip() for k in kinds if k.strip()]
    known = {*KINDS, *(k for name in REGISTRY for k in default_kinds(name))}
    unknown = [k for k in kinds if k not in known]
    if unknown:
        raise ValueError(f"unknown delivery kinds {unknown}: use {', '.join(sorted(known))}")
    return tuple(kinds)
