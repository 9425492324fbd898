"""`handoff worker` reads stored targets with HANDOFF_SECRET_KEY, and says so when it cannot."""

from __future__ import annotations

from typer.testing import CliRunner

from handoff.cli import app
from handoff.db.engine import writing
from handoff.target_store import save
from outbox.support import TUESDAY, add_nurtures

from .conftest import KEY, webhook_config


def test_the_worker_delivers_to_stored_targets_and_needs_the_key(
    sessions, engine, keys, receiver, monkeypatch
):
    with sessions() as session, writing(session):
        save(session, keys, "bot", "webhook", webhook_config(receiver), "tests", TUESDAY)
    added = add_nurtures(sessions, 2, TUESDAY)
    monkeypatch.setenv("HANDOFF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    refused = CliRunner().invoke(app, ["worker", "--once"])
    assert refused.exit_code == 1 and "set HANDOFF_SECRET_KEY" in refused.output
    monkeypatch.setenv("HANDOFF_SECRET_KEY", KEY)
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert sorted(receiver.raw) == sorted(f"{k}:bot" for k in added)
