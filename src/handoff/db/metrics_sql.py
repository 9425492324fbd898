"""Dialect-aware SQL pieces of the metrics: day and week keys, median and p90.

Also what reads the roll-ups of migration 0007: a range split into whole UTC days and the
rest (`Span`), and the duration histograms' buckets, from which each quantile's bucket and
rank within it are found (`Quantiles`), then its value estimated or read exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from handoff.db.models import HISTOGRAM_BUCKETS

QUANTILES = {"median": 0.5, "p90": 0.9}
NO_KEY = literal_column("NULL")
FEW_KEYS = 32
# The buckets of migration 0007: under 1 s, then each RATIO times the last from 1 s up to TOP.
TOP = 1e7
RATIO = TOP ** (1 / (HISTOGRAM_BUCKETS - 2))
BOUNDS = [-1e300] + [RATIO**i for i in range(HISTOGRAM_BUCKETS - 1)]


def grouped(query: Select, key: ColumnElement | None) -> Select:
    """GROUP BY the key, or no grouping for the totals (key None)."""
    return query if key is None else query.group_by(key)


def key_column(key: ColumnElement | None) -> ColumnElement:
    """The key as the `k` column (NULL for the totals; a day as YYYY-MM-DD, once per group)."""
    if key is not None and isinstance(key.type, Date):
        key = func.to_char(key, "YYYY-MM-DD")
    return (NO_KEY if key is None else key).label("k")


def day_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """The UTC day of a time (a date on PostgreSQL, grouped on before formatting)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.substr(column, 1, 10, type_=String())  # stored as "YYYY-MM-DD HH:MM:SS.ffffff" UTC


def week_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """The Monday (UTC) starting a time's week (a date on PostgreSQL, as for days)."""
    if dialect == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", column)), Date)
    back = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, func.printf("-%d days", back))


def day_of(column: ColumnElement, dialect: str) -> ColumnElement:
    """A roll-up's day as the group key: a date on PostgreSQL, its stored text on SQLite."""
    return column if dialect == "postgresql" else type_coerce(column, String())


def week_of(column: ColumnElement, dialect: str) -> ColumnElement:
    """The Monday starting a roll-up day's week."""
    if dialect == "postgresql":
        return cast(func.date_trunc("week", cast(column, TIMESTAMP())), Date)
    return week_key(column, dialect)


def percentiles(
    session: Session,
    dialect: str,
    key: ColumnElement | None,
    values: dict[str, ColumnElement],
    where: list[ColumnElement],
) -> dict[str, dict[Any, dict[str, Any]]]:
    """For each named value: per key, its count, median and p90 (linear interpolation)."""
    if dialect == "postgresql":
        return _postgresql(session, key, values, where)
    return _sqlite(session, key, values, where)


def _summary(count: int | None, found: dict[str, Any]) -> dict[str, Any]:
    count = int(count or 0)
    return {
        "count": count,
        **{q: round(float(found[q]), 3) if count and found[q] is not None else None
           for q in QUANTILES},
    }  # fmt: skip


def _postgresql(session, key, values, where) -> dict[str, dict[Any, dict[str, Any]]]:
    columns = []
    for name, value in values.items():
        number = cast(value, Float)
        columns.append(func.count(value).label(f"{name}__count"))
        for q, fraction in QUANTILES.items():
            columns.append(
                func.percentile_cont(fraction).within_group(number).label(f"{name}__{q}")
            )
    query = grouped(select(key_column(key), *columns).where(*where), key)
    out: dict[str, dict[Any, dict[str, Any]]] = {name: {} for name in values}
    for row in session.execute(query).mappings():
        for name in values:
            found = {q: row[f"{name}__{q}"] for q in QUANTILES}
            out[name][row["k"]] = _summary(row[f"{name}__count"], found)
    return out


