"""`handoff db upgrade`, `handoff keys create|list|revoke`, and `serve` refusing an old schema."""

from __future__ import annotations

from typer.testing import CliRunner

from handoff.cli import app

runner = CliRunner()


def run(url: str, *args: str):
    """Run the CLI against the store at `url`."""
    return runner.invoke(app, list(args), env={"HANDOFF_DATABASE_URL": url})


def test_serve_refuses_an_out_of_date_schema(empty_store_url):
    result = run(empty_store_url, "serve")
    assert result.exit_code == 1
    assert "schema is out of date" in result.output and "handoff db upgrade" in result.output


def test_upgrade_then_keys(empty_store_url):
    assert run(empty_store_url, "db", "upgrade").exit_code == 0
    assert run(empty_store_url, "db", "upgrade").exit_code == 0
    created = run(empty_store_url, "keys", "create", "--name", "bot", "--scope", "ingest")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("hk_") and len(token) > 40
    listed = run(empty_store_url, "keys", "list")
    assert "bot\tingest\thk_" in listed.stdout and token not in listed.stdout
    assert (
        run(empty_store_url, "keys", "create", "--name", "bot", "--scope", "ingest").exit_code == 1
    )
    assert run(empty_store_url, "keys", "create", "--name", "x", "--scope", "root").exit_code == 1
    assert run(empty_store_url, "keys", "revoke", "bot").exit_code == 0
    assert "revoked" in run(empty_store_url, "keys", "list").stdout
    assert run(empty_store_url, "keys", "revoke", "ghost").exit_code == 1
