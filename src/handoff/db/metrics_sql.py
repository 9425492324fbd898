"""Dialect-aware SQL pieces of the metrics: day and week keys, durations, median and p90."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from handoff.db.models import Conversation

QUANTILES = {"median": 0.5, "p90": 0.9}
NO_KEY = literal_column("NULL")
FEW_KEYS = 32
_C = Conversation.__table__.c


def note_decision(conn: Connection, conversation_id: str, columns: dict[str, Any]) -> None:
    """Keep the conversation's latest segment and whether any decision of it ever qualified."""
    qualified = True if columns["qualified"] else func.coalesce(_C.qualified, False)
    values = {"segment": columns["segment"], "qualified": qualified}
    conn.execute(update(Conversation).where(_C.id == conversation_id).values(values))


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


def seconds_between(start: ColumnElement, end: ColumnElement, dialect: str) -> ColumnElement:
    """Seconds from start to end (NULL when either is)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


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
