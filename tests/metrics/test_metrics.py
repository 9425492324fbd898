"""Metrics on a hand-made week, each figure worked out by hand, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handoff.db import metrics_sql
from handoff.metrics import report

SINCE = datetime(2026, 3, 2, tzinfo=UTC)
UNTIL = datetime(2026, 3, 9, tzinfo=UTC)
NOTHING = {"count": 0, "median": None, "p90": None}


def run(session, **kwargs):
    return report(session, since=SINCE, until=UNTIL, sla_seconds=600, **kwargs)


def test_totals(week):
    t = run(week)["totals"]
    assert t == {
        "handoffs": 7,  # c10's handoff is after the range
        "conversations": 9,
        "qualified_conversations": 6,  # c1 c2 c5 c6 c7, and c8 which qualified then lost it
        "qualification_rate": 0.6667,
        "handoff_rate": 0.7778,
        "closed": 5,
        "won": 2,
        "routing_accuracy": 0.6,  # c2 reassigned, c3 wrong_route
        "qualification_accuracy": 0.8,  # c4 not_qualified
        "conversion": 0.4,
        "sla_hit_rate": 0.6667,  # 4 of 6 accepted within 600 business seconds
        "after_hours_share": 0.2857,
        "delivery_success_rate": 0.8,  # c1 twice, c3, c5 of 5 settled (c2 parked)
        # 60 120 300 900 7200 36000: median 300 + .5(600), p90 7200 + .5(28800)
        "time_to_accept": {"count": 6, "median": 600.0, "p90": 21600.0},
        "time_to_accept_business": {"count": 6, "median": 210.0, "p90": 1350.0},
        # 120 600 1200 7260 37800: p90 at 3.6 = 7260 + .6 × 30540
        "time_to_first_response": {"count": 5, "median": 1200.0, "p90": 25584.0},
        "time_to_first_response_business": {"count": 5, "median": 600.0, "p90": 2640.0},
    }


def test_by_day(week):
    days = {g["key"]: g for g in run(week, group="day")["groups"]}
    assert sorted(days) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                            "2026-03-06", "2026-03-07"]  # fmt: skip
    assert [days[d]["handoffs"] for d in sorted(days)] == [2, 2, 1, 1, 0, 1]
    assert [days[d]["conversations"] for d in sorted(days)] == [2, 2, 1, 2, 1, 1]
    assert days["2026-03-02"]["time_to_accept"] == {"count": 2, "median": 180.0, "p90": 276.0}
    assert days["2026-03-03"]["routing_accuracy"] == 0.5
    assert days["2026-03-05"]["handoff_rate"] == 0.5
    assert days["2026-03-06"]["time_to_accept"] == NOTHING


def test_by_week_and_segment(week):
    (only,) = run(week, group="week")["groups"]
    assert only["key"] == "2026-03-02" and only["handoffs"] == 7 and only["conversations"] == 9
    segments = {g["key"]: g for g in run(week, group="segment")["groups"]}
    assert set(segments) == {"enterprise", "smb", None}
    assert segments["enterprise"]["conversations"] == 3
    assert segments["smb"]["qualified_conversations"] == 3
    assert segments["smb"]["handoff_rate"] == 0.8
    assert segments[None]["handoffs"] == 0 and segments[None]["conversations"] == 1
    assert segments["enterprise"]["conversion"] == 0.6667


def test_by_rep_and_filter(week):
    reps = {g["key"]: g for g in run(week, group="rep")["groups"]}
    assert {k: g["handoffs"] for k, g in reps.items()} == {
        "jane": 1, "li": 1, "ana": 2, "tom": 1, None: 1, "kai": 1
    }  # fmt: skip
    assert "conversations" not in reps["ana"]
    assert reps["ana"]["time_to_accept"] == {"count": 2, "median": 18450.0, "p90": 32490.0}
    sales = run(week, filters={"team": "sales"})["totals"]
    assert sales["handoffs"] == 3 and sales["closed"] == 2 and "handoff_rate" not in sales
    smb = run(week, filters={"segment": "smb"})["totals"]
    assert smb["conversations"] == 5 and smb["handoffs"] == 4


def test_conversion_by_route_segment_rule_and_rep(week):
    c = run(week)["conversion"]
    assert c["route"] == [
        {"key": "default", "closed": 2, "won": 0, "conversion": 0.0},
        {"key": "enterprise-default", "closed": 2, "won": 1, "conversion": 0.5},
        {"key": "enterprise-east", "closed": 1, "won": 1, "conversion": 1.0},
    ]
    assert [(r["key"], r["closed"], r["won"]) for r in c["rule"]] == [
        ("qualified", 3, 2), ("asks_for_human", 2, 0)
    ]  # fmt: skip
    assert [r["key"] for r in c["rep"]] == ["ana", "jane", "kai", "li"]
    assert [(r["key"], r["conversion"]) for r in c["segment"]] == [
        ("enterprise", 0.6667), ("smb", 0.0)
    ]  # fmt: skip


def test_empty_range_and_bad_arguments(week):
    empty = report(week, since=UNTIL, until=UNTIL, sla_seconds=600)["totals"]
    assert empty["handoffs"] == 0 and empty["conversations"] == 0
    assert empty["qualification_rate"] is None and empty["time_to_accept"] == NOTHING
    with pytest.raises(ValueError, match="group"):
        run(week, group="month")
    with pytest.raises(ValueError, match="filter"):
        run(week, filters={"colour": "red"})


def test_delivery_success_rate(week):
    days = {g["key"]: g["delivery_success_rate"] for g in run(week, group="day")["groups"]}
    assert days == {"2026-03-02": 1.0, "2026-03-03": 0.5, "2026-03-04": 1.0,  # c4 pending
                    "2026-03-05": None, "2026-03-06": None, "2026-03-07": None}  # fmt: skip
    (only,) = run(week, group="week")["groups"]
    assert only["delivery_success_rate"] == 0.8
    reps = run(week, group="rep")
    assert reps["totals"]["delivery_success_rate"] == 0.8
    assert {g["delivery_success_rate"] for g in reps["groups"]} == {None}
    assert run(week, filters={"team": "sales"})["totals"]["delivery_success_rate"] is None


def test_many_groups_rank_the_same(week, monkeypatch):
    normal = {"priority": "normal"}  # a filter the histograms lack: every row is read
    few = run(week, group="rep", filters=normal)
    monkeypatch.setattr(metrics_sql, "FEW_KEYS", 0)  # SQLite counts each partition as it ranks
    assert run(week, group="rep", filters=normal) == few
    assert few["groups"][0]["time_to_accept"] == {"count": 2, "median": 18450.0, "p90": 32490.0}
