"""The `handoff` command: one Typer app assembled from one module per group of commands."""

from __future__ import annotations

import typer

from handoff.cli import demo as demo_commands
from handoff.cli import policy as policy_commands
from handoff.cli import privacy as privacy_commands
from handoff.cli import replay as replay_commands
from handoff.cli import service as service_commands
from handoff.cli import worker as worker_commands
from handoff.cli.users import users

app = typer.Typer(
    help="handoff: decide when a chatbot conversation deserves a person, and explain why.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("check")(policy_commands.check)
app.command("simulate")(policy_commands.simulate)
app.add_typer(policy_commands.schema, name="schema")
app.command("serve")(service_commands.serve)
app.command("worker")(worker_commands.worker)
app.command("replay")(replay_commands.replay)
app.command("demo")(demo_commands.demo)
app.command("forget")(privacy_commands.forget)
app.command("purge")(privacy_commands.purge)
app.add_typer(service_commands.db, name="db")
app.add_typer(service_commands.keys, name="keys")
app.add_typer(users, name="users")
