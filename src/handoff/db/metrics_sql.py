"""Dialect-aware SQL pieces of the metrics: day and week keys, durations, median and p90."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    case,
    cast,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from handoff.db.models import Conversation

QUANTILES = {"median": 0.5, "p90": 0.9}
NO_KEY = literal_column("NULL")
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
    """The key as the `k` column (NULL for the totals)."""
    return (NO_KEY if key is None else key).label("k")


def day_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """The UTC day of a time, as YYYY-MM-DD."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)


def week_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """The Monday (UTC) starting a time's week, as YYYY-MM-DD."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", func.timezone("UTC", column)), "YYYY-MM-DD")
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
    return {name: _sqlite(session, key, value, where) for name, value in values.items()}


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


def _sqlite(session, key, value, where) -> dict[Any, dict[str, Any]]:
    base = select(key_column(key), cast(value, Float).label("x"))
    v = base.where(*where, value.is_not(None)).cte("v")
    window = {"partition_by": v.c.k} if key is not None else {}
    ranked = select(
        v.c.k,
        v.c.x,
        (func.row_number().over(order_by=v.c.x, **window) - 1).label("i"),
        func.count().over(**window).label("n"),
    ).cte("r")
    columns = [func.max(ranked.c.n).label("n")]
    for q, fraction in QUANTILES.items():
        position = (ranked.c.n - 1) * fraction
        low = cast(position, Integer)
        at_low = func.max(case((ranked.c.i == low, ranked.c.x)))
        above = func.coalesce(func.max(case((ranked.c.i == low + 1, ranked.c.x))), at_low)
        columns.append((at_low + func.max(position - low) * (above - at_low)).label(q))
    query = grouped(select(ranked.c.k, *columns), None if key is None else ranked.c.k)
    return {
        row["k"]: _summary(row["n"], {q: row[q] for q in QUANTILES})
        for row in session.execute(query).mappings()
    }
