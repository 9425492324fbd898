"""Outbox, deliveries and timers: side effects written with the decision, and due times.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", Id, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("handoff_id", Id, nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("fanned_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    op.create_index("ix_outbox_fanned_at", "outbox", ["fanned_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", Id, nullable=False),
        sa.Column("outbox_id", Id, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", When, nullable=False),
        sa.Column("lease_until", When, nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=300), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.Column("delivered_at", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_deliveries_outbox_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_deliveries_key")),
    )
    op.create_index("ix_deliveries_outbox_id", "deliveries", ["outbox_id"])
    op.create_index("ix_deliveries_status_due", "deliveries", ["status", "due_at"])
    op.create_table(
        "timers",
        sa.Column("id", Id, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("handoff_id", Id, nullable=True),
        sa.Column("due_at", When, nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("fired_at", When, nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
        sa.UniqueConstraint("key", name=op.f("uq_timers_key")),
    )
    op.create_index("ix_timers_handoff_id", "timers", ["handoff_id"])
    op.create_index("ix_timers_status_due", "timers", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_timers_status_due", table_name="timers")
    op.drop_index("ix_timers_handoff_id", table_name="timers")
    op.drop_table("timers")
    op.drop_index("ix_deliveries_status_due", table_name="deliveries")
    op.drop_index("ix_deliveries_outbox_id", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_outbox_fanned_at", table_name="outbox")
    op.drop_table("outbox")
