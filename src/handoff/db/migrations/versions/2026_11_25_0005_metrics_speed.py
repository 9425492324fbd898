"""Metrics speed: each conversation's segment and "ever qualified", covering indexes for ranges.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CONVERSATION = ["created_at", "segment", "qualified", "handoff_id"]
HANDOFF = ["created_at", "status", "outcome", "reassignments", "after_hours",
           "accept_business_seconds", "response_business_seconds", "accepted_at",
           "first_response_at", "segment", "rule", "route", "team", "rep"]  # fmt: skip
BACKFILL = """
UPDATE conversations SET
  segment = (SELECT d.segment FROM decisions d WHERE d.id = conversations.last_decision_id),
  qualified = EXISTS (SELECT 1 FROM decisions d
                      WHERE d.conversation_id = conversations.id AND d.qualified)
"""


def upgrade() -> None:
    op.add_column("conversations", sa.Column("segment", sa.String(length=100), nullable=True))
    op.add_column("conversations", sa.Column("qualified", sa.Boolean(), nullable=True))
    op.execute(BACKFILL)
    op.drop_index("ix_conversations_created_at", table_name="conversations")
    op.create_index("ix_conversations_metrics", "conversations", CONVERSATION)
    op.create_index("ix_handoffs_metrics", "handoffs", HANDOFF)


def downgrade() -> None:
    op.drop_index("ix_handoffs_metrics", table_name="handoffs")
    op.drop_index("ix_conversations_metrics", table_name="conversations")
    op.create_index("ix_conversations_created_at", "conversations", ["created_at"])
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("qualified")
        batch.drop_column("segment")
