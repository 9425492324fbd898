"""Filters and views with no store: escaping with highlights, durations, diffs, week grids."""

from __future__ import annotations

import handoff
from handoff.dashboard.format import compact, duration, highlight
from handoff.dashboard.policy_view import side_by_side, week_grid

from .conftest import POLICY


def test_highlight_escapes_every_piece_and_marks_every_occurrence():
    html = str(highlight("<b>SSO</b> and sso <img src=x>", [("sso", 'fact "x"'), ("<img", "y")]))
    assert html == (
        '&lt;b&gt;<mark title="fact &#34;x&#34;">SSO</mark>&lt;/b&gt; and '
        '<mark title="fact &#34;x&#34;">sso</mark> <mark title="y">&lt;img</mark> src=x&gt;'
    )


def test_overlapping_marks_keep_the_first():
    assert str(highlight("onboarding", [("onboard", "a"), ("boarding", "b")])) == (
        '<mark title="a">onboard</mark>ing'
    )


def test_durations_and_conditions():
    assert [duration(s) for s in (5, 600, 3900, 90000, None)] == ["5s", "10m", "1h 5m", "1d 1h", ""]
    assert compact({"segment": "enterprise", "territory": ["a", "b"]}) == (
        "{segment: enterprise, territory: [a, b]}"
    )
    assert compact(None) == "always"


def test_side_by_side_pairs_changed_lines():
    rows = side_by_side("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(r["kind"], r["left_no"], r["right_no"]) for r in rows] == [
        ("same", 1, 1),
        ("chg", 2, 2),
        ("same", 3, 3),
        ("add", None, 4),
    ]


def test_week_grid_in_the_schedules_zone():
    policy = handoff.load_policy(POLICY)
    monday = week_grid(policy.schedules["us-east"])[0]
    assert monday["day"] == "mon"
    assert monday["cells"][8:19] == ["", *["open"] * 8, "part", ""]
    assert week_grid(policy.schedules["always"])[6]["cells"] == ["open"] * 24
