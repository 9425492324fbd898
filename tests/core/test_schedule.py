from datetime import UTC, date, datetime

import pytest

from handoff.core.schedule import Schedule, ScheduleProblem, compile_schedule

NEW_YORK = "America/New_York"
LONDON = "Europe/London"


def make(hours, timezone=NEW_YORK, holidays=None) -> Schedule:
    sched, problems = compile_schedule(id="t", timezone=timezone, hours=hours, holidays=holidays)
    assert problems == []
    assert sched is not None
    return sched


def local(sched: Schedule, *args) -> datetime:
    return datetime(*args, tzinfo=sched.local(datetime.now(UTC)).tzinfo)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def us_east() -> Schedule:
    return make({"mon-fri": "09:00-17:30"}, holidays="US")


def test_start_is_inclusive_and_end_exclusive():
    sched = us_east()
    assert not sched.is_open(local(sched, 2026, 1, 12, 8, 59, 59))
    assert sched.is_open(local(sched, 2026, 1, 12, 9, 0))
    assert sched.is_open(local(sched, 2026, 1, 12, 17, 29, 59))
    assert not sched.is_open(local(sched, 2026, 1, 12, 17, 30))


def test_attributes_and_local_time():
    sched = us_east()
    assert (sched.id, sched.timezone, sched.holidays_country) == ("t", NEW_YORK, "US")
    assert sched.local(utc(2026, 1, 12, 14, 0)) == local(sched, 2026, 1, 12, 9, 0)
    assert sched.local(utc(2026, 1, 12, 14, 0)).utcoffset().total_seconds() == -5 * 3600


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        us_east().is_open(datetime(2026, 1, 12, 10, 0))


