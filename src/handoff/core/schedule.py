"""Team schedules: weekly wall-clock hours in one time zone, closed on public holidays.

Rules beyond CONTRACT §3:
- Day ranges may wrap the week: `fri-mon` is fri, sat, sun, mon.
- An overnight range (`22:00-06:00`) is open from 22:00 on its day until 06:00 the next.
- A public holiday closes its local calendar day 00:00-24:00, so an overnight range
  from the evening before stops at midnight, and one starting on the holiday evening
  opens only at the next midnight.
- Times are wall-clock. A range starting in a skipped (spring-forward) hour opens at the
  first instant after the jump. Repeated (fall-back) wall times count once: a range
  starts and ends at the first occurrence of its times, so it never opens twice.
"""

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, available_timezones

import holidays as holidays_lib

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_END = 24 * 60
SEARCH_DAYS = 400
EXAMPLE_COUNTRIES = "US, GB, CA, DE, FR, AU"

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ScheduleProblem:
    """One thing wrong with a schedule, at a path relative to the schedule mapping."""

    path: Path
    message: str


class _Span(NamedTuple):
    start: int
    end: int
    text: str
    path: Path


class Schedule:
    """Weekly opening hours in one zone, closed all day on the country's public holidays."""

    __slots__ = ("id", "timezone", "holidays_country", "_tz", "_spans", "_open", "_holidays")

    def __init__(self, id: str, tz: ZoneInfo, week: list[list[_Span]], country: str | None):
        self.id = id
        self.timezone: str = tz.key
        self.holidays_country = country
        self._tz = tz
        self._spans = tuple(sorted((s.start, s.end) for s in spans) for spans in week)
        segments: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        for day, start, end, _, _ in _segments(week):
            segments[day].append((start, end))
        self._open = tuple(tuple(sorted(day)) for day in segments)
        self._holidays: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"Schedule({self.id!r}, {self.timezone!r}, holidays={self.holidays_country!r})"

    def local(self, at: datetime) -> datetime:
        """The aware instant `at` in the schedule's zone."""
        if at.tzinfo is None:
            raise ValueError(f"schedule times must be timezone-aware, got {at!r}")
        return at.astimezone(self._tz)

    def is_open(self, at: datetime) -> bool:
        """Whether the schedule is open at the aware instant `at`."""
        return self.is_open_local(self.local(at))

    def is_open_local(self, local: datetime) -> bool:
        """Whether the schedule is open at `local`, an instant already in its zone (`local`)."""
        if local.fold:
            return self._open_in_repeated_hour(local)
        minute = local.hour * 60 + local.minute
        for start, end in self._open[local.weekday()]:
            if start <= minute < end:
                return self.holiday(local.date()) is None
        return False

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday that closes the local `day`, if any."""
        if self.holidays_country is None:
            return None
        if isinstance(day, datetime):
            day = self.local(day).date()
        names = self._holidays.get(day.year)
        if names is None:
            country, _, subdiv = self.holidays_country.partition("-")
            found = holidays_lib.country_holidays(country, subdiv=subdiv or None, years=day.year)
            names = self._holidays[day.year] = dict(found)
        return names.get(day)

    def next_open(self, at: datetime) -> datetime | None:
        """The first open moment at or after `at`, in the schedule's zone; None within 400 days."""
        local = self.local(at)
        if self.is_open(local):
            return local
        now = local.astimezone(UTC)
        for offset in range(SEARCH_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            ranges = self._open[day.weekday()]
            if not ranges or self.holiday(day) is not None:
                continue
            for start, end in ranges:
                opens = self._instant(day, start)
                if now < opens < self._instant(day, end):
                    return opens.astimezone(self._tz)
        return None

    def open_seconds(self, start: datetime, end: datetime) -> int:
        """Whole seconds the schedule is open between two aware instants (0 if end <= start)."""
        total = 0.0
        day, last = self.local(start).date(), self.local(end).date()
        while day <= last:
            if self.holiday(day) is None:
                for s, e in self._open[day.weekday()]:
                    lo, hi = max(self._instant(day, s), start), min(self._instant(day, e), end)
                    total += max((hi - lo).total_seconds(), 0.0)
            day += timedelta(days=1)
        return int(total)

    def week_grid(self) -> dict[str, list[tuple[str, str]]]:
        """Each day's ranges as ("HH:MM", "HH:MM"), overnight ones on their start day."""
        return {
            name: [(_hhmm(s), _hhmm(e)) for s, e in day]
            for name, day in zip(DAYS, self._spans, strict=True)
        }

    def _open_in_repeated_hour(self, local: datetime) -> bool:
        # Second pass through a fall-back hour: compare instants, not wall times.
        day, now = local.date(), local.astimezone(UTC)
        if self.holiday(day) is not None:
            return False
        return any(
            self._instant(day, s) <= now < self._instant(day, e)
            for s, e in self._open[day.weekday()]
        )

    def _instant(self, day: date, minute: int) -> datetime:
        # The first UTC instant whose local wall clock reads `minute` on `day` or later.
        wall = datetime.combine(day, time()) + timedelta(minutes=minute)
        after = wall.replace(tzinfo=self._tz).astimezone(UTC)
        if self._wall(after) == wall:
            return after
        before = wall.replace(tzinfo=self._tz, fold=1).astimezone(UTC)  # `wall` was skipped
        while after - before > timedelta(seconds=1):
            middle = before + timedelta(seconds=(after - before).total_seconds() // 2)
            if self._wall(middle) >= wall:
                after = middle
            else:
                before = middle
        return after

    def _wall(self, instant: datetime) -> datetime:
        return instant.astimezone(self._tz).replace(tzinfo=None)


def compile_schedule(
    *, id: str, timezone: object, hours: object, holidays: object = None
) -> tuple[Schedule | None, list[ScheduleProblem]]:
    """Check a schedule's settings and build it; None with every problem found if any."""
    problems: list[ScheduleProblem] = []
    tz = _zone(timezone, problems)
    country = _country(holidays, problems)
    week = _week(hours, problems)
    if problems or tz is None:
        return None, problems
    return Schedule(id, tz, week, country), []


def _zone(name: object, problems: list[ScheduleProblem]) -> ZoneInfo | None:
    if not isinstance(name, str) or not name:
        message = f"timezone must be a zone name like 'America/New_York', got {name!r}"
        problems.append(ScheduleProblem(("timezone",), message))
        return None
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        hint = _did_you_mean(name, available_timezones())
        problems.append(ScheduleProblem(("timezone",), f"unknown time zone {name!r}{hint}"))
        return None


def _country(code: object, problems: list[ScheduleProblem]) -> str | None:
    if code is None or code == "":
        return None
    if not isinstance(code, str):
        message = f"holidays must be a country code like 'US' or 'GB-ENG', got {code!r}"
        problems.append(ScheduleProblem(("holidays",), message))
        return None
    country, _, subdiv = code.strip().upper().partition("-")
    supported = holidays_lib.list_supported_countries()
    if country not in supported:
        hint = _did_you_mean(country, supported) or f"; valid codes include {EXAMPLE_COUNTRIES}"
        message = f"unknown holiday country {country!r}{hint}"
        problems.append(ScheduleProblem(("holidays",), message))
        return None
    if not subdiv:
        return country
    known = {s.upper(): s for s in supported[country]}
    if subdiv not in known:
        valid = ", ".join(supported[country][:12]) + (", ..." if len(known) > 12 else "")
        message = f"unknown subdivision {subdiv!r} of {country}; valid: {valid or 'none'}"
        problems.append(ScheduleProblem(("holidays",), message))
        return None
    return f"{country}-{known[subdiv]}"


def _week(hours: object, problems: list[ScheduleProblem]) -> list[list[_Span]]:
    week: list[list[_Span]] = [[] for _ in DAYS]
    if not isinstance(hours, Mapping):
        message = f"hours must map days to times, like {{mon-fri: '09:00-17:30'}}, got {hours!r}"
        problems.append(ScheduleProblem(("hours",), message))
        return week
    named: dict[int, str] = {}
    for key, value in hours.items():
        path: Path = ("hours", str(key))
        days = _days(key, path, problems)
        spans = _ranges(value, path, problems)
        for day in days:
            if day in named:
                message = f"{DAYS[day]!r} is named twice: in {named[day]!r} and {key!r}"
                problems.append(ScheduleProblem(path, message))
            else:
                named[day] = str(key)
                week[day].extend(spans)
    _check_overlaps(week, problems)
    return week


def _days(key: object, path: Path, problems: list[ScheduleProblem]) -> list[int]:
    if not isinstance(key, str):
        message = f"day must be text like 'mon', 'mon-fri' or 'mon,wed', got {key!r}"
        problems.append(ScheduleProblem(path, message))
        return []
    days: list[int] = []
    for part in key.split(","):
        names = part.split("-")
        if len(names) > 2:
            problems.append(ScheduleProblem(path, f"malformed day range {part!r}; like 'mon-fri'"))
            continue
        ends = [_day(name.strip().lower(), path, problems) for name in names]
        first, last = ends[0], ends[-1]
        if first is not None and last is not None:
            days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _day(name: str, path: Path, problems: list[ScheduleProblem]) -> int | None:
    if name in DAYS:
        return DAYS.index(name)
    hint = f"; did you mean {name[:3]!r}?" if name[:3] in DAYS else _did_you_mean(name, DAYS)
    hint = hint or "; days are mon, tue, wed, thu, fri, sat, sun"
    problems.append(ScheduleProblem(path, f"unknown day {name!r}{hint}"))
    return None


def _ranges(value: object, path: Path, problems: list[ScheduleProblem]) -> list[_Span]:
    if isinstance(value, str):
        items: list[tuple[object, Path]] = [(value, path)]
    elif isinstance(value, list | tuple):
        items = [(item, (*path, i)) for i, item in enumerate(value)]
    else:
        message = f"times must be 'HH:MM-HH:MM' or a list of them, got {value!r}"
        problems.append(ScheduleProblem(path, message))
        return []
    spans = []
    for text, where in items:
        if not isinstance(text, str):
            message = f"time range must be text like '09:00-17:30', got {text!r}"
            problems.append(ScheduleProblem(where, message))
            continue
        parts = text.strip().split("-")
        if len(parts) != 2:
            message = f"malformed time range {text!r}; expected 'HH:MM-HH:MM'"
            problems.append(ScheduleProblem(where, message))
            continue
        start = _minute(parts[0].strip(), False, text, where, problems)
        end = _minute(parts[1].strip(), True, text, where, problems)
        if start is not None and end is not None:
            if start == end:
                message = f"empty time range {text!r}: it ends where it starts"
                problems.append(ScheduleProblem(where, message))
            else:
                spans.append(_Span(start, end, text.strip(), where))
    return spans


def _minute(
    hhmm: str, is_end: bool, text: str, path: Path, problems: list[ScheduleProblem]
) -> int | None:
    hour, colon, minute = hhmm.partition(":")
    if not (colon and len(hour) == len(minute) == 2 and (hour + minute).isdigit()):
        message = f"malformed time {hhmm!r} in {text!r}; expected HH:MM"
    elif int(hour) > 24:
        message = f"hour {hour} in {text!r} is out of range 00-24"
    elif int(minute) > 59:
        message = f"minutes {minute} in {text!r} are out of range 00-59"
    elif hour == "24" and minute != "00":
        message = f"{hhmm} in {text!r} is past the end of the day; 24:00 is the latest"
    elif hhmm == "24:00" and not is_end:
        message = f"24:00 can only end a range, not start one: {text!r}"
    else:
        return int(hour) * 60 + int(minute)
    problems.append(ScheduleProblem(path, message))
    return None


def _segments(week: list[list[_Span]]) -> Iterator[tuple[int, int, int, _Span, bool]]:
    # (day, start, end, span, past_midnight) pieces within single days; 24:00 is DAY_END.
    for day, spans in enumerate(week):
        for span in spans:
            if span.start < span.end:
                yield day, span.start, span.end, span, False
            else:
                yield day, span.start, DAY_END, span, False
                if span.end:
                    yield (day + 1) % 7, 0, span.end, span, True


def _check_overlaps(week: list[list[_Span]], problems: list[ScheduleProblem]) -> None:
    by_day: list[list[tuple[int, int, _Span, bool]]] = [[] for _ in DAYS]
    for day, start, end, span, spilled in _segments(week):
        by_day[day].append((start, end, span, spilled))
    clashes: dict[tuple[Path, str], list[str]] = {}
    for day, pieces in enumerate(by_day):
        pieces.sort(key=lambda piece: piece[3])  # blame the range that runs past midnight
        for i, (start, end, span, spilled) in enumerate(pieces):
            for other_start, other_end, other, other_spilled in pieces[:i]:
                if start < other_end and other_start < end:
                    what = f"{_label(span, spilled)} overlaps {_label(other, other_spilled)}"
                    clashes.setdefault((span.path, what), []).append(DAYS[day])
    for (path, what), days in clashes.items():
        problems.append(ScheduleProblem(path, f"{what} on {', '.join(days)}"))


def _label(span: _Span, spilled: bool) -> str:
    return f"{span.text!r}" + (" (past midnight)" if spilled else "")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), by_lower, n=1, cutoff=0.6)
    return f"; did you mean {by_lower[close[0]]!r}?" if close else ""


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
