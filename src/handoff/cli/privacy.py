"""`handoff forget` and `handoff purge`: remove people's personal data from the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from handoff import privacy
from handoff.cli.service import _fail, _sessions, _settings
from handoff.db.engine import writing


def forget(
    email: Annotated[
        str | None, typer.Option("--email", help="Every conversation naming this address.")
    ] = None,
    conversation: Annotated[
        list[str] | None, typer.Option("--conversation", help="A conversation id (repeatable).")
    ] = None,
) -> None:
    """Remove a person's conversations, facts, transcripts and lead data; counts stay."""
    if not email and not conversation:
        _fail("say whose data to remove: --email ADDRESS or --conversation ID")
    sessions = _sessions()
    ids = list(conversation or [])
    if email:
        with sessions() as session:
            ids += privacy.conversations_of(session, email)
    removed = _forget_each(sessions, ids)
    typer.echo(f"forgot {removed} conversation(s)", err=True)
    if conversation and removed < len(set(conversation)):
        raise typer.Exit(1)


def purge(
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Older than this (default HANDOFF_RETENTION_DAYS)."),
    ] = None,
) -> None:
    """Forget every conversation idle for longer than the retention period (run it daily)."""
    days = days or _settings().retention_days
    if days is None:
        _fail("no retention period: pass --days or set HANDOFF_RETENTION_DAYS")
    total = privacy.purge_expired(_sessions(), days, datetime.now(UTC))
    typer.echo(f"purged {total} conversation(s) idle for more than {days} days", err=True)


def _forget_each(sessions, ids: list[str]) -> int:
    removed = 0
    for cid in dict.fromkeys(ids):
        with sessions() as session, writing(session):
            done = privacy.forget(session, cid)
        if done is None:
            typer.echo(f"no conversation '{cid}'", err=True)
            continue
        removed += 1
        typer.echo(f"{cid}\t{done.events} events deleted")
    return removed
