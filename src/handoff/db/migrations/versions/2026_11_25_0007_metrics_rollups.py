"""Metrics roll-ups: per-day counts and duration histograms, kept by triggers, backfilled here.

Handoffs also keep their wall-clock seconds to accept and to first response (`accept_seconds`,
`response_seconds`, written with the event, backfilled here from the timestamps).
Triggers on handoffs, conversations and deliveries add each row's contribution to its day's
roll-up rows in the writing transaction (on PostgreSQL at commit, as deferred constraint
triggers, so the roll-up rows stay locked only while committing) and take back the old one
when a counted column changes or the row is deleted (docs/metrics.md). A later migration that
rebuilds one of these tables on SQLite (batch mode) must create its triggers again.

Revision ID: 0007
Revises: 0005, 0002 (merges in the outbox branch: deliveries are counted too)
Create Date: 2026-11-25 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = ("0005", "0002")  # after 0005, merging in the outbox: deliveries are counted
branch_labels = None
depends_on = None

BUCKETS = 256  # as handoff.db.models.HISTOGRAM_BUCKETS
TOP = 1e7  # the last bucket holds durations from 10^7 s (116 days) up
BOTTOM = -1e300  # bucket 0 holds durations under 1 s
DIMS = ("segment", "route", "team", "rep")
HANDOFF_KEYS = ("segment", "route", "team", "rep", "priority", "rule", "mode")
HANDOFF_COUNTS = {
    "handoffs": "true",
    "closed": "{r}.status = 'closed'",
    "route_ok": "{r}.status = 'closed' AND {r}.reassignments = 0 AND {r}.outcome <> 'wrong_route'",
    "qualified_ok": "{r}.status = 'closed' AND {r}.outcome <> 'not_qualified'",
    "won": "{r}.outcome = 'won'",
    "sla_due": "{r}.accepted_at IS NOT NULL OR {r}.status = 'closed'",
    "after_hours": "{r}.after_hours IS TRUE",
    "hours_known": "{r}.after_hours IS NOT NULL",
}
CONVERSATION_COUNTS = {
    "conversations": "true",
    "qualified": "{r}.qualified IS TRUE",
    "handed_off": "{r}.handoff_id IS NOT NULL",
}
DELIVERY_COUNTS = {"settled": "true", "delivered": "{r}.status = 'delivered'"}
SETTLED = "{r}.status IN ('delivered', 'dead')"
MEASURES = {  # each timing's column
    "accept": "accept_seconds",
    "accept_business": "accept_business_seconds",
    "response": "response_seconds",
    "response_business": "response_business_seconds",
}
TIMING_KEYS = ("created_at", *DIMS)
SHARED = ["created_at", "status", "outcome", "reassignments", "after_hours",
          "accept_business_seconds", "response_business_seconds"]  # fmt: skip
DIMENSIONS = ["segment", "rule", "route", "team", "rep"]
OLD_COVERING = [*SHARED, "accepted_at", "first_response_at", *DIMENSIONS]  # ix_handoffs_metrics
COVERING = [*SHARED, "accept_seconds", "response_seconds", "accepted_at", *DIMENSIONS]


def bounds() -> list[float]:
    """Each bucket's lower bound: under 1 s, then ratios of TOP^(1/(BUCKETS-2)) from 1 s."""
    ratio = TOP ** (1 / (BUCKETS - 2))
    return [BOTTOM] + [ratio**i for i in range(BUCKETS - 1)]


def bucket(v: str, lo: int = 0, hi: int = BUCKETS) -> str:
    """The bucket of the FLOAT `v` among [lo, hi): a binary search written as nested CASEs
    (as handoff.db.metrics_sql.bucket_of, with the same literals)."""
    if hi - lo == 1:
        return str(lo)
    mid = (lo + hi) // 2
    return (f"CASE WHEN {v} < {bounds()[mid]!r} THEN {bucket(v, lo, mid)} "
            f"ELSE {bucket(v, mid, hi)} END")  # fmt: skip


