"""Handoff metrics computed in SQL on SQLite and PostgreSQL (docs/metrics.md defines each one).

A range is read in two parts: its whole UTC days from the per-day roll-ups that triggers keep
in the writing transaction (migration 0007), and the partial days at either end from the rows;
the counts add up exactly. Percentiles come from per-day histograms of the durations: the
counts tell in which bucket, and at which rank within it, each quantile falls; the value is then
read from the range's rows in those few buckets (exact) when the range holds at most
EXACT_LIMIT durations of each timing, or estimated inside its bucket above that. Reports the
histograms do not break down (a `priority`, `rule` or `mode` filter, or two of segment, route,
team and rep between the group and the filters) read every row of the range: PostgreSQL's
`percentile_cont`, or the same interpolation between the ranks SQLite's `ROW_NUMBER()` finds.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from math import ceil
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from handoff.db.metrics_sql import (
    BOUNDS,
    Quantiles,
    bucket_among,
    bucket_index,
    bucket_of,
    day_key,
    day_of,
    grouped,
    in_bucket_run,
    key_column,
    percentiles,
    quantiles,
    span,
    week_key,
    week_of,
)
from handoff.db.models import (
    HISTOGRAM_BUCKETS,
    Conversation,
    Handoff,
    MetricConversationDay,
    MetricDeliveryDay,
    MetricHandoffDay,
    metric_timing_days,
)
from handoff.db.outbox_models import DeliveryRow
from handoff.policy_store import BOOK

H = Handoff.__table__.c
GROUPS = ("day", "week", "segment", "route", "team", "rep")
FILTERS = ("segment", "route", "team", "rep", "priority", "rule", "mode")
DIMS = ("segment", "route", "team", "rep")  # what the duration histograms break down by
CONVERSION_BY = ("route", "segment", "rule", "rep")
TIMINGS = {"time_to_accept": "accept", "time_to_accept_business": "accept_business",
           "time_to_first_response": "response",
           "time_to_first_response_business": "response_business"}  # fmt: skip
VALUES = {"time_to_accept": H.accept_seconds, "time_to_accept_business": H.accept_business_seconds,
          "time_to_first_response": H.response_seconds,
          "time_to_first_response_business": H.response_business_seconds}  # fmt: skip
EXACT_LIMIT = 100_000  # percentiles are exact up to this many durations of each timing ...
PICK_LIMIT = 40_000  # ... if at most this many (all timings) are in buckets a quantile is in
C = Conversation.__table__.c
DL = DeliveryRow.__table__.c
RH = MetricHandoffDay.__table__.c
RC = MetricConversationDay.__table__.c
RD = MetricDeliveryDay.__table__.c
RT = metric_timing_days.c
SETTLED = ("delivered", "dead")
HANDOFF_COUNTS = ("handoffs", "closed", "route_ok", "qualified_ok", "won", "sla_due",
                  "after_hours", "hours_known")  # fmt: skip


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
        self.span = span(since, until)
        self.filters = filters
        self.sla = sla_seconds

    def handoff_where(self) -> list[ColumnElement]:
        """Handoffs created in range and matching every filter."""
        where = [H.created_at >= self.since, H.created_at < self.until]
        return where + [H[name] == value for name, value in self.filters.items()]

    def edge_where(self) -> list[ColumnElement]:
        """Handoffs created in the range's partial days and matching every filter."""
        return [self.span.in_edges(H.created_at), *self.handoff_where()[2:]]

    def handoff_key(self, group: str | None) -> ColumnElement | None:
        """What handoffs are grouped by (None: nothing, the totals)."""
        if group is None:
            return None
        if group == "day":
            return day_key(H.created_at, self.dialect)
        if group == "week":
            return week_key(H.created_at, self.dialect)
        return H[group]

    def rollup_key(self, group: str | None, c) -> ColumnElement | None:
        """What a roll-up's rows are grouped by: its day, week or dimension ("" back to None;
        the histograms keep their dimension's value in `value`)."""
        if group is None:
            return None
        if group == "day":
            return day_of(c.day, self.dialect)
        if group == "week":
            return week_of(c.day, self.dialect)
        return func.nullif(c.value if c is RT else c[group], "")

    def rollup_where(self, c, names=FILTERS) -> list[ColumnElement]:
        """A roll-up's rows of the whole days, matching the filters on `names` (none is "")."""
        where = [self.span.in_days(c.day)]
        return where + [c[n] == v if v else false() for n, v in self.filters.items() if n in names]

    def metrics(self, session: Session, group: str | None) -> dict[Any, dict[str, Any]]:
        """Every metric per group key (key None for the totals)."""
        counts = self.handoff_counts(session, group)
        timings = self.timings(session, group)
        talks = self.conversation_counts(session, group)
        talking = self.conversations_apply(group)
        sent = self.delivery_counts(session, group)
        sending = self.deliveries_apply(group)
        keys = set(counts) | set(talks) | set(sent) | ({None} if group is None else set())
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

    def _parts(self, raw: Select | None, rollup: Select | None) -> list[Select]:
        """The parts a range has: rows of its partial days, roll-ups of its whole days."""
        return [q for q, needed in ((raw, self.span.edges), (rollup, self.span.first)) if needed]

    def handoff_counts(self, session: Session, group: str | None) -> dict[Any, dict[str, int]]:
        """Volume, closed, correct routes and qualifications, won, SLA and after-hours counts."""
        closed = H.status == "closed"
        accepted = H.accepted_at.is_not(None)
        columns = {
            "handoffs": func.count(),
            "closed": _count(closed),
            "route_ok": _count(and_(closed, H.reassignments == 0, H.outcome != "wrong_route")),
            "qualified_ok": _count(and_(closed, H.outcome != "not_qualified")),
            "won": _count(H.outcome == "won"),
            "sla_due": _count(accepted | closed),
            "after_hours": _count(H.after_hours.is_(True)),
            "hours_known": func.count(H.after_hours),
            "sla_hit": _count(and_(accepted, H.accept_business_seconds <= (self.sla or 0))),
        }
        key, rkey = self.handoff_key(group), self.rollup_key(group, RH)
        raw = _keyed(key, columns).where(*self.edge_where())
        rolled = {n: func.sum(RH[n]) for n in HANDOFF_COUNTS} | {"sla_hit": literal(0)}
        rollup = _keyed(rkey, rolled).where(*self.rollup_where(RH))
        out = _added(session, self._parts(grouped(raw, key), grouped(rollup, rkey)), columns,
                     group is not None)  # fmt: skip
        if self.sla and self.span.first:
            for k, hits in self.sla_hits(session, group).items():
                out.setdefault(k, dict.fromkeys(columns, 0))["sla_hit"] += hits
        return out

    def histogram_dim(self, group: str | None) -> str | None:
        """The histograms' dimension that answers this group and these filters ("": all
        handoffs), or None when they cannot."""
        dims = set(self.filters) | ({group} & set(DIMS))
        if not set(self.filters) <= set(DIMS) or len(dims) > 1:
            return None
        return next(iter(dims), "")

    def histogram_where(self, dim: str) -> list[ColumnElement]:
        """Histogram rows of the whole days for this dimension and filter."""
        where = [RT.dim == dim, self.span.in_days(RT.day)]
        if dim in self.filters:
            where.append(RT.value == self.filters[dim] if self.filters[dim] else false())
        return where

    def sla_hits(self, session: Session, group: str | None) -> dict[Any, int]:
        """Handoffs of the whole days accepted within the SLA (in business seconds), per key:
        the histogram's buckets below the SLA's, plus the rows in the SLA's bucket up to it."""
        key, dim = self.handoff_key(group), self.histogram_dim(group)
        whole = [self.span.in_whole_days(H.created_at), *self.handoff_where()[2:]]
        ok = H.accept_business_seconds <= self.sla
        if dim is None:
            raw = _keyed(key, {"hits": _count(and_(H.accepted_at.is_not(None), ok))})
            parts = [grouped(raw.where(*whole), key)]
            return {k: v["hits"] for k, v in _added(session, parts, ["hits"], bool(group)).items()}
        bucket = bucket_index(self.sla)
        rkey = self.rollup_key(group, RT)
        below = sum((RT[f"b{i}"] for i in range(bucket)), literal(0))
        hist = _keyed(rkey, {"hits": func.sum(below)})
        hist = hist.where(*self.histogram_where(dim), RT.measure == "accept_business")
        rows = _keyed(key, {"hits": func.count()})
        rows = rows.where(*whole, H.accept_business_seconds >= ceil(BOUNDS[bucket]), ok)  # ints
        parts = [grouped(hist, rkey), grouped(rows, key)]
        return {k: v["hits"] for k, v in _added(session, parts, ["hits"], bool(group)).items()}

    def timings(self, session: Session, group: str | None) -> dict[str, dict[Any, dict]]:
        """Count, median and p90 (seconds) of each timing, per group key."""
        dim = self.histogram_dim(group)
        if dim is None:
            key = self.handoff_key(group)
            return percentiles(session, self.dialect, key, VALUES, self.handoff_where())
        found = {name: Quantiles(c) for name, c in self.bucket_counts(session, group, dim).items()}
        scanned = max(sum(q.sizes.values()) for q in found.values())
        if scanned <= EXACT_LIMIT and sum(q.picked() for q in found.values()) <= PICK_LIMIT:
            return self.exact(session, group, found)
        return {name: q.estimated() for name, q in found.items()}

    def bucket_counts(self, session: Session, group: str | None, dim: str) -> dict[str, dict]:
        """Per timing, per group key: how many of its durations fall in each bucket."""
        counts: dict[str, dict[Any, list[int]]] = {name: {} for name in TIMINGS}
        if self.span.first:
            rkey = self.rollup_key(group, RT)
            sums = [func.sum(RT[f"b{i}"]) for i in range(HISTOGRAM_BUCKETS)]
            query = select(key_column(rkey), RT.measure, *sums).where(*self.histogram_where(dim))
            query = grouped(query, rkey).group_by(RT.measure)
            names = {measure: name for name, measure in TIMINGS.items()}
            for k, measure, *buckets in session.execute(query):
                counts[names[measure]][k] = [int(n or 0) for n in buckets]
        if self.span.edges:
            key = self.handoff_key(group)
            parts = [
                grouped(select(key_column(key), literal(name).label("m"),
                               _bucket(name).label("b"), func.count().label("n"))
                        .where(*self.edge_where(), value.is_not(None)), key).group_by("b")
                for name, value in VALUES.items()
            ]  # fmt: skip
            for k, name, b, n in session.execute(union_all(*parts)):
                counts[name].setdefault(k, [0] * HISTOGRAM_BUCKETS)[b] += n
        return {name: {k: c for k, c in by.items() if sum(c)} for name, by in counts.items()}

    def exact(self, session: Session, group: str | None, found: dict[str, Quantiles]) -> dict:
        """Each quantile's value read from the rows in the buckets it falls in: one scan of the
        range keeps the handoffs with a duration in such a bucket (of any group), then each
        group's durations in its own quantiles' buckets are ranked."""
        wanted, chosen, runs = {}, [], {}
        for name, q in found.items():
            for (key, offset), rank in q.wanted().items():
                wanted[_tag(key, name, offset)] = name, key, rank
            chosen += [_tag(k, name, b) for k, bs in q.buckets().items() for b in bs]
            runs[name] = q.runs()
        values: dict[str, dict[Any, dict[int, float]]] = {name: {} for name in TIMINGS}
        runs = {name: r for name, r in runs.items() if r}
        if runs:
            k = func.coalesce(key_column(self.handoff_key(group)), "", type_=String())
            x = {name: cast(VALUES[name], Float) for name in runs}
            inside = {name: or_(*(in_bucket_run(x[name], a, b) for a, b in r))
                      for name, r in runs.items()}  # fmt: skip
            picked = select(k.label("k"), *(v.label(name) for name, v in x.items()))
            picked = picked.where(*self.handoff_where(), or_(*inside.values()))
            picked = picked.cte("picked").prefix_with("MATERIALIZED")
            u = union_all(*(
                select(picked.c.k, literal(name).label("m"), picked.c[name].label("x"),
                       bucket_among(picked.c[name], [b for a, z in r for b in range(a, z + 1)])
                       .label("b"))
                .where(or_(*(in_bucket_run(picked.c[name], a, b) for a, b in r)))
                for name, r in runs.items()
            )).subquery("u")  # fmt: skip
            mine = select(u.c.k, u.c.m, u.c.x).where(_sql_tag(u.c.k, u.c.m, u.c.b).in_(chosen))
            mine = mine.subquery("mine")
            offset = func.row_number().over(partition_by=(mine.c.k, mine.c.m), order_by=mine.c.x)
            r = select(mine.c.k, mine.c.m, (offset - 1).label("j"), mine.c.x).subquery("r")
            tag = _sql_tag(r.c.k, r.c.m, r.c.j)
            for tag_, value in session.execute(select(tag, r.c.x).where(tag.in_(list(wanted)))):
                name, key, rank = wanted[tag_]
                values[name].setdefault(key, {})[rank] = value
        return {
            name: {key: quantiles(n, values[name].get(key, {})) for key, n in q.sizes.items()}
            for name, q in found.items()
        }

    def conversations_apply(self, group: str | None) -> bool:
        """Whether conversation figures make sense (no filter or group a conversation lacks)."""
        return set(self.filters) <= {"segment"} and group not in ("route", "team", "rep")

    def conversation_counts(self, session: Session, group: str | None) -> dict[Any, dict]:
        """Conversations, those that ever qualified, and those handed off, per group key."""
        if not self.conversations_apply(group):
            return {}
        keys = {"day": day_key(C.created_at, self.dialect),
                "week": week_key(C.created_at, self.dialect), "segment": C.segment}  # fmt: skip
        key, rkey = keys.get(group), self.rollup_key(group, RC)
        raw = _keyed(key, {"conversations": func.count(),
                           "qualified": _count(C.qualified.is_(True)),
                           "handed_off": func.count(C.handoff_id)})  # fmt: skip
        raw = raw.where(self.span.in_edges(C.created_at))
        if "segment" in self.filters:
            raw = raw.where(C.segment == self.filters["segment"])
        names = ("conversations", "qualified", "handed_off")
        rollup = _keyed(rkey, {n: func.sum(RC[n]) for n in names})
        rollup = rollup.where(*self.rollup_where(RC, ("segment",)))
        return _added(session, self._parts(grouped(raw, key), grouped(rollup, rkey)), names,
                      group is not None)  # fmt: skip

    def deliveries_apply(self, group: str | None) -> bool:
        """Whether delivery figures make sense: no filter, and no group a delivery lacks."""
        return not self.filters and group in (None, "day", "week")

    def delivery_counts(self, session: Session, group: str | None) -> dict[Any, dict[str, int]]:
        """Settled deliveries (delivered or parked) whose last attempt was due in range, per key."""
        if not self.deliveries_apply(group):
            return {}
        keys = {"day": day_key(DL.due_at, self.dialect), "week": week_key(DL.due_at, self.dialect)}
        key, rkey = keys.get(group), self.rollup_key(group, RD)
        raw = _keyed(key, {"settled": func.count(), "delivered": _count(DL.status == "delivered")})
        raw = raw.where(DL.status.in_(SETTLED), self.span.in_edges(DL.due_at))
        rollup = _keyed(
            rkey, {"settled": func.sum(RD.settled), "delivered": func.sum(RD.delivered)}
        )
        rollup = rollup.where(self.span.in_days(RD.day))
        return _added(session, self._parts(grouped(raw, key), grouped(rollup, rkey)),
                      ("settled", "delivered"), group is not None)  # fmt: skip

    def conversion(self, session: Session, dim: str) -> list[dict[str, Any]]:
        """Closed handoffs, those won, and the rate, per value of `dim`, most closed first."""
        raw = _keyed(H[dim], {"closed": func.count(), "won": _count(H.outcome == "won")})
        raw = raw.where(*self.edge_where(), H.status == "closed").group_by(H[dim])
        rkey = self.rollup_key(dim, RH)
        rollup = _keyed(rkey, {"closed": func.sum(RH.closed), "won": func.sum(RH.won)})
        rollup = rollup.where(*self.rollup_where(RH)).group_by(rkey)
        rows = _added(session, self._parts(raw, rollup), ("closed", "won"), True)
        out = [
            {"key": k, "closed": r["closed"], "won": r["won"],
             "conversion": _rate(r["won"], r["closed"])}
            for k, r in rows.items() if r["closed"]
        ]  # fmt: skip
        return sorted(out, key=lambda r: (-r["closed"], str(r["key"])))


