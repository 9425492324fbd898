"""Handoff metrics computed in SQL on SQLite and PostgreSQL (docs/metrics.md defines each one).

Every figure is an aggregate query over one covering index range: one row per group comes back
to Python (for SQLite's percentiles, the values at the ranks wanted). Percentiles are
`percentile_cont` on PostgreSQL and the same linear interpolation between the ranks SQLite's
`ROW_NUMBER()` finds, so both give the same numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from handoff.db.metrics_sql import (
    day_key,
    grouped,
    key_column,
    percentiles,
    seconds_between,
    week_key,
)
from handoff.db.models import Conversation, Handoff
from handoff.db.outbox_models import DeliveryRow
from handoff.policy_store import BOOK

GROUPS = ("day", "week", "segment", "route", "team", "rep")
FILTERS = ("segment", "route", "team", "rep", "priority", "rule", "mode")
CONVERSION_BY = ("route", "segment", "rule", "rep")
TIMINGS = ("time_to_accept", "time_to_accept_business", "time_to_first_response",
           "time_to_first_response_business")  # fmt: skip
H = Handoff.__table__.c
C = Conversation.__table__.c
DL = DeliveryRow.__table__.c
SETTLED = ("delivered", "dead")


def live_sla_seconds(session: Session) -> int | None:
    """The live policy's `sla.accept_within` in seconds (None when nothing is published)."""
    try:
        return BOOK.live(session).model.sla.accept_within
    except Exception:  # noqa: BLE001 - no live policy: no SLA to measure against
        return None


def report(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    group: str | None = None,
    filters: dict[str, str] | None = None,
    sla_seconds: int | None = None,
) -> dict[str, Any]:
    """Every metric over handoffs and conversations created in [since, until), totals and groups."""
    if group is not None and group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}")
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)[0]}: use {', '.join(FILTERS)}")
    if sla_seconds is None:
        sla_seconds = live_sla_seconds(session)
    scope = Scope(session.get_bind().dialect.name, since, until, filters, sla_seconds)
    out: dict[str, Any] = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "group": group,
        "filters": filters,
        "sla_seconds": sla_seconds,
        "totals": scope.metrics(session, None)[None],
    }
    if group is not None:
        rows = scope.metrics(session, group)
        out["groups"] = [{"key": k, **rows[k]} for k in sorted(rows, key=_sort_key)]
    out["conversion"] = {dim: scope.conversion(session, dim) for dim in CONVERSION_BY}
    return out


def _sort_key(key: Any) -> tuple[bool, str]:
    return key is None, str(key)


