"""`handoff replay`: the summary for people, --json for CI, --changes with every change."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from handoff.cli import app
from replay.test_replay import CROSSING, ingest

runner = CliRunner()


def test_replay_command(handler, send, engine, policy_text, tmp_path):
    ingest(handler, send, CROSSING)
    draft = tmp_path / "draft.yaml"
    draft.write_text(policy_text.replace("intent_threshold: 50", "intent_threshold: 30"))
    env = {"HANDOFF_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    changes = tmp_path / "changes.jsonl"
    done = runner.invoke(
        app, ["replay", "--policy", str(draft), "--json", "--changes", str(changes)], env=env
    )
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    assert summary["changed"] == 3 and summary["conversations"] == 5
    lines = [json.loads(line) for line in changes.read_text().splitlines()]
    assert sorted(c["conversation_id"] for c in lines) == ["score-30", "score-32", "score-36"]
    shown = runner.invoke(app, ["replay", "--policy", str(draft), "--since", "2000-01-01"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "3 decisions change" in shown.stdout and "qualify → handoff 3" in shown.stdout
    assert "score-30: qualify" in shown.stdout


def test_replay_refuses_a_bad_draft_or_date(engine, tmp_path):
    env = {"HANDOFF_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsegments: 3\n")
    assert runner.invoke(app, ["replay", "--policy", str(bad)], env=env).exit_code == 1
    good = tmp_path / "missing.yaml"
    assert runner.invoke(app, ["replay", "--policy", str(good)], env=env).exit_code == 1
