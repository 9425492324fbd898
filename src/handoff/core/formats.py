"""Times and numbers written for the trace and the decision, built from digits.

The standard library's `isoformat`, `strftime` and format specs (`f"{n:,}"`) cost more than
the whole of some decisions' steps; these write the same text for the values decisions hold.
"""

from __future__ import annotations

from datetime import UTC, datetime

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TWO = tuple(f"{n:02d}" for n in range(100))
_THREE = tuple(f"{n:03d}" for n in range(1000))


def local_iso(at: datetime) -> str:
    """`at.isoformat()`: whole-second times after year 999 built from digits, others by it."""
    if at.microsecond or at.year < 1000:
        return at.isoformat()
    if at.tzinfo is UTC:
        return _seconds(at) + "+00:00"
    offset = at.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds:
        return at.isoformat()
    minutes = offset.days * 1440 + offset.seconds // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{_seconds(at)}{sign}{_TWO[hours]}:{_TWO[minutes]}"


def utc_iso(at: datetime) -> str | None:
    """RFC 3339 text of a whole-second UTC time after year 999, ending in Z; else None."""
    if at.tzinfo is not UTC or at.microsecond or at.year < 1000:
        return None
    return _seconds(at) + "Z"


def _seconds(at: datetime) -> str:
    """'2026-03-03T10:09:00': the date and time of `at` to the second."""
    return (
        f"{at.year}-{_TWO[at.month]}-{_TWO[at.day]}T{_TWO[at.hour]}:{_TWO[at.minute]}:"
        f"{_TWO[at.second]}"
    )


def wall_clock(at: datetime) -> str:
    """'Tue 2026-03-03 10:09': strftime's "%a %Y-%m-%d %H:%M" in the C locale, without strftime."""
    return (
        f"{WEEKDAYS[at.weekday()]} {at.year}-{_TWO[at.month]}-{_TWO[at.day]} "
        f"{_TWO[at.hour]}:{_TWO[at.minute]}"
    )


def grouped(number: int) -> str:
    """`f"{number:,}"` (a format spec costs more than building the text)."""
    if number < 0:
        return "-" + grouped(-number)
    if number < 1000:
        return str(number)
    return grouped(number // 1000) + "," + _THREE[number % 1000]