def _sqlite(session, key, values, where) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every value's count per key in one pass, then each value's ranks from one sort."""
    sizes: dict[str, dict[Any, int]] = {name: {} for name in values}
    counts = [func.count(value).label(name) for name, value in values.items()]
    for row in session.execute(grouped(select(key_column(key), *counts).where(*where), key)):
        for name in values:
            sizes[name][row.k] = row._mapping[name]
    return {name: _ranked(session, key, v, where, sizes[name]) for name, v in values.items()}


def _ranked(session, key, value, where, sizes: dict[Any, int]) -> dict[Any, dict[str, Any]]:
    """Each key's values at the ranks around its median and p90, from one sort of the range."""
    v = select(key_column(key), cast(value, Float).label("x"))
    v = v.where(*where, value.is_not(None)).subquery("v")
    window = {"partition_by": v.c.k} if key is not None else {}
    i = (func.row_number().over(order_by=v.c.x, **window) - 1).label("i")
    known = [(v.c.k.is_(None) if k is None else v.c.k == k, n) for k, n in sizes.items() if n]
    if not known:
        return {}
    if key is None:
        n = literal(known[0][1])
    elif len(known) <= FEW_KEYS:  # each key's count, known: no second pass over each partition
        n = case(*known)
    else:
        n = func.count().over(**window)
    ranked = select(v.c.k, v.c.x, i, n.label("n")).subquery("r")
    lows = [cast((ranked.c.n - 1) * fraction, Integer) for fraction in QUANTILES.values()]
    wanted = [rank for low in lows for rank in (low, low + 1)]
    found: dict[Any, dict[int, float]] = {}
    for k, rank, x in session.execute(
        select(ranked.c.k, ranked.c.i, ranked.c.x).where(ranked.c.i.in_(wanted))
    ):
        found.setdefault(k, {})[rank] = x
    return {k: _summary(n, _interpolate(n, found.get(k, {}))) for k, n in sizes.items() if n}


def _interpolate(n: int, at: dict[int, float]) -> dict[str, float | None]:
    """Each quantile between the two ranks around (n - 1) × fraction."""
    out: dict[str, float | None] = {}
    for q, fraction in QUANTILES.items():
        position = (n - 1) * fraction
        low = int(position)
        out[q] = at[low] + (position - low) * (at.get(low + 1, at[low]) - at[low])
    return out


@dataclass(frozen=True)
class Span:
    """A range [since, until): its whole UTC days [first, last), read from the roll-ups, and
    the partial days at either end (`edges`), read from the rows."""

    since: datetime
    until: datetime
    first: date | None
    last: date | None

    @property
    def edges(self) -> list[tuple[datetime, datetime]]:
        """The parts of the range outside its whole days."""
        if self.first is None:
            return [(self.since, self.until)] if self.since < self.until else []
        starts = datetime.combine(self.first, time(), UTC), datetime.combine(self.last, time(), UTC)
        return [(a, b) for a, b in ((self.since, starts[0]), (starts[1], self.until)) if a < b]

    def in_edges(self, column: ColumnElement) -> ColumnElement:
        """Rows whose time is in the edges."""
        return or_(false(), *(and_(column >= a, column < b) for a, b in self.edges))

    def in_days(self, day: ColumnElement) -> ColumnElement:
        """Roll-up rows of the whole days."""
        return and_(day >= self.first, day < self.last) if self.first else false()

    def in_whole_days(self, column: ColumnElement) -> ColumnElement:
        """Rows whose time is in the whole days."""
        if not self.first:
            return false()
        first, last = (datetime.combine(d, time(), UTC) for d in (self.first, self.last))
        return and_(column >= first, column < last)


def span(since: datetime, until: datetime) -> Span:
    """Split [since, until) into whole UTC days and edges (no whole day: all edges)."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    first = since.date() + timedelta(days=since.time() != time())
    last = until.date()
    if first >= last:
        return Span(since, until, None, None)
    return Span(since, until, first, last)


def bound(bucket: int) -> ColumnElement:
    """A bucket's lower bound as the SQL literal the triggers compare with."""
    return literal_column(repr(BOUNDS[bucket]))


def bucket_of(v: ColumnElement, lo: int = 0, hi: int = HISTOGRAM_BUCKETS) -> ColumnElement:
    """The bucket of the FLOAT `v` among [lo, hi), found as the triggers do: a binary search
    written as nested CASEs (v should be a plain column: it appears once per level)."""
    if hi - lo == 1:
        return literal_column(str(lo))
    mid = (lo + hi) // 2
    return case((v < bound(mid), bucket_of(v, lo, mid)), else_=bucket_of(v, mid, hi))


