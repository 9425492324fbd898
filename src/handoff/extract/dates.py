"""Calendar arithmetic for stated timelines: months, quarters, seasons, named periods."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

Period = tuple[date, date]


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the last day of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def months_span(year: int, first_month: int, count: int) -> Period:
    """`count` months from `first_month` of `year` (may run into the next year)."""
    start = date(year, first_month, 1)
    return start, add_months(start, count) - timedelta(days=1)


def period_of(unit: str, day: date, offset: int = 0) -> Period:
    """The week, month, quarter or year holding `day`, moved by `offset` such periods."""
    if unit == "week":
        start = day - timedelta(days=day.weekday()) + timedelta(weeks=offset)
        return start, start + timedelta(days=6)
    length = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    first = (day.month - 1) // length * length + 1
    start = add_months(date(day.year, first, 1), offset * length)
    return months_span(start.year, start.month, length)


def next_occurrence(today: date, first_month: int, count: int, year: int | None) -> Period | None:
    """That span of months in `year`, or else the first one not yet over; None if in the past."""
    if year is not None:
        span = months_span(year, first_month, count)
        return span if span[1] >= today else None
    span = months_span(today.year, first_month, count)
    if span[1] < today:
        span = months_span(today.year + 1, first_month, count)
    return span


def pick(period: Period, where: str, today: date) -> date:
    """The day of `period` meant: its start, middle or end; a period already begun means its end."""
    start, end = period
    if where == "end":
        chosen = end
    elif where == "mid":
        chosen = start + (end - start) / 2
    else:
        chosen = start
    return end if chosen < today else chosen
