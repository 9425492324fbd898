"""The roll-ups that migration 0007's triggers keep answer as the rows do, however rows change.

`from_rows` makes a report read every row (no whole day from the roll-ups, percentiles by
percentile_cont or ROW_NUMBER over the range): the oracle the roll-up answers must equal.
"""

from __future__ import annotations

import importlib
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from handoff import metrics
from handoff.db import metrics_sql
from handoff.db.metrics_sql import BOUNDS, RATIO, Span, bucket_index, bucket_of
from handoff.db.migrate import alembic_config, upgrade
from handoff.db.models import Conversation, Decision, Handoff, metric_timing_days
from handoff.db.outbox_models import DeliveryRow
from handoff.metrics import report
from metrics.conftest import _at, seed
from metrics.test_metrics import SINCE, UNTIL

MIGRATION = importlib.import_module(
    "handoff.db.migrations.versions.2026_11_25_0007_metrics_rollups"
)
TRIGGERS = sorted(MIGRATION.triggers(MIGRATION.Sql("sqlite")))
H = Handoff.__table__.c
CASES = [  # since, until, group, filters
    (SINCE, UNTIL, None, {}),
    (SINCE, UNTIL, "day", {}),
    (SINCE, UNTIL, "week", {"segment": "smb"}),
    (SINCE + timedelta(hours=15, minutes=30), UNTIL + timedelta(days=2, hours=1), "rep", {}),
    (SINCE - timedelta(hours=3), UNTIL - timedelta(hours=20), "segment", {}),
    (SINCE + timedelta(days=1, hours=2), SINCE + timedelta(days=1, hours=20), None, {}),
    (SINCE, UNTIL + timedelta(days=3), "team", {"rep": "ana"}),
    (SINCE, UNTIL, "day", {"team": "sales"}),
    (SINCE, UNTIL, "rep", {"priority": "normal"}),
]


def from_rows(monkeypatch) -> None:
    """Make every report read the rows only."""
    monkeypatch.setattr(metrics, "span", lambda a, b: Span(a.astimezone(UTC), b, None, None))
    monkeypatch.setattr(metrics.Scope, "histogram_dim", lambda self, group: None)


def answers(session: Session) -> list[dict]:
    """Each case's report."""
    return [
        report(session, since=a, until=b, group=g, filters=f, sla_seconds=600)
        for a, b, g, f in CASES
    ]


def change_everything(session: Session) -> None:
    """Accept, reassign, respond, close, move, delete: every change the triggers watch."""
    at = datetime(2026, 3, 5, 15, tzinfo=UTC)
    hid = {cid: hid for hid, cid in session.execute(select(H.id, H.conversation_id))}
    session.execute(
        update(Handoff).where(H.id == hid["c6"]).values(
            status="accepted", rep="tom", accepted_at=at + timedelta(seconds=90),
            accept_seconds=90.0, accept_business_seconds=90)
    )  # fmt: skip
    session.execute(
        update(Handoff).where(H.id == hid["c5"]).values(
            status="offered", rep="ana", reassignments=1, accepted_at=None, accept_seconds=None,
            accept_business_seconds=None, first_response_at=_at("2026-03-04T15:01:17.5"),
            response_seconds=77.5, response_business_seconds=70)
    )  # fmt: skip
    session.execute(update(Handoff).where(H.id == hid["c2"]).values(outcome="won"))
    moved = _at("2026-03-06T12:00:00")  # c7 a day earlier, its durations the same
    session.execute(
        update(Handoff).where(H.id == hid["c7"]).values(
            created_at=moved, accepted_at=moved + timedelta(seconds=7200),
            first_response_at=moved + timedelta(seconds=7260))
    )  # fmt: skip
    session.execute(update(Handoff).where(H.id == hid["c1"]).values(team="sales", route="default"))
    session.execute(delete(Handoff).where(H.id == hid["c3"]))
    session.execute(
        update(Conversation).where(Conversation.id == "c9").values(segment="smb", qualified=True)
    )
    session.execute(update(Conversation).where(Conversation.id == "c2").values(handoff_id=None))
    session.execute(delete(Decision).where(Decision.conversation_id == "c8"))
    session.execute(delete(Conversation).where(Conversation.id == "c8"))
    deliveries = DeliveryRow.__table__.c
    session.execute(
        update(DeliveryRow).where(deliveries.key.like("%:lead:crm"), deliveries.status == "pending")
        .values(status="delivered")
    )  # fmt: skip
    session.execute(
        update(DeliveryRow).where(deliveries.status == "dead")
        .values(due_at=datetime(2026, 3, 6, 9, tzinfo=UTC))
    )  # fmt: skip
    session.execute(delete(DeliveryRow).where(deliveries.key.like("%:lead:slack")))


