"""Metrics and replay: what each decision saw (qualified, segment, roster) and handoff measures.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

QUALIFIED = sa.text("qualified")


def upgrade() -> None:
    op.add_column("decisions", sa.Column("qualified", sa.Boolean(), nullable=True))
    op.add_column("decisions", sa.Column("segment", sa.String(length=100), nullable=True))
    op.add_column("decisions", sa.Column("roster", sa.JSON(), nullable=True))
    op.create_index(
        "ix_decisions_qualified",
        "decisions",
        ["conversation_id"],
        sqlite_where=QUALIFIED,
        postgresql_where=QUALIFIED,
    )
    op.create_index("ix_conversations_created_at", "conversations", ["created_at"])
    for name, kind in (
        ("segment", sa.String(length=100)),
        ("rule", sa.String(length=100)),
        ("after_hours", sa.Boolean()),
        ("accept_business_seconds", sa.Integer()),
        ("response_business_seconds", sa.Integer()),
    ):
        op.add_column("handoffs", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    op.drop_index("ix_conversations_created_at", table_name="conversations")
    op.drop_index("ix_decisions_qualified", table_name="decisions")
    with op.batch_alter_table("handoffs") as batch:
        for name in (
            "response_business_seconds",
            "accept_business_seconds",
            "after_hours",
            "rule",
            "segment",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("decisions") as batch:
        for name in ("roster", "segment", "qualified"):
            batch.drop_column(name)