def _tag(key: Any, name: str, number: int) -> str:
    """A group key, timing and number as one string (as _sql_tag writes it)."""
    return f"{'' if key is None else key}|{name}|{number}"


def _sql_tag(key: ColumnElement, name: ColumnElement, number: ColumnElement) -> ColumnElement:
    """The SQL of _tag (the key already '' for none): one string is one IN list's test."""
    return key + "|" + name + "|" + cast(number, String)


@cache
def _bucket(name: str) -> ColumnElement:
    """A timing's bucket (built once: its CASE tree is large)."""
    return bucket_of(cast(VALUES[name], Float))


def _count(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _keyed(key: ColumnElement | None, columns: dict[str, ColumnElement]) -> Select:
    """SELECT the key as `k` and each named column."""
    return select(key_column(key), *(c.label(n) for n, c in columns.items()))


def _added(session: Session, parts: list[Select], names, grouped_: bool) -> dict[Any, dict]:
    """Sum each named column of the parts per key `k` (with a group: keys whose first sum is
    not 0)."""
    if not parts:
        return {}
    u = union_all(*parts).subquery("u")
    key = u.c.k if grouped_ else key_column(None)
    query = select(key, *(func.sum(u.c[n]).label(n) for n in names))
    if grouped_:  # a roll-up row whose rows all moved away is no group
        query = query.group_by(u.c.k).having(func.sum(u.c[next(iter(names))]) != 0)
    return {r.k: {n: int(r._mapping[n] or 0) for n in names} for r in session.execute(query)}