class Sql:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def day(self, column: str) -> str:
        """The UTC day of a stored time."""
        return f"CAST(timezone('UTC', {column}) AS date)" if self.pg else f"substr({column}, 1, 10)"

    def seconds(self, end: str) -> str:
        """Exact seconds from a handoff's creation to `end` (SQLite keeps times as UTC text
        "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds, then the fractions)."""
        if self.pg:
            return f"CAST(EXTRACT(EPOCH FROM {end} - created_at) AS FLOAT)"
        whole = f"strftime('%s', {end}) - strftime('%s', created_at)"
        return (
            f"({whole}) + (CAST(substr({end}, 20) AS REAL) - CAST(substr(created_at, 20) AS REAL))"
        )

    @property
    def fence(self) -> str:
        """What keeps a subquery from being merged into its outer query (which would copy the
        bucket's CASE tree into each of the 256 bucket sums)."""
        return "OFFSET 0" if self.pg else "LIMIT -1"

    def changed(self, columns) -> str:
        """Whether any of the columns differs between OLD and NEW (NULL-safe)."""
        op_ = "IS DISTINCT FROM" if self.pg else "IS NOT"
        return "(" + " OR ".join(f"OLD.{c} {op_} NEW.{c}" for c in columns) + ")"


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def upsert(table: str, keys, aggregates: dict[str, str], source: str, guard: bool) -> str:
    """Add the grouped deltas of `source` (aliased d) to `table`; `guard`: existing rows only.

    The rows are written in key order: two such statements never lock them in opposite orders.
    """
    positions = ", ".join(str(i) for i in range(1, len(keys) + 1))
    names = [name for name, _ in keys]
    select = ", ".join([f"{expr} AS {name}" for name, expr in keys]
                       + [f"{expr} AS {name}" for name, expr in aggregates.items()])  # fmt: skip
    having = ""
    if guard:
        match = " AND ".join(f"t.{name} = {expr}" for name, expr in keys)
        having = f" HAVING EXISTS (SELECT 1 FROM {table} t WHERE {match})"
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in aggregates)
    return (
        f"INSERT INTO {table} ({', '.join(names + list(aggregates))}) "
        f"SELECT {select} FROM {source} WHERE true GROUP BY {positions}{having} "
        f"ORDER BY {positions} ON CONFLICT ({', '.join(names)}) DO UPDATE SET {adds}"
    )


def _union(selects: list[str]) -> str:
    return "(" + " UNION ALL ".join(selects) + ") AS d"


def counts_row(r: str, sign: int, keys: dict[str, str], counts: dict[str, str],
               where: str = "") -> str:  # fmt: skip
    """One SELECT of a row's keys and its signed counts (r: NEW or OLD)."""
    cols = [f"{expr.format(r=r)} AS {name}" for name, expr in keys.items()]
    cols += [f"{sign} * {_flag(cond.format(r=r))} AS {name}" for name, cond in counts.items()]
    return f"SELECT {', '.join(cols)}" + (f" WHERE {where.format(r=r)}" if where else "")


def counts_upsert(
    table: str, keys: dict[str, str], counts: dict, rows: list, where: str = "", guard: bool = False
) -> str:
    """The upsert of a trigger on a counted table: rows are (NEW|OLD, +1|-1)."""
    source = _union([counts_row(r, sign, keys, counts, where) for r, sign in rows])
    return upsert(table, [(k, f"d.{k}") for k in keys],
                  {c: f"sum(d.{c})" for c in counts}, source, guard)  # fmt: skip


def handoff_keys(sql: Sql) -> dict[str, str]:
    """The handoff roll-up's key expressions, for {r} NEW or OLD."""
    return {"day": sql.day("{r}.created_at"),
            **{k: f"coalesce({{r}}.{k}, '')" for k in HANDOFF_KEYS}}  # fmt: skip


def conversation_keys(sql: Sql) -> dict[str, str]:
    """The conversation roll-up's key expressions."""
    return {"day": sql.day("{r}.created_at"), "segment": "coalesce({r}.segment, '')"}