def _rate(part: int | None, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


class Scope:
    """One report's range, filters and dialect; builds and runs its queries."""

    def __init__(self, dialect, since, until, filters, sla_seconds) -> None:
        self.dialect = dialect
        self.since, self.until = since, until
        self.filters = filters
        self.sla = sla_seconds

    def handoff_where(self) -> list[ColumnElement]:
        """Handoffs created in range and matching every filter."""
        where = [H.created_at >= self.since, H.created_at < self.until]
        return where + [H[name] == value for name, value in self.filters.items()]

    def handoff_key(self, group: str | None) -> ColumnElement | None:
        """What handoffs are grouped by (None: nothing, the totals)."""
        if group is None:
            return None
        if group == "day":
            return day_key(H.created_at, self.dialect)
        if group == "week":
            return week_key(H.created_at, self.dialect)
        return H[group]

    def metrics(self, session: Session, group: str | None) -> dict[Any, dict[str, Any]]:
        """Every metric per group key (key None for the totals)."""
        counts = self.handoff_counts(session, group)
        timings = self.timings(session, group)
        talks = self.conversation_counts(session, group)
        talking = self.conversations_apply(group)
        sent = self.delivery_counts(session, group)
        sending = self.deliveries_apply(group)
        keys = set(counts) | set(talks) | set(sent)
        return {
            k: self._combine(counts.get(k), timings, k, talks.get(k), talking, sent.get(k), sending)
            for k in keys
        }

    def _combine(self, c, timings, key, talk, talking: bool, sent, sending: bool) -> dict:
        c, sent = c or {}, sent or {}
        n, closed = c.get("handoffs", 0), c.get("closed", 0)
        out: dict[str, Any] = {"handoffs": n}
        if talking:
            talk = talk or {"conversations": 0, "qualified": 0, "handed_off": 0}
            out |= {
                "conversations": talk["conversations"],
                "qualified_conversations": talk["qualified"],
                "qualification_rate": _rate(talk["qualified"], talk["conversations"]),
                "handoff_rate": _rate(talk["handed_off"], talk["conversations"]),
            }
        out |= {
            "closed": closed,
            "won": c.get("won", 0),
            "routing_accuracy": _rate(c.get("route_ok"), closed),
            "qualification_accuracy": _rate(c.get("qualified_ok"), closed),
            "conversion": _rate(c.get("won"), closed),
            "sla_hit_rate": _rate(c.get("sla_hit"), c.get("sla_due")) if self.sla else None,
            "after_hours_share": _rate(c.get("after_hours"), c.get("hours_known")),
            "delivery_success_rate": _rate(sent.get("delivered"), sent.get("settled"))
            if sending
            else None,
        }
        for name in TIMINGS:
            out[name] = timings.get(name, {}).get(key, {"count": 0, "median": None, "p90": None})
        return out

    def handoff_counts(self, session: Session, group: str | None) -> dict[Any, dict[str, int]]:
        """Volume, closed, correct routes and qualifications, won, SLA and after-hours counts."""
        closed = H.status == "closed"
        accepted = H.accepted_at.is_not(None)
        sla_hit = and_(accepted, H.accept_business_seconds <= (self.sla or 0))
        columns = {
            "handoffs": func.count(),
            "closed": _count(closed),
            "route_ok": _count(and_(closed, H.reassignments == 0, H.outcome != "wrong_route")),
            "qualified_ok": _count(and_(closed, H.outcome != "not_qualified")),
            "won": _count(H.outcome == "won"),
            "sla_due": _count(accepted | closed),
            "sla_hit": _count(sla_hit),
            "after_hours": _count(H.after_hours.is_(True)),
            "hours_known": func.count(H.after_hours),
        }
        key = self.handoff_key(group)
        query = select(key_column(key), *(c.label(n) for n, c in columns.items()))
        query = grouped(query.where(*self.handoff_where()), key)
        rows = session.execute(query).mappings()
        return {r["k"]: {n: int(r[n] or 0) for n in columns} for r in rows}

    def timings(self, session: Session, group: str | None) -> dict[str, dict[Any, dict]]:
        """Count, median and p90 (seconds) of each timing, per group key."""
        values = {
            "time_to_accept": seconds_between(H.created_at, H.accepted_at, self.dialect),
            "time_to_accept_business": H.accept_business_seconds,
            "time_to_first_response": seconds_between(
                H.created_at, H.first_response_at, self.dialect
            ),
            "time_to_first_response_business": H.response_business_seconds,
        }
        key = self.handoff_key(group)
        return percentiles(session, self.dialect, key, values, self.handoff_where())

    def conversations_apply(self, group: str | None) -> bool:
        """Whether conversation figures make sense (no filter or group a conversation lacks)."""
        return set(self.filters) <= {"segment"} and group not in ("route", "team", "rep")

    def conversation_counts(self, session: Session, group: str | None) -> dict[Any, dict]:
        """Conversations, those that ever qualified, and those handed off, per group key."""
        if not self.conversations_apply(group):
            return {}
        keys = {"day": day_key(C.created_at, self.dialect),
                "week": week_key(C.created_at, self.dialect), "segment": C.segment}  # fmt: skip
        key = keys.get(group)
        query = select(
            key_column(key),
            func.count().label("conversations"),
            _count(C.qualified.is_(True)).label("qualified"),
            func.count(C.handoff_id).label("handed_off"),
        ).where(C.created_at >= self.since, C.created_at < self.until)
        if "segment" in self.filters:
            query = query.where(C.segment == self.filters["segment"])
        rows = session.execute(grouped(query, key)).mappings()
        return {r["k"]: {n: int(r[n] or 0) for n in ("conversations", "qualified", "handed_off")}
                for r in rows}  # fmt: skip

    def deliveries_apply(self, group: str | None) -> bool:
        """Whether delivery figures make sense: no filter, and no group a delivery lacks."""
        return not self.filters and group in (None, "day", "week")

    def delivery_counts(self, session: Session, group: str | None) -> dict[Any, dict[str, int]]:
        """Settled deliveries (delivered or parked) whose last attempt was due in range, per key."""
        if not self.deliveries_apply(group):
            return {}
        keys = {"day": day_key(DL.due_at, self.dialect), "week": week_key(DL.due_at, self.dialect)}
        key = keys.get(group)
        query = select(
            key_column(key),
            func.count().label("settled"),
            _count(DL.status == "delivered").label("delivered"),
        ).where(DL.status.in_(SETTLED), DL.due_at >= self.since, DL.due_at < self.until)
        rows = session.execute(grouped(query, key)).mappings()
        return {r["k"]: {"settled": int(r["settled"]), "delivered": int(r["delivered"] or 0)}
                for r in rows}  # fmt: skip

    def conversion(self, session: Session, dim: str) -> list[dict[str, Any]]:
        """Closed handoffs, those won, and the rate, per value of `dim`, most closed first."""
        query = (
            select(H[dim].label("key"), func.count().label("closed"), _count(H.outcome == "won"))
            .where(*self.handoff_where(), H.status == "closed")
            .group_by(H[dim])
        )
        rows = session.execute(query).all()
        out = [
            {"key": k, "closed": n, "won": int(w or 0), "conversion": _rate(int(w or 0), n)}
            for k, n, w in rows
        ]
        return sorted(out, key=lambda r: (-r["closed"], str(r["key"])))


def _count(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))
