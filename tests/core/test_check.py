"""`handoff check`: every problem at its exact file:line:column, warnings for rules that never fire."""

from __future__ import annotations

import textwrap

import pytest

import handoff

BASE = """\
name: Test
timezone: America/New_York
signals:
  - id: pricing
    when: {page: "/pricing*"}
    weight: 30
segments:
  - id: all
    qualify:
      budget: {gte: 100}
routes:
  - id: default
    team: sales
teams:
  sales: {schedule: us, after_hours: {action: next_business_day}}
schedules:
  us:
    hours: {mon-fri: "09:00-17:00"}
    holidays: US
reps:
  - {id: ana, teams: [sales]}
"""


def problems(text: str) -> list[str]:
    """Every error of a policy as 'file:line:column: message' lines."""
    with pytest.raises(handoff.PolicyError) as caught:
        handoff.load_policy(textwrap.dedent(text), file="p.yaml")
    return [str(p) for p in caught.value.problems]


def warnings(text: str) -> list[str]:
    """Every warning of a policy that loads."""
    return [str(w) for w in handoff.load_policy(textwrap.dedent(text), file="p.yaml").warnings]


def test_base_policy_is_clean() -> None:
    assert warnings(BASE) == []


def test_unknown_key_suggests_the_closest() -> None:
    text = BASE.replace("    weight: 30", "    wieght: 30")
    assert problems(text) == ["p.yaml:6:5: unknown key 'wieght' (did you mean 'weight'?)"]


def test_unknown_top_level_key() -> None:
    assert problems(BASE + "segmnts: []\n") == [
        "p.yaml:22:1: unknown key 'segmnts' (did you mean 'segments'?)"
    ]


def test_wrong_type() -> None:
    text = BASE.replace("weight: 30", "weight: heavy")
    assert problems(text) == [
        "p.yaml:6:13: signals.0.weight: Input should be a valid number, "
        "unable to parse string as a number"
    ]


def test_missing_required_key() -> None:
    text = BASE.replace("    team: sales\n", "")
    assert problems(text) == ["p.yaml:12:5: missing required key 'team'"]


def test_route_naming_a_missing_team() -> None:
    text = BASE.replace("    team: sales", "    team: salez")
    assert problems(text) == [
        "p.yaml:13:11: route 'default' names unknown team 'salez' (did you mean 'sales'?)"
    ]


def test_team_naming_a_missing_schedule() -> None:
    text = BASE.replace("{schedule: us,", "{schedule: usa,")
    assert problems(text) == [
        "p.yaml:15:21: team 'sales' names unknown schedule 'usa' (did you mean 'us'?)"
    ]


def test_rep_in_a_missing_team() -> None:
    text = BASE.replace("teams: [sales]}", "teams: [sales, ghost]}")
    assert problems(text) == ["p.yaml:21:30: rep 'ana' is in unknown team 'ghost'"]


def test_bad_regular_expression() -> None:
    text = BASE.replace('{page: "/pricing*"}', '{says: ["(demo"]}')
    assert problems(text) == [
        "p.yaml:5:19: bad regular expression '(demo': missing ), "
        "unterminated subpattern at position 0"
    ]


def test_unknown_time_zone() -> None:
    text = BASE.replace("timezone: America/New_York", "timezone: America/New_Yrok")
    assert problems(text) == [
        "p.yaml:2:11: unknown time zone 'America/New_Yrok' (use an IANA name such as Europe/Paris)"
    ]


def test_unknown_holiday_country() -> None:
    text = BASE.replace("holidays: US", "holidays: XX")
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:19:15: unknown holiday country 'XX'")


def test_overlapping_hours() -> None:
    text = BASE.replace('"09:00-17:00"', '["09:00-12:30", "12:00-17:00"]')
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:18:38: ")
    assert "overlap" in problem


def test_malformed_hours() -> None:
    text = BASE.replace('"09:00-17:00"', '"9am-5pm"')
    assert problems(text) == [
        "p.yaml:18:22: malformed time '9am' in '9am-5pm'; expected HH:MM",
        "p.yaml:18:22: malformed time '5pm' in '9am-5pm'; expected HH:MM",
    ]


def test_unknown_day_suggests_the_closest() -> None:
    text = BASE.replace("mon-fri:", "mon-fry:")
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:18:")
    assert "did you mean 'fri'" in problem