def test_the_week_as_the_rows_answer(week, monkeypatch):
    rolled = answers(week)
    from_rows(monkeypatch)
    assert answers(week) == rolled


def test_every_change_is_rolled_up(week, monkeypatch):
    with week.begin():
        change_everything(week)
    rolled = answers(week)
    from_rows(monkeypatch)
    assert answers(week) == rolled
    assert rolled[0]["totals"]["handoffs"] == 6 and rolled[0]["totals"]["conversations"] == 8


def test_removing_every_row_leaves_empty_rollups(week):
    with week.begin():
        for table in (DeliveryRow, Handoff, Decision, Conversation):
            week.execute(delete(table))
    for table in ("metric_handoff_days", "metric_conversation_days", "metric_delivery_days"):
        assert week.execute(text(f"SELECT count(*) FROM {table} WHERE {_nonzero(table)}")).scalar() == 0  # fmt: skip
    assert week.execute(select(func.count()).where(metric_timing_days.c.n != 0)).scalar() == 0


def _nonzero(table: str) -> str:
    first = {"metric_handoff_days": "handoffs", "metric_conversation_days": "conversations",
             "metric_delivery_days": "settled"}[table]  # fmt: skip
    return f"{first} <> 0"


def test_the_triggers_are_there(engine):
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            names = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        else:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        assert sorted(n for (n,) in names if n.startswith("metric_")) == TRIGGERS


def test_the_migration_backfills_the_same_figures(empty_store_url):
    from alembic import command

    from handoff.db.engine import make_engine

    engine = make_engine(empty_store_url)
    upgrade(engine)
    with Session(engine) as session:
        with session.begin():
            seed(session)
            change_everything(session)
        before = answers(session)
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")  # drops the roll-ups and the stored seconds
    upgrade(engine)
    with Session(engine) as session:
        assert answers(session) == before
    engine.dispose()


def test_buckets_are_found_alike_in_sql_and_python(engine):
    assert MIGRATION.bounds() == BOUNDS
    values = [-3.0, 0.0, 0.5, 1.0, 1.5, 59.0, 600.0, 86400.0, 9.9e6, 1e7, 1e9]
    values += [b for b in BOUNDS[1:]] + [b * (1 - 1e-12) for b in BOUNDS[2:]]
    with engine.connect() as conn:
        for v in values:
            assert conn.execute(select(bucket_of(literal(v)))).scalar() == bucket_index(v), v
        assert RATIO - 1 < 0.066


def test_long_ranges_estimate_within_the_bound(week, monkeypatch):
    exact = [report(week, since=SINCE, until=UNTIL, group=g, sla_seconds=600)
             for g in (None, "day", "rep")]  # fmt: skip
    monkeypatch.setattr(metrics, "EXACT_LIMIT", 0)
    estimated = [report(week, since=SINCE, until=UNTIL, group=g, sla_seconds=600)
                 for g in (None, "day", "rep")]  # fmt: skip
    for e, a in zip(exact, estimated, strict=True):
        _within_bound(e, a)
    assert estimated[0]["totals"]["time_to_accept"] != exact[0]["totals"]["time_to_accept"]


def _within_bound(exact: dict, estimated: dict) -> None:
    pairs = [(exact["totals"], estimated["totals"])]
    pairs += list(zip(exact.get("groups", []), estimated.get("groups", []), strict=True))
    for e, a in pairs:
        assert {k: v for k, v in e.items() if k not in metrics.TIMINGS} == {
            k: v for k, v in a.items() if k not in metrics.TIMINGS
        }
        for name in metrics.TIMINGS:
            assert e[name]["count"] == a[name]["count"]
            for q in ("median", "p90"):
                x, y = e[name][q], a[name][q]
                assert (x is None) == (y is None)
                if x is not None:
                    assert abs(y - x) <= (RATIO - 1) * x + 1, (name, q)  # docs/metrics.md


