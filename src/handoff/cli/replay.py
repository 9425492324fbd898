"""`handoff replay`: what a draft policy would have decided for the stored conversations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

import handoff
from handoff.cli.service import _fail, _sessions
from handoff.replay import count_conversations
from handoff.replay import replay as run_replay

SHOWN = 20


def replay(
    policy: Annotated[Path, typer.Option("--policy", "-p", help="The draft policy file.")],
    since: Annotated[
        str | None, typer.Option(help="Conversations started on or after (YYYY-MM-DD or time).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Conversations started before this.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    changes: Annotated[
        Path | None, typer.Option(help="Write every changed conversation here, one JSON a line.")
    ] = None,
) -> None:
    """Replay stored conversations through a draft and the policy that decided them; the changes."""
    try:
        draft = handoff.load_policy(policy.read_text(encoding="utf-8"), file=str(policy))
    except OSError as exc:
        _fail(f"{policy}: {exc.strerror}")
    except handoff.PolicyError as exc:
        _fail(str(exc))
    start, end = _time(since, "--since"), _time(until, "--until")
    out = changes.open("w", encoding="utf-8") if changes else None
    err = Console(stderr=True)
    with _sessions()() as session, Progress(*_columns(), console=err, transient=as_json) as bar:
        task = bar.add_task("replaying", total=count_conversations(session, start, end), events=0)
        summary = run_replay(
            session,
            draft,
            since=start,
            until=end,
            samples=SHOWN if not as_json else 100,
            on_change=(lambda c: out.write(json.dumps(c) + "\n")) if out else None,
            on_progress=lambda n, e: bar.update(task, completed=n, events=e),
        )
    if out:
        out.close()
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2, default=str))
    else:
        _print(Console(), summary.to_dict())


class RateColumn(ProgressColumn):
    """Events replayed per second so far."""

    def render(self, task: Task) -> Text:
        """The rate, once there is one."""
        elapsed = task.elapsed or 0
        rate = task.fields["events"] / elapsed if elapsed else 0
        return Text(f"{rate:,.0f} events/s", style="progress.data.speed")


def _columns() -> list[ProgressColumn]:
    return [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    ]


def _time(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.strip().upper())
    except ValueError:
        _fail(f"{option}: not a date or time such as 2026-03-01 or 2026-03-01T09:00:00Z")
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _print(console: Console, s: dict[str, Any]) -> None:
    share = f" ({s['changed'] / s['conversations']:.1%})" if s["conversations"] else ""
    versions = ", ".join(f"v{v}" for v in s["baseline_versions"]) or "none"
    console.print(
        f"Replayed {s['conversations']:,} conversations ({s['events']:,} events) in "
        f"{s['seconds']:.1f} s ({s['events_per_second'] or 0:,} events/s): draft "
        f"[bold]{s['draft']['name']}[/] ({s['draft']['sha256'][:8]}) against {versions}."
    )
    console.print(f"[bold]{s['changed']:,}[/] decisions change{share}.")
    for aspect, moves in s["moves"].items():
        if moves:
            shown = ", ".join(f"{m['from']} → {m['to']} {m['count']:,}" for m in moves[:6])
            console.print(f"  {aspect:<8} {shown}")
    for kind, rows in s["load"].items():
        moved = [r for r in rows if r["delta"]]
        if moved:
            shown = ", ".join(f"{r['key']} {r['old']:,} → {r['new']:,}" for r in moved[:8])
            console.print(f"  {kind} load  {shown}")
    hours = s["after_hours"]
    if hours["old"] != hours["new"]:
        console.print(f"  after-hours handoffs {hours['old']:,} → {hours['new']:,}")
    approx = s["roster"]["approximated"]
    if approx["old"] or approx["new"]:
        console.print(
            f"[yellow]Roster approximated[/] for {approx['new']:,} draft and {approx['old']:,} "
            f"stored-policy handoff decisions: {s['roster']['note']}"
        )
    if s["rejected_events"]:
        console.print(f"[yellow]{s['rejected_events']:,} events[/] would be rejected by the draft.")
    for change in s["samples"]:
        old, new = change["old"], change["new"]
        console.print(
            f"  {change['conversation_id']}: {_label(old)} → {_label(new)}"
            f"  [dim]({', '.join(change['changed'])})[/]"
        )
    if s["changed"] > len(s["samples"]):
        console.print(
            f"  … and {s['changed'] - len(s['samples']):,} more (--changes FILE lists all)"
        )


def _label(o: dict[str, Any]) -> str:
    if o["action"] != "handoff":
        extra = f" {o['nurture']}" if o["nurture"] else ""
        return f"{o['action']}{extra} ({o['segment'] or 'no segment'})"
    rep = f" to {o['rep']}" if o["rep"] else ""
    return f"handoff via {o['route']}{rep} ({o['mode']})"
