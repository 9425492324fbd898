"""Times and numbers written from digits read exactly as the standard library writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from handoff.core.events import format_time
from handoff.core.formats import grouped, local_iso, wall_clock

ZONES = [UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Chatham"),
         ZoneInfo("Europe/Dublin"), timezone(timedelta(hours=-3, minutes=-30)),
         timezone(timedelta(seconds=3725)), timezone(timedelta(microseconds=-1)), None]
times = st.builds(
    lambda at, zone: at.replace(tzinfo=zone) if zone is None else at.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)) | st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.sampled_from(ZONES),
)


@given(times)
def test_local_iso_is_isoformat(at: datetime) -> None:
    assert local_iso(at) == at.isoformat()


@given(times)
def test_wall_clock_is_strftime_in_the_c_locale(at: datetime) -> None:
    assert wall_clock(at) == at.strftime("%a %Y-%m-%d %H:%M")


@given(times.filter(lambda at: at.tzinfo is not None))
def test_format_time_is_isoformat_with_utc_as_z(at: datetime) -> None:
    text = at.isoformat()
    assert format_time(at) == (text[:-6] + "Z" if text.endswith("+00:00") else text)


def test_format_time_writes_utc_as_z_and_keeps_other_offsets() -> None:
    assert format_time(datetime(2026, 3, 3, 15, 0, tzinfo=UTC)) == "2026-03-03T15:00:00Z"
    new_york = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert format_time(new_york) == "2026-03-03T10:00:00-05:00"
    assert format_time(datetime(2026, 3, 3, 15, 0, 0, 5, tzinfo=UTC)) == "2026-03-03T15:00:00.000005Z"


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_grouped_numbers_are_formats_thousands(number: int) -> None:
    assert grouped(number) == f"{number:,}"
