"""Timelines: days from the message time to the stated decision time."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from handoff.core.facts import NO_TIMELINE
from handoff.extract import make_extractor

EX = make_extractor()
AT = datetime(2026, 3, 3, 15, tzinfo=UTC)  # a Tuesday in Q1


def days(text, at=AT, asked=None):
    return [f.value for f in EX.facts(text, at=at, asked=asked) if f.name == "timeline_days"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("decide by 2026-06-30", 119),
        ("by March 15", 12),
        ("in 3 months", 92),
        ("within 6 weeks", 42),
        ("next month", 29),
        ("next quarter", 29),
        ("this quarter", 28),
        ("in Q3", 120),
        ("end of Q2", 119),
        ("by the end of the year", 303),
        ("early next year", 304),
        ("ASAP", 0),
    ],
)
def test_stated_times(text, expected):
    assert days(text) == [expected]


def test_a_quarter_we_are_in_means_its_end():
    assert days("in Q1") == [28]


def test_a_quarter_already_past_means_next_year():
    assert days("by Q1", at=datetime(2026, 7, 15, tzinfo=UTC)) == [170]


def test_by_a_month_means_its_first_day():
    assert days("by June") == [90]


def test_the_day_is_taken_in_the_message_time_zone():
    late = datetime(2026, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert days("next month", at=late) == [1]


@pytest.mark.parametrize("text", ["no rush", "just looking", "Just browsing", "no timeline"])
def test_no_timeline(text):
    [f] = EX.facts(text, at=AT)
    assert (f.name, f.value, f.note) == ("timeline_days", None, NO_TIMELINE)


def test_a_bare_duration_counts_only_when_asked():
    assert days("3 months") == []
    assert days("3 months", asked="timeline_days") == [92]


@pytest.mark.parametrize(
    "text", ["I spoke to you 3 months ago", "our 2026 roadmap", "a 12 month contract",
             "we may switch", "We signed with them in March"]
)
def test_not_timelines(text):
    assert days(text) == []


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        EX.facts("ASAP", at=datetime(2026, 3, 3))
