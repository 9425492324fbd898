"""`handoff demo`: a running service fed by synthetic visitors, with reps playing along."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from handoff.demo.run import Options, main


def demo(
    db: Annotated[
        Path, typer.Option(help="The demo's SQLite file (made afresh on every run).")
    ] = Path("handoff-demo.db"),
    policy: Annotated[
        Path, typer.Option(help="The policy to load; its reps are the demo team.")
    ] = Path("examples/policy.yaml"),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the visitors (default: random).")
    ] = None,
    count: Annotated[
        int | None, typer.Option(help="Stop after this many conversations (default: never).")
    ] = None,
    duration: Annotated[
        float | None, typer.Option(help="Stop after this many seconds (default: never).")
    ] = None,
    every: Annotated[float, typer.Option(help="Mean seconds between new visitors.")] = 3.0,
    speed: Annotated[
        float, typer.Option(min=0.1, help="Play visitors and reps this many times faster.")
    ] = 1.0,
) -> None:
    """Serve a fresh store and stream realistic conversations into it (Ctrl-C stops)."""
    if not policy.is_file():
        typer.echo(
            f"no policy file at {policy}: run from the repository or pass --policy", err=True
        )
        raise typer.Exit(1)
    options = Options(db, policy, host, port, seed, count, duration, every, speed, typer.echo)
    raise typer.Exit(main(options))