def bucket_among(v: ColumnElement, buckets: list[int]) -> ColumnElement:
    """The bucket of the FLOAT `v`, known to be one of `buckets` (ascending): a binary search."""
    if len(buckets) == 1:
        return literal(buckets[0])
    mid = len(buckets) // 2
    below, above = bucket_among(v, buckets[:mid]), bucket_among(v, buckets[mid:])
    return case((v < bound(buckets[mid]), below), else_=above)


def bucket_index(seconds: float) -> int:
    """The bucket holding a duration (as bucket_of, in Python)."""
    return bisect.bisect_right(BOUNDS, seconds) - 1


def estimate(bucket: int, offset: int, size: int) -> float:
    """The value of the offset-th of `size` durations in a bucket, spread evenly on a log scale:
    within RATIO - 1 (6.5%) of the true one from 1 s to TOP; 0 under 1 s; TOP above it."""
    if bucket == 0:
        return 0.0
    if bucket == HISTOGRAM_BUCKETS - 1:
        return BOUNDS[bucket]
    return BOUNDS[bucket] * RATIO ** ((offset + 0.5) / size)


def ranks(n: int) -> list[int]:
    """The ranks (from 0) each quantile of n sorted values interpolates between."""
    if not n:
        return []
    out = set()
    for fraction in QUANTILES.values():
        low = int((n - 1) * fraction)
        out |= {low, min(low + 1, n - 1)}
    return sorted(out)


def quantiles(n: int, value_at: dict[int, float]) -> dict[str, Any]:
    """Count, median and p90 from the values at the ranks `ranks(n)` asks for."""
    return _summary(n, _interpolate(n, value_at) if n else {q: None for q in QUANTILES})


class Quantiles:
    """Each group's bucket counts of one timing, and where its quantiles' ranks fall."""

    def __init__(self, counts: dict[Any, list[int]]) -> None:
        self.counts = counts
        self.sizes = {k: sum(c) for k, c in counts.items()}
        self.at: dict[Any, dict[int, tuple[int, int]]] = {}  # key -> rank -> (bucket, offset)
        for key, c in counts.items():
            below = [0, *accumulate(c)][:-1]
            self.at[key] = {r: self._locate(below, r) for r in ranks(self.sizes[key])}

    @staticmethod
    def _locate(below: list[int], rank: int) -> tuple[int, int]:
        bucket = bisect.bisect_right(below, rank) - 1  # the last bucket starting at or before it
        return bucket, rank - below[bucket]

    def estimated(self) -> dict[Any, dict[str, Any]]:
        """Each group's count, median and p90 estimated inside the buckets."""
        return {
            key: quantiles(self.sizes[key], {r: estimate(b, j, self.counts[key][b])
                                             for r, (b, j) in at.items()})
            for key, at in self.at.items()
        }  # fmt: skip

    def buckets(self) -> dict[Any, list[int]]:
        """Per group, the buckets its quantiles fall in."""
        return {key: sorted({b for b, _ in at.values()}) for key, at in self.at.items()}

    def runs(self) -> list[tuple[int, int]]:
        """The buckets any group's quantile falls in, as runs [first, last] of adjacent ones."""
        out: list[list[int]] = []
        for b in sorted({b for bs in self.buckets().values() for b in bs}):
            if out and b == out[-1][1] + 1:
                out[-1][1] = b
            else:
                out.append([b, b])
        return [(a, b) for a, b in out]

    def picked(self) -> int:
        """How many durations (of every group) fall in the runs: those an exact read ranks."""
        runs = self.runs()
        return sum(sum(c[a : b + 1]) for c in self.counts.values() for a, b in runs)

    def wanted(self) -> dict[tuple[Any, int], int]:
        """(key, rank among the group's durations in its quantiles' buckets) -> rank among all
        of the group's durations."""
        out = {}
        for key, buckets in self.buckets().items():
            sizes = [self.counts[key][b] for b in buckets]
            before = dict(zip(buckets, accumulate([0, *sizes[:-1]]), strict=True))
            for rank, (bucket, offset) in self.at[key].items():
                out[key, before[bucket] + offset] = rank
        return out


def in_bucket_run(v: ColumnElement, first: int, last: int) -> ColumnElement:
    """Whether the FLOAT `v` falls in buckets first to last."""
    above = v >= bound(first)
    return above if last + 1 == HISTOGRAM_BUCKETS else and_(above, v < bound(last + 1))