def delivery_keys(sql: Sql) -> dict[str, str]:
    """The delivery roll-up's key expression."""
    return {"day": sql.day("{r}.due_at")}


def _with_dims(rows: str) -> str:
    """Rows (dim, day, value, measure, s, k), aliased d: each of `rows` (day, the dimensions,
    measure, weight s, bucket k) once for all handoffs (dim "") and once per dimension."""
    value = "CASE x.dim " + " ".join(f"WHEN '{d}' THEN r.{d}" for d in DIMS) + " ELSE '' END"
    dims = " UNION ALL ".join(f"SELECT '{d}' AS dim" for d in ("", *DIMS))
    return (f"(SELECT x.dim, r.day, {value} AS value, r.measure, r.s, r.k "
            f"FROM {rows} AS r CROSS JOIN ({dims}) AS x) AS d")  # fmt: skip


def timing_source(sql: Sql, rows: list[str]) -> str:
    """The bucketed, signed timings of `rows`, once per dimension."""
    return _with_dims(f"(SELECT t.*, {bucket('t.v')} AS k FROM ({' UNION ALL '.join(rows)}) AS t "
                      f"WHERE t.v IS NOT NULL {sql.fence})")  # fmt: skip


def timing_row(sql: Sql, r: str, sign: int, name: str, where: str = "") -> str:
    """One SELECT of a handoff's timing `name` (r: NEW or OLD) with its keys and sign."""
    dims = ", ".join(f"coalesce({r}.{d}, '') AS {d}" for d in DIMS)
    return (f"SELECT {sign} AS s, {sql.day(f'{r}.created_at')} AS day, {dims}, "
            f"'{name}' AS measure, CAST({r}.{MEASURES[name]} AS FLOAT) AS v"
            + (f" WHERE {where}" if where else ""))  # fmt: skip


def timing_upsert(source: str, guard: bool = False) -> str:
    """Add the signed bucket counts of `source` (from _with_dims) to metric_timing_days."""
    keys = [(k, f"d.{k}") for k in ("dim", "day", "value", "measure")]
    sums = {"n": "sum(d.s)"}
    sums |= {f"b{i}": f"sum(CASE WHEN d.k = {i} THEN d.s ELSE 0 END)" for i in range(BUCKETS)}
    return upsert("metric_timing_days", keys, sums, source, guard)


