"""The `handoff` command as a user runs it: check, simulate, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import handoff

ROOT = Path(__file__).parent.parent
POLICY = ROOT / "examples" / "policy.yaml"
CONVERSATIONS = ROOT / "examples" / "conversations"

EXPECTED = {
    "after-hours-next-business-day": ("handoff", "next_business_day", "enterprise-east", None),
    "after-hours-notify": ("handoff", "after_hours_notify", "default", None),
    "after-hours-on-call": ("handoff", "on_call", "enterprise-default", "kai"),
    "asks-for-human": ("handoff", "live", "default", "tom"),
    "emea-live": ("handoff", "live", "emea", "sofia"),
    "enterprise-east-qualified": ("handoff", "live", "enterprise-east", "jane"),
    "holiday": ("handoff", "next_business_day", "enterprise-east", None),
    "hostile-visitor": ("handoff", "live", "default", "tom"),
    "nurture-later": ("nurture", None, None, None),
    "nurture-too-small": ("nurture", None, None, None),
    "queued": ("handoff", "queued", "default", None),
    "smb-qualified": ("handoff", "live", "default", "tom"),
    "still-qualifying": ("qualify", None, None, None),
    "strategic-deal": ("handoff", "live", "strategic-deals", "jane"),
}


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed command line as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "handoff", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_check_a_clean_policy_exits_0() -> None:
    result = run("check", str(POLICY))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stderr


def test_check_a_broken_policy_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = POLICY.read_text().replace("team: enterprise-east\n", "team: enterprise-eats\n", 1)
    bad.write_text(text.replace("weight: 30", "wieght: 30"))
    result = run("check", str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{bad}:24:5: unknown key 'wieght' (did you mean 'weight'?)",
        f"{bad}:65:11: route 'enterprise-east' names unknown team 'enterprise-eats' "
        "(did you mean 'enterprise-east'?)",
    ]


def test_check_prints_warnings_and_still_exits_0(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(POLICY.read_text().replace("  - id: default\n    team: sales\n", ""))
    result = run("check", str(policy))
    assert result.returncode == 0
    assert "warning: no catch-all route" in result.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_conversation(name: str) -> None:
    args = ["simulate", "--policy", str(POLICY), str(CONVERSATIONS / f"{name}.json"), "--json"]
    roster = CONVERSATIONS / f"{name}.roster.json"
    if roster.exists():
        args += ["--roster-state", str(roster)]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    got = (
        decision["action"],
        decision["mode"],
        decision["route"] and decision["route"]["id"],
        decision["assignment"] and decision["assignment"]["rep"],
    )
    assert got == EXPECTED[name]


def test_simulate_json_is_the_decision_of_the_python_api() -> None:
    path = CONVERSATIONS / "enterprise-east-qualified.json"
    result = run("simulate", "--policy", str(POLICY), str(path), "--json")
    events = json.loads(path.read_text())["events"]
    expected = handoff.decide(handoff.load_policy(POLICY.read_text(), file=str(POLICY)), events)
    assert json.loads(result.stdout) == json.loads(expected.to_json())


def test_simulate_for_a_person_prints_the_trace() -> None:
    result = run("simulate", "--policy", str(POLICY), str(CONVERSATIONS / "holiday.json"))
    assert result.returncode == 0
    assert "HANDOFF · next_business_day" in result.stdout
    assert "Thanksgiving" in result.stdout
    assert "Route enterprise-east matched" in result.stdout


def test_simulate_uses_at_for_events_without_a_time(tmp_path: Path) -> None:
    conv = tmp_path / "c.json"
    conv.write_text(
        json.dumps(
            {
                "id": "c",
                "events": [{"type": "message", "role": "visitor", "text": "talk to a human"}],
            }
        )
    )
    night = run(
        "simulate", "--policy", str(POLICY), str(conv), "--json", "--at", "2026-03-04T03:00:00Z"
    )
    day = run(
        "simulate", "--policy", str(POLICY), str(conv), "--json", "--at", "2026-03-04T15:00:00Z"
    )
    assert json.loads(night.stdout)["mode"] == "after_hours_notify"
    assert json.loads(day.stdout)["mode"] == "live"


def test_simulate_reads_the_roster_state(tmp_path: Path) -> None:
    roster = tmp_path / "r.json"
    roster.write_text(json.dumps({"open": {"tom": 5}, "last_assigned": {}, "unavailable": []}))
    conv = CONVERSATIONS / "asks-for-human.json"
    result = run(
        "simulate", "--policy", str(POLICY), str(conv), "--json", "--roster-state", str(roster)
    )
    assert json.loads(result.stdout)["assignment"]["rep"] == "ana"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([{"type": "message", "role": "visitor"}], "event 0: field 'text': must be a string"),
        (
            [{"type": "page_view", "url": "/"}, {"type": "shout"}],
            "event 1: field 'type': must be one of",
        ),
        ([{"type": ["message"]}], "event 0: field 'type': must be one of"),
        ([{"type": {"kind": "message"}}], "event 0: field 'type': must be one of"),
        (
            [{"type": "message", "role": "robot", "text": "x"}],
            "event 0: field 'role': must be one of",
        ),
        (
            [{"type": "slots", "values": {"budgett": 5}}],
            "event 0: field 'values.budgett': not a known fact",
        ),
        (
            [{"type": "slots", "values": {"budget": "lots"}}],
            "event 0: field 'values.budget': must be a number",
        ),
        (
            [{"type": "slots", "values": {"timeline_days": "inf"}}],
            "event 0: field 'values.timeline_days': must be a finite number",
        ),
        (
            [{"type": "slots", "values": {"budget": "NaN"}}],
            "event 0: field 'values.budget': must be a finite number",
        ),
        (
            [{"type": "page_view", "url": "/", "at": "yesterday"}],
            "event 0: field 'at': must be an RFC 3339 time",
        ),
    ],
)
def test_a_malformed_conversation_is_one_line_and_exit_2(tmp_path: Path, events, message) -> None:
    conv = tmp_path / "c.json"
    conv.write_text(json.dumps({"id": "c", "events": events}))
    result = run("simulate", "--policy", str(POLICY), str(conv), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_a_conversation_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    conv = tmp_path / "c.json"
    conv.write_text('{"id": "c",\n "events": [}')
    result = run("simulate", "--policy", str(POLICY), str(conv))
    assert result.returncode == 2
    assert f"{conv}:2:" in result.stderr


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run("simulate", "--policy", str(POLICY), str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_schema_slots_prints_a_json_schema() -> None:
    result = run("schema", "slots", "--policy", str(POLICY))
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert schema["properties"]["authority"]["enum"] == ["decision_maker", "influencer", "user"]
