"""Audit log indexes for the sign-in throttle: recent failures by email and by client.

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-25 12:00:00
"""

from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_action_actor_at", ["action", "actor", "at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_log_action_subject_at", ["action", "subject", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_action_subject_at")
        batch_op.drop_index("ix_audit_log_action_actor_at")