def triggers(sql: Sql) -> dict[str, tuple[str, str, str, str]]:
    """Each trigger: name -> (table, event, WHEN condition, statement)."""
    h_keys, c_keys, d_keys = handoff_keys(sql), conversation_keys(sql), delivery_keys(sql)
    h_counted = ["created_at", *HANDOFF_KEYS, "status", "outcome", "reassignments",
                 "accepted_at", "after_hours"]  # fmt: skip
    c_counted = ["created_at", "segment", "qualified", "handoff_id"]
    timed = list(MEASURES.values())
    any_time = "({r}." + " IS NOT NULL OR {r}.".join(timed) + " IS NOT NULL)"

    def timing(rows: list[tuple[str, int]], only_changed: bool) -> list[str]:
        out = []
        for r, sign in rows:
            for name, column in MEASURES.items():
                where = sql.changed([*TIMING_KEYS, column]) if only_changed else ""
                out.append(timing_row(sql, r, sign, name, where))
        return out

    both = [("OLD", -1), ("NEW", 1)]
    settled_any = f"({SETTLED.format(r='OLD')} OR {SETTLED.format(r='NEW')})"
    return {
        "metric_handoffs_ins": ("handoffs", "INSERT", "true",
            counts_upsert("metric_handoff_days", h_keys, HANDOFF_COUNTS, [("NEW", 1)])),
        "metric_handoffs_upd": ("handoffs", "UPDATE", sql.changed(h_counted),
            counts_upsert("metric_handoff_days", h_keys, HANDOFF_COUNTS, both)),
        "metric_handoffs_del": ("handoffs", "DELETE", "true",
            counts_upsert("metric_handoff_days", h_keys, HANDOFF_COUNTS, [("OLD", -1)],
                          guard=True)),
        "metric_timings_ins": ("handoffs", "INSERT", any_time.format(r="NEW"),
            timing_upsert(timing_source(sql, timing([("NEW", 1)], False)))),
        "metric_timings_upd": ("handoffs", "UPDATE", sql.changed([*TIMING_KEYS, *timed]),
            timing_upsert(timing_source(sql, timing(both, True)))),
        "metric_timings_del": ("handoffs", "DELETE", any_time.format(r="OLD"),
            timing_upsert(timing_source(sql, timing([("OLD", -1)], False)), guard=True)),
        "metric_conversations_ins": ("conversations", "INSERT", "true",
            counts_upsert("metric_conversation_days", c_keys, CONVERSATION_COUNTS,
                          [("NEW", 1)])),
        "metric_conversations_upd": ("conversations", "UPDATE", sql.changed(c_counted),
            counts_upsert("metric_conversation_days", c_keys, CONVERSATION_COUNTS, both)),
        "metric_conversations_del": ("conversations", "DELETE", "true",
            counts_upsert("metric_conversation_days", c_keys, CONVERSATION_COUNTS,
                          [("OLD", -1)], guard=True)),
        "metric_deliveries_ins": ("deliveries", "INSERT", SETTLED.format(r="NEW"),
            counts_upsert("metric_delivery_days", d_keys, DELIVERY_COUNTS, [("NEW", 1)])),
        "metric_deliveries_upd": ("deliveries", "UPDATE",
            f"{sql.changed(['status', 'due_at'])} AND {settled_any}",
            counts_upsert("metric_delivery_days", d_keys, DELIVERY_COUNTS, both,
                          where=SETTLED)),
        "metric_deliveries_del": ("deliveries", "DELETE", SETTLED.format(r="OLD"),
            counts_upsert("metric_delivery_days", d_keys, DELIVERY_COUNTS, [("OLD", -1)],
                          guard=True)),
    }  # fmt: skip


def create_trigger(sql: Sql, name: str, table: str, event: str, when: str, body: str) -> None:
    """A row trigger: SQLite's own, or a PostgreSQL function run by a deferred trigger."""
    if not sql.pg:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                   f"WHEN {when} BEGIN {body}; END")  # fmt: skip
        return
    op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
               f"BEGIN {body}; RETURN NULL; END $$")  # fmt: skip
    op.execute(f"CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {table} "
               f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when}) "
               f"EXECUTE FUNCTION {name}()")  # fmt: skip


def backfill(sql: Sql) -> None:
    """Fill the roll-ups from the rows already stored, one grouped INSERT each."""
    for table, keys, counts, source, where in (
        ("metric_handoff_days", handoff_keys(sql), HANDOFF_COUNTS, "handoffs", ""),
        ("metric_conversation_days", conversation_keys(sql), CONVERSATION_COUNTS,
         "conversations", ""),
        ("metric_delivery_days", delivery_keys(sql), DELIVERY_COUNTS, "deliveries", SETTLED),
    ):  # fmt: skip
        key_sql = ", ".join(f"{expr.format(r=source)} AS {k}" for k, expr in keys.items())
        sums = ", ".join(f"sum({_flag(c.format(r=source))})" for c in counts.values())
        filtered = f" WHERE {where.format(r=source)}" if where else ""
        positions = ", ".join(str(i) for i in range(1, len(keys) + 1))
        op.execute(f"INSERT INTO {table} ({', '.join([*keys, *counts])}) SELECT {key_sql}, "
                   f"{sums} FROM {source}{filtered} GROUP BY {positions}")  # fmt: skip
    rows = [
        timing_row(sql, "h", 1, name) + f" FROM handoffs h WHERE h.{column} IS NOT NULL"
        for name, column in MEASURES.items()
    ]
    counted = (f"(SELECT day, {', '.join(DIMS)}, measure, k, count(*) AS s FROM "
               f"(SELECT t.*, {bucket('t.v')} AS k FROM ({' UNION ALL '.join(rows)}) AS t) AS b "
               f"GROUP BY day, {', '.join(DIMS)}, measure, k)")  # fmt: skip
    op.execute(timing_upsert(_with_dims(counted)))