def test_lunch_break_is_two_ranges():
    sched = make({"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    assert sched.is_open(local(sched, 2026, 1, 12, 11, 59))
    assert not sched.is_open(local(sched, 2026, 1, 12, 12, 0))
    assert not sched.is_open(local(sched, 2026, 1, 12, 12, 30))
    assert sched.is_open(local(sched, 2026, 1, 12, 13, 0))
    assert sched.next_open(local(sched, 2026, 1, 12, 12, 5)) == local(sched, 2026, 1, 12, 13, 0)


def test_overnight_range_runs_into_the_next_day():
    sched = make({"fri": "22:00-06:00"})
    assert not sched.is_open(local(sched, 2026, 1, 16, 21, 59))
    assert sched.is_open(local(sched, 2026, 1, 16, 23, 0))
    assert sched.is_open(local(sched, 2026, 1, 17, 2, 0))
    assert not sched.is_open(local(sched, 2026, 1, 17, 6, 0))
    assert not sched.is_open(local(sched, 2026, 1, 17, 23, 0))


def test_overnight_range_on_sunday_wraps_to_monday():
    sched = make({"sun": "22:00-06:00"})
    assert sched.is_open(local(sched, 2026, 1, 12, 2, 0))
    assert not sched.is_open(local(sched, 2026, 1, 12, 22, 0))


def test_24_00_ends_the_day():
    sched = make({"mon": "18:00-24:00"})
    assert sched.is_open(local(sched, 2026, 1, 12, 23, 59, 59))
    assert not sched.is_open(local(sched, 2026, 1, 13, 0, 0))


def test_always_open():
    sched = make({"mon-sun": "00:00-24:00"})
    for hour in range(0, 24 * 366, 7):
        at = datetime.fromtimestamp(utc(2026, 1, 1).timestamp() + hour * 3600, UTC)
        assert sched.is_open(at)
        assert sched.next_open(at).timestamp() == at.timestamp()


def test_day_not_named_is_closed():
    sched = us_east()
    assert not sched.is_open(local(sched, 2026, 1, 17, 12, 0))
    assert not sched.is_open(local(sched, 2026, 1, 18, 12, 0))


def test_day_lists_and_wrapping_day_ranges():
    sched = make({"mon,wed": "09:00-10:00", "fri-sun": "11:00-12:00"})
    opens = [d for d in range(12, 19) if sched.is_open(local(sched, 2026, 1, d, 9, 30))]
    assert opens == [12, 14]
    opens = [d for d in range(12, 19) if sched.is_open(local(sched, 2026, 1, d, 11, 30))]
    assert opens == [16, 17, 18]
    assert make({"sat-mon": "11:00-12:00"}).is_open(local(sched, 2026, 1, 12, 11, 0))


def test_us_holiday_closes_the_day():
    sched = us_east()
    assert not sched.is_open(local(sched, 2026, 11, 26, 12, 0))
    assert sched.holiday(date(2026, 11, 26)) == "Thanksgiving Day"
    assert sched.is_open(local(sched, 2026, 11, 27, 12, 0))
    assert sched.holiday(date(2026, 11, 27)) is None
    assert sched.holiday(utc(2026, 11, 27, 3, 0)) == "Thanksgiving Day"  # 22:00 on the 26th in NY
    assert make({"mon": "09:00-10:00"}).holiday(date(2026, 11, 26)) is None


def test_gb_holiday_for_london_and_subdivisions():
    emea = make({"mon-fri": "08:30-17:30"}, timezone=LONDON, holidays="GB")
    assert not emea.is_open(utc(2026, 4, 3, 12, 0))
    assert emea.holiday(date(2026, 4, 3)) == "Good Friday"
    assert emea.is_open(utc(2026, 4, 2, 12, 0))
    assert not emea.is_open(utc(2026, 12, 28, 12, 0))
    assert emea.is_open(utc(2026, 8, 31, 12, 0))  # England-only: needs GB-ENG
    england = make({"mon-fri": "08:30-17:30"}, timezone=LONDON, holidays="gb-eng")
    scotland = make({"mon-fri": "08:30-17:30"}, timezone=LONDON, holidays="GB-SCT")
    assert england.holidays_country == "GB-ENG"
    assert not england.is_open(utc(2026, 8, 31, 12, 0))
    assert england.is_open(utc(2026, 8, 3, 12, 0))
    assert not scotland.is_open(utc(2026, 8, 3, 12, 0))


def test_holiday_stops_an_overnight_range_at_midnight():
    sched = make({"mon-sun": "22:00-06:00"}, holidays="US")
    assert sched.is_open(local(sched, 2026, 11, 25, 23, 0))
    assert not sched.is_open(local(sched, 2026, 11, 26, 2, 0))
    assert not sched.is_open(local(sched, 2026, 11, 26, 23, 0))
    assert sched.is_open(local(sched, 2026, 11, 27, 2, 0))


@pytest.mark.parametrize(
    ("timezone", "before", "change", "opens_before", "opens_on_change"),
    [
        (NEW_YORK, date(2026, 3, 7), date(2026, 3, 8), 14, 13),
        (NEW_YORK, date(2026, 10, 31), date(2026, 11, 1), 13, 14),
        (LONDON, date(2026, 3, 28), date(2026, 3, 29), 9, 8),
        (LONDON, date(2026, 10, 24), date(2026, 10, 25), 8, 9),
    ],
)
def test_wall_clock_hours_across_dst_changes(
    timezone, before, change, opens_before, opens_on_change
):
    sched = make({"mon-sun": "09:00-17:30"}, timezone=timezone)
    for day, hour in [(before, opens_before), (change, opens_on_change)]:
        midnight = utc(day.year, day.month, day.day)
        assert sched.next_open(midnight) == utc(day.year, day.month, day.day, hour)
        assert not sched.is_open(utc(day.year, day.month, day.day, hour - 1, 59))
        assert sched.is_open(utc(day.year, day.month, day.day, hour))


def test_range_starting_in_the_skipped_hour_opens_at_the_jump():
    ny = make({"sun": "02:30-05:00"})
    assert not ny.is_open(utc(2026, 3, 8, 6, 59, 59))
    assert ny.is_open(utc(2026, 3, 8, 7, 0))
    assert ny.next_open(utc(2026, 3, 8, 5, 0)) == utc(2026, 3, 8, 7, 0)
    london = make({"sun": "01:30-04:00"}, timezone=LONDON)
    assert london.next_open(utc(2026, 3, 29, 0, 0)) == utc(2026, 3, 29, 1, 0)


def test_range_inside_the_skipped_hour_never_opens_that_day():
    sched = make({"sun": "02:10-02:40"})
    assert sched.next_open(utc(2026, 3, 8, 5, 0)) == utc(2026, 3, 15, 6, 10)


def test_repeated_hour_does_not_open_twice():
    starts_in_fold = make({"sun": "01:30-03:00"})
    assert not starts_in_fold.is_open(utc(2026, 11, 1, 5, 29))
    for minute in range(0, 150, 10):
        at = datetime.fromtimestamp(utc(2026, 11, 1, 5, 30).timestamp() + minute * 60, UTC)
        assert starts_in_fold.is_open(at)
    assert not starts_in_fold.is_open(utc(2026, 11, 1, 8, 0))
    ends_in_fold = make({"sun": "00:00-01:30"})
    assert ends_in_fold.is_open(utc(2026, 11, 1, 5, 29))
    assert not ends_in_fold.is_open(utc(2026, 11, 1, 5, 30))
    assert not ends_in_fold.is_open(utc(2026, 11, 1, 6, 0))
    assert not ends_in_fold.is_open(utc(2026, 11, 1, 6, 29))
    assert ends_in_fold.next_open(utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 8, 5, 0)


def test_next_open_across_a_weekend():
    sched = us_east()
    opens = sched.next_open(local(sched, 2026, 11, 20, 18, 0))
    assert opens == local(sched, 2026, 11, 23, 9, 0)
    assert opens.tzinfo == sched.local(opens).tzinfo
    assert sched.next_open(utc(2026, 11, 20, 23, 0)).isoformat() == "2026-11-23T09:00:00-05:00"


def test_next_open_across_a_holiday_weekend():
    sched = us_east()
    opens = sched.next_open(local(sched, 2026, 12, 24, 18, 0))
    assert opens == local(sched, 2026, 12, 28, 9, 0)


def test_next_open_when_open_is_now():
    sched = us_east()
    at = utc(2026, 1, 12, 15, 17, 3)
    assert sched.next_open(at) == at
    assert sched.next_open(at).isoformat() == "2026-01-12T10:17:03-05:00"


def test_next_open_never():
    assert make({}).next_open(utc(2026, 1, 12)) is None
    assert not make({}).is_open(utc(2026, 1, 12))


def test_week_grid():
    sched = make(
        {"mon-thu": ["13:00-17:30", "08:30-12:00"], "fri": "08:30-16:00", "sun": "22:00-06:00"}
    )
    assert sched.week_grid() == {
        "mon": [("08:30", "12:00"), ("13:00", "17:30")],
        "tue": [("08:30", "12:00"), ("13:00", "17:30")],
        "wed": [("08:30", "12:00"), ("13:00", "17:30")],
        "thu": [("08:30", "12:00"), ("13:00", "17:30")],
        "fri": [("08:30", "16:00")],
        "sat": [],
        "sun": [("22:00", "06:00")],
    }
    assert make({"mon-sun": "00:00-24:00"}).week_grid()["wed"] == [("00:00", "24:00")]


def test_adjacent_ranges_do_not_overlap():
    sched = make({"mon": ["09:00-12:00", "12:00-13:00"], "sun": "22:00-09:00"})
    assert sched.is_open(local(sched, 2026, 1, 12, 12, 0))


BAD = [
    ({"hours": ["mon"]}, ("hours",), "hours must map days to times"),
    ({"hours": None}, ("hours",), "hours must map days to times"),
    (
        {"hours": {"thur": "09:00-17:00"}},
        ("hours", "thur"),
        "unknown day 'thur'; did you mean 'thu'?",
    ),
    ({"hours": {"thr": "09:00-17:00"}}, ("hours", "thr"), "did you mean 'thu'?"),
    ({"hours": {"mon-fry": "09:00-17:00"}}, ("hours", "mon-fry"), "did you mean 'fri'?"),
    ({"hours": {"xyz": "09:00-17:00"}}, ("hours", "xyz"), "unknown day 'xyz'; days are mon"),
    ({"hours": {"mon-wed-fri": "09:00-17:00"}}, ("hours", "mon-wed-fri"), "malformed day range"),
    ({"hours": {1: "09:00-17:00"}}, ("hours", "1"), "day must be text"),
    (
        {"hours": {"mon-fri": "09:00-17:00", "mon": "18:00-19:00"}},
        ("hours", "mon"),
        "'mon' is named twice: in 'mon-fri' and 'mon'",
    ),
    ({"hours": {"mon": "9-17:00"}}, ("hours", "mon"), "malformed time '9' in '9-17:00'; expected"),
    ({"hours": {"mon": "9:00-17:00"}}, ("hours", "mon"), "malformed time '9:00'"),
    ({"hours": {"mon": "09:00"}}, ("hours", "mon"), "malformed time range '09:00'"),
    ({"hours": {"mon": "09:00-10:00-11:00"}}, ("hours", "mon"), "malformed time range"),
    (
        {"hours": {"mon": "25:00-17:00"}},
        ("hours", "mon"),
        "hour 25 in '25:00-17:00' is out of range",
    ),
    ({"hours": {"mon": "09:60-17:00"}}, ("hours", "mon"), "minutes 60 in '09:60-17:00' are out"),
    ({"hours": {"mon": "22:00-24:30"}}, ("hours", "mon"), "24:30 in '22:00-24:30' is past the end"),
    ({"hours": {"mon": "24:00-06:00"}}, ("hours", "mon"), "24:00 can only end a range"),
    ({"hours": {"mon": "09:00-09:00"}}, ("hours", "mon"), "empty time range '09:00-09:00'"),
    ({"hours": {"mon": 9}}, ("hours", "mon"), "times must be 'HH:MM-HH:MM' or a list of them"),
    ({"hours": {"fri": ["09:00-12:00", 5]}}, ("hours", "fri", 1), "time range must be text"),
    (
        {"hours": {"mon": ["09:00-12:00", "11:00-13:00"]}},
        ("hours", "mon", 1),
        "'11:00-13:00' overlaps '09:00-12:00' on mon",
    ),
    (
        {"hours": {"mon-fri": ["09:00-17:00", "09:00-17:00"]}},
        ("hours", "mon-fri", 1),
        "'09:00-17:00' overlaps '09:00-17:00' on mon, tue, wed, thu, fri",
    ),
    (
        {"hours": {"sun": "22:00-06:00", "mon": "05:00-09:00"}},
        ("hours", "sun"),
        "'22:00-06:00' (past midnight) overlaps '05:00-09:00' on mon",
    ),
    (
        {"hours": {"thu": "20:00-21:00", "wed": "22:00-20:30"}},
        ("hours", "wed"),
        "'22:00-20:30' (past midnight) overlaps '20:00-21:00' on thu",
    ),
    ({"timezone": "America/NewYork"}, ("timezone",), "did you mean 'America/New_York'?"),
    ({"timezone": "Mars/Olympus"}, ("timezone",), "unknown time zone 'Mars/Olympus'"),
    ({"timezone": "America"}, ("timezone",), "unknown time zone 'America'"),
    ({"timezone": None}, ("timezone",), "timezone must be a zone name"),
    ({"holidays": "XX"}, ("holidays",), "unknown holiday country 'XX'; valid codes include US, GB"),
    ({"holidays": "USS"}, ("holidays",), "unknown holiday country 'USS'; did you mean 'US'?"),
    ({"holidays": "US-ZZ"}, ("holidays",), "unknown subdivision 'ZZ' of US; valid: AK, AL"),
    ({"holidays": 5}, ("holidays",), "holidays must be a country code"),
]


@pytest.mark.parametrize(("settings", "path", "message"), BAD)
def test_problem(settings, path, message):
    arguments = {"id": "t", "timezone": NEW_YORK, "hours": {"mon": "09:00-17:00"}} | settings
    sched, problems = compile_schedule(**arguments)
    assert sched is None
    assert len(problems) == 1, problems
    assert problems[0].path == path
    assert message in problems[0].message


def test_every_problem_is_collected():
    sched, problems = compile_schedule(
        id="t",
        timezone="Nowhere/City",
        hours={"mon": "25:00-26:00", "thur": "09:00-17:00", "fri": ["09:00-12:00", "10:00-11:00"]},
        holidays="ZZ",
    )
    assert sched is None
    assert [p.path for p in problems] == [
        ("timezone",),
        ("holidays",),
        ("hours", "mon"),
        ("hours", "mon"),
        ("hours", "thur"),
        ("hours", "fri", 1),
    ]
    assert all(isinstance(p, ScheduleProblem) and p.message for p in problems)
