"""A decision printed for a person: the trace as coloured sentences, then the outcome."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from handoff.core.decision import Decision

_STYLE_BY_OUTCOME = {"met": "green", "unmet": "red", "unknown": "yellow"}
_ACTION_STYLE = {"handoff": "bold green", "nurture": "bold magenta", "qualify": "bold yellow"}


def _style(step: str, outcome: object) -> str:
    if step == "criterion":
        return _STYLE_BY_OUTCOME.get(str(outcome), "")
    if step in ("route", "hours"):
        return "green" if outcome else "dim"
    if step == "segment":
        return "cyan" if outcome else "dim"
    if step == "candidate":
        return "dim"
    if step == "signal":
        return "blue"
    if step == "decision":
        return "bold"
    return ""


def render_decision(console: Console, decision: Decision) -> None:
    """Print the trace and the decision; visitor words are printed as text, never markup."""
    title = Text(f"{decision.action.upper()}", style=_ACTION_STYLE.get(decision.action, "bold"))
    if decision.mode:
        title.append(f" · {decision.mode}", style="bold")
    if decision.rep:
        title.append(f" · {decision.rep}", style="bold")
    console.print(title)
    for i, step in enumerate(decision.steps, 1):
        line = Text(f"{i:>3}. ", style="dim")
        line.append(step.reason, style=_style(step.step, step.outcome))
        console.print(line, highlight=False)
    policy = decision.policy
    version = f" v{policy['version']}" if policy.get("version") is not None else ""
    console.print(Text(f"policy: {policy['name']}{version} ({policy['sha256'][:12]})", style="dim"))