def upgrade() -> None:
    sql = Sql(op.get_bind().dialect.name)
    op.add_column("handoffs", sa.Column("accept_seconds", sa.Float(), nullable=True))
    op.add_column("handoffs", sa.Column("response_seconds", sa.Float(), nullable=True))
    op.execute(f"UPDATE handoffs SET accept_seconds = {sql.seconds('accepted_at')} "
               "WHERE accepted_at IS NOT NULL")  # fmt: skip
    op.execute(f"UPDATE handoffs SET response_seconds = {sql.seconds('first_response_at')} "
               "WHERE first_response_at IS NOT NULL")  # fmt: skip
    # a reassigned handoff is no longer accepted: its business seconds to accept go too
    op.execute("UPDATE handoffs SET accept_business_seconds = NULL "
               "WHERE accepted_at IS NULL AND accept_business_seconds IS NOT NULL")  # fmt: skip
    op.drop_index("ix_handoffs_metrics", table_name="handoffs")
    op.create_index("ix_handoffs_metrics", "handoffs", COVERING)
    op.create_index(
        "ix_handoffs_sla",
        "handoffs",
        ["accept_business_seconds", "created_at", "segment", "route", "team", "rep"],
    )
    count = sa.Integer()
    text = sa.String
    op.create_table(
        "metric_handoff_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("segment", text(100), nullable=False),
        sa.Column("route", text(100), nullable=False),
        sa.Column("team", text(100), nullable=False),
        sa.Column("rep", text(100), nullable=False),
        sa.Column("priority", text(32), nullable=False),
        sa.Column("rule", text(100), nullable=False),
        sa.Column("mode", text(32), nullable=False),
        *(sa.Column(c, count, nullable=False) for c in HANDOFF_COUNTS),
        sa.PrimaryKeyConstraint("day", *HANDOFF_KEYS, name=op.f("pk_metric_handoff_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "metric_conversation_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("segment", text(100), nullable=False),
        *(sa.Column(c, count, nullable=False) for c in CONVERSATION_COUNTS),
        sa.PrimaryKeyConstraint("day", "segment", name=op.f("pk_metric_conversation_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "metric_delivery_days",
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(c, count, nullable=False) for c in DELIVERY_COUNTS),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_metric_delivery_days")),
    )
    op.create_table(
        "metric_timing_days",
        sa.Column("dim", text(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", text(100), nullable=False),
        sa.Column("measure", text(32), nullable=False),
        sa.Column("n", count, nullable=False),
        *(sa.Column(f"b{i}", count, nullable=False) for i in range(BUCKETS)),
        sa.PrimaryKeyConstraint("dim", "day", "value", "measure",
                                name=op.f("pk_metric_timing_days")),
        sqlite_with_rowid=False,
    )  # fmt: skip
    backfill(sql)
    for name, (table, event, when, body) in triggers(sql).items():
        create_trigger(sql, name, table, event, when, body)


def downgrade() -> None:
    sql = Sql(op.get_bind().dialect.name)
    for name, (table, *_) in triggers(sql).items():
        if sql.pg:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    for table in ("metric_timing_days", "metric_delivery_days", "metric_conversation_days",
                  "metric_handoff_days"):  # fmt: skip
        op.drop_table(table)
    op.drop_index("ix_handoffs_sla", table_name="handoffs")
    op.drop_index("ix_handoffs_metrics", table_name="handoffs")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("response_seconds")
        batch.drop_column("accept_seconds")
    op.create_index("ix_handoffs_metrics", "handoffs", OLD_COVERING)
