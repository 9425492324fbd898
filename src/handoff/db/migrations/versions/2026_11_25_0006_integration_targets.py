"""Integration targets stored from the dashboard and the API.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-25 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integration_targets",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("integration", sa.String(length=50), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("teams", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_targets")),
        sa.UniqueConstraint("name", name=op.f("uq_integration_targets_name")),
    )


def downgrade() -> None:
    op.drop_table("integration_targets")
