"""`handoff worker --once` delivers from the environment's targets; `serve` runs one in-process."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from typer.testing import CliRunner

from handoff.cli import app
from handoff.cli.worker import start_background
from outbox.support import SECRET, add_nurtures


def test_worker_once_delivers_what_is_due(sessions, engine, receiver, monkeypatch):
    keys = add_nurtures(sessions, 3, datetime.now(UTC))
    monkeypatch.setenv("HANDOFF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("HANDOFF_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true")
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert sorted(receiver.raw) == sorted(f"{k}:webhook" for k in keys)


def test_worker_refuses_bad_targets(engine, monkeypatch):
    monkeypatch.setenv("HANDOFF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HANDOFF_TARGETS", '{"x": {"integration": "fax"}}')
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 1 and "unknown integration 'fax'" in result.output


def test_the_background_worker_delivers_and_stops(sessions, engine, receiver, monkeypatch):
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("HANDOFF_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true")
    stop = start_background(engine.url.render_as_string(hide_password=False))
    try:
        add_nurtures(sessions, 2, datetime.now(UTC))
        deadline = time.monotonic() + 10
        while len(receiver.raw) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        started = time.monotonic()
        stop()
    assert len(receiver.raw) == 2 and time.monotonic() - started < 5
