"""`handoff check` and `handoff simulate`: a policy tried before anything is deployed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

import handoff
from handoff.cli.render import render_decision
from handoff.core.events import EventError
from handoff.core.slots_schema import slots_schema


def check(
    policy: Annotated[Path, typer.Argument(help="The policy file to validate.")],
) -> None:
    """Validate a policy: every problem as file:line:column: message (exit 1), else exit 0."""
    try:
        loaded = handoff.load_policy(_read(policy), file=str(policy))
    except handoff.PolicyError as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        typer.echo(f"{len(exc.problems)} error(s)", err=True)
        raise typer.Exit(1) from None
    for warning in loaded.warnings:
        typer.echo(str(warning))
    summary = f"{policy}: OK" + (f" ({len(loaded.warnings)} warning(s))" if loaded.warnings else "")
    typer.echo(summary, err=True)


def simulate(
    conversation: Annotated[Path, typer.Argument(help="Conversation JSON: {id, events: [...]}.")],
    policy: Annotated[Path, typer.Option("--policy", "-p", help="The policy file.")],
    roster_state: Annotated[
        Path | None,
        typer.Option("--roster-state", help="Roster JSON: open, last_assigned, unavailable."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Time for events without 'at' (default: now).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """The decision a conversation gets: its first handoff, else the one after its last event."""
    loaded = _load(policy)
    events = _conversation(conversation)
    roster = _json_file(roster_state, "roster state") if roster_state else None
    try:
        decision = handoff.decide(loaded, events, roster_state=roster, at=at)
    except EventError as exc:
        _fail(f"{conversation}: {exc}")
    except ValueError as exc:
        _fail(f"{roster_state or conversation}: {exc}")
    if as_json:
        typer.echo(decision.to_json(indent=2))
    else:
        render_decision(Console(), decision)


schema = typer.Typer(help="JSON Schemas derived from a policy.", no_args_is_help=True)


@schema.command("slots")
def schema_slots(
    policy: Annotated[Path, typer.Option("--policy", "-p", help="The policy file.")],
) -> None:
    """The facts the policy uses as a JSON Schema, ready to give an LLM as a tool definition."""
    loaded = _load(policy)
    typer.echo(json.dumps(slots_schema(loaded), indent=2, ensure_ascii=False))


def _load(policy: Path) -> handoff.Policy:
    try:
        return handoff.load_policy(_read(policy), file=str(policy))
    except handoff.PolicyError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"{path}: cannot read: {exc.strerror}")


def _json_file(path: Path, what: str):
    try:
        return json.loads(_read(path))
    except json.JSONDecodeError as exc:
        _fail(f"{path}:{exc.lineno}:{exc.colno}: {what} is not valid JSON: {exc.msg}")


def _conversation(path: Path) -> list:
    data = _json_file(path, "conversation")
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        _fail(f'{path}: a conversation is {{"id": ..., "events": [...]}}')
    return events


def _fail(message: str):
    typer.echo(message, err=True)
    raise typer.Exit(2)
