"""The `handoff` command: one Typer app assembled from one module per group of commands."""

from __future__ import annotations

import typer

from handoff.cli import policy as policy_commands

app = typer.Typer(
    help="handoff: decide when a chatbot conversation deserves a person, and explain why.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("check")(policy_commands.check)
app.command("simulate")(policy_commands.simulate)