@pytest.fixture
def many(engine) -> Session:
    """A store with 600 handoffs over 20 days, durations spread from 0 to 30 days."""
    rng = random.Random(7)
    with Session(engine) as session:
        with session.begin():
            seed(session)  # the policy version and the hand-made week, then more
            for i in range(600):
                at = SINCE + timedelta(days=rng.uniform(0, 20))
                cid = f"r{i}"
                session.execute(insert(Conversation), [{
                    "id": cid, "state": {}, "event_count": 1, "created_at": at,
                    "updated_at": at, "segment": rng.choice(["smb", "enterprise"]),
                    "qualified": True}])  # fmt: skip
                session.execute(insert(Decision), [{
                    "id": 10_000 + i, "conversation_id": cid, "event_seq": 0, "action": "handoff",
                    "policy_version": 1, "body": {}, "created_at": at}])  # fmt: skip
                wall = rng.choice([0.0, 0.4, 3.0]) if i % 9 == 0 else 10 ** rng.uniform(0, 6.4)
                business = int(wall * rng.uniform(0, 1))
                accepted = i % 7 != 0
                session.execute(insert(Handoff), [{
                    "id": 1000 + i, "conversation_id": cid, "decision_id": 10_000 + i,
                    "status": "accepted" if accepted else "offered", "mode": "live",
                    "team": rng.choice(["sales", "emea"]), "rep": rng.choice(["ana", "tom", None]),
                    "priority": "normal", "route": "default", "reassignments": 0, "log": [],
                    "created_at": at, "segment": "smb", "rule": "qualified", "after_hours": False,
                    "accepted_at": at + timedelta(seconds=wall) if accepted else None,
                    "accept_seconds": wall if accepted else None,
                    "accept_business_seconds": business if accepted else None,
                    "first_response_at": at + timedelta(seconds=wall * 2) if accepted else None,
                    "response_seconds": wall * 2 if accepted else None,
                    "response_business_seconds": business * 2 if accepted else None}])  # fmt: skip
        yield session


def test_many_durations_exact_and_estimated(many, monkeypatch):
    cases = [(SINCE, SINCE + timedelta(days=21), g) for g in (None, "day", "rep", "team")]
    cases.append((SINCE + timedelta(hours=7), SINCE + timedelta(days=19, hours=5), "week"))
    exact = [report(many, since=a, until=b, group=g, sla_seconds=300) for a, b, g in cases]
    monkeypatch.setattr(metrics, "EXACT_LIMIT", 0)
    for e, (a, b, g) in zip(exact, cases, strict=True):
        _within_bound(e, report(many, since=a, until=b, group=g, sla_seconds=300))
    from_rows(monkeypatch)
    assert [report(many, since=a, until=b, group=g, sla_seconds=300) for a, b, g in cases] == exact


@pytest.mark.parametrize("sla", [0, 1, 59, 60, 300, 570, 571, 10**7, 10**8])
def test_sla_hits_at_every_kind_of_boundary(many, monkeypatch, sla):
    got = [report(many, since=SINCE, until=SINCE + timedelta(days=21), group=g, sla_seconds=sla)
           for g in (None, "rep")]  # fmt: skip
    from_rows(monkeypatch)
    want = [report(many, since=SINCE, until=SINCE + timedelta(days=21), group=g, sla_seconds=sla)
            for g in (None, "rep")]  # fmt: skip
    assert got == want


def test_quantiles_find_buckets_and_ranks():
    counts = [0] * len(BOUNDS)
    counts[3], counts[7], counts[8] = 2, 5, 3  # 10 durations: ranks 0-1, 2-6, 7-9
    q = metrics_sql.Quantiles({"k": counts})
    assert q.at["k"] == {4: (7, 2), 5: (7, 3), 8: (8, 1), 9: (8, 2)}
    assert q.buckets() == {"k": [7, 8]} and q.runs() == [(7, 8)] and q.picked() == 8
    assert q.wanted() == {("k", 2): 4, ("k", 3): 5, ("k", 6): 8, ("k", 7): 9}
    (estimated,) = q.estimated().values()
    assert estimated["count"] == 10
    assert BOUNDS[7] < estimated["median"] < BOUNDS[8] < estimated["p90"] < BOUNDS[9]