def test_duplicate_ids() -> None:
    text = BASE.replace(
        "  - id: default\n    team: sales\n", "  - id: default\n    team: sales\n" * 2
    )
    assert problems(text) == ["p.yaml:14:9: duplicate id 'default' in routes"]


def test_duplicate_yaml_keys() -> None:
    text = BASE.replace("name: Test\n", "name: Test\nname: Again\n")
    assert problems(text) == ["p.yaml:2:1: duplicate key 'name'"]


def test_yaml_syntax_error() -> None:
    text = BASE.replace('{page: "/pricing*"}', '{page: "/pricing*"')
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:6:5: YAML syntax error")


def test_unknown_name_in_a_condition() -> None:
    text = BASE.replace("  - id: default\n", "  - id: default\n    when: {budgett: {gte: 5}}\n")
    assert problems(text) == [
        "p.yaml:13:12: unknown name 'budgett' in condition (did you mean 'budget'?)"
    ]


def test_unknown_segment_in_a_route() -> None:
    text = BASE.replace("  - id: default\n", "  - id: default\n    when: {segment: al}\n")
    assert problems(text) == ["p.yaml:13:21: 'al' is not a known segment (did you mean 'all'?)"]


def test_unknown_operator() -> None:
    text = BASE.replace("budget: {gte: 100}", "budget: {gtee: 100}")
    assert problems(text) == ["p.yaml:10:16: unknown operator 'gtee' (did you mean 'gte'?)"]


def test_bad_message_template() -> None:
    text = BASE + "messages:\n  live: 'Hi {rep.__class__}'\n"
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:23:9: unknown placeholder '{rep.__class__}'")


def test_every_problem_is_reported_at_once() -> None:
    text = (
        BASE.replace("    weight: 30", "    wieght: 30")
        .replace("    team: sales", "    team: salez")
        .replace("holidays: US", "holidays: XX")
    )
    found = problems(text)
    assert [p.split(":")[1] for p in found] == ["6", "13", "19"]


def test_notify_needs_a_contact() -> None:
    text = BASE.replace("{action: next_business_day}", "{action: notify}")
    assert problems(text) == ["p.yaml:15:38: notify needs a 'contact' to tell"]


def test_warning_route_after_a_catch_all_never_fires() -> None:
    text = BASE.replace(
        "    team: sales\n",
        "    team: sales\n  - id: vip\n    when: {budget: {gte: 5}}\n    team: sales\n",
        1,
    )
    assert warnings(text) == [
        "p.yaml:11:1: warning: no catch-all route: a handoff that matches no route waits unassigned",
        "p.yaml:14:9: warning: route 'vip' can never fire: the earlier route 'default' has no condition",
    ]


def test_warning_route_shadowed_by_a_broader_earlier_route() -> None:
    text = BASE.replace(
        "  - id: default\n",
        "  - id: big\n    when: {budget: {gte: 5}}\n    team: sales\n"
        "  - id: big-us\n    when: {budget: {gte: 5}, country: US}\n    team: sales\n"
        "  - id: default\n",
    )
    assert warnings(text) == [
        "p.yaml:15:9: warning: route 'big-us' can never fire: "
        "the earlier route 'big' matches whenever it does"
    ]


def test_warning_unreachable_segment() -> None:
    text = BASE.replace(
        "    qualify:\n      budget: {gte: 100}\n",
        "    qualify:\n      budget: {gte: 100}\n  - id: late\n",
        1,
    )
    assert warnings(text) == [
        "p.yaml:11:9: warning: segment 'late' can never fire: the earlier segment 'all' has no condition"
    ]


def test_warning_team_with_no_reps() -> None:
    text = BASE.replace("reps:\n  - {id: ana, teams: [sales]}\n", "reps: []\n")
    assert warnings(text) == ["p.yaml:15:3: warning: team 'sales' has no reps"]


def test_warning_after_hours_path_that_leads_nowhere() -> None:
    text = BASE.replace(
        "{action: next_business_day}}", "{action: on_call, team: night}}\n  night: {schedule: us}"
    )
    found = warnings(text)
    assert (
        "p.yaml:15:38: warning: after hours, team 'sales' goes on call to 'night', which has no reps"
        in found
    )
    assert "p.yaml:16:3: warning: team 'night' has no reps" in found


def test_reference_policy_is_clean() -> None:
    policy = handoff.load_policy("examples/policy.yaml")
    assert policy.warnings == []
    assert policy.name == "Acme sales handoff"
