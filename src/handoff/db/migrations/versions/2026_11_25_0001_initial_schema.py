"""Initial schema: keys, policy versions, conversations, events, decisions, handoffs, roster.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 00:30:08.723837
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("revoked_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("hash", name=op.f("uq_api_keys_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("last_decision_id", Id, nullable=True),
        sa.Column("handoff_id", Id, nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_table(
        "policy_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policy_versions")),
    )
    op.create_table(
        "reps",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("teams", sa.JSON(), nullable=False),
        sa.Column("seniority", sa.String(length=50), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=16), nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reps")),
    )
    op.create_table(
        "team_cursors",
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("last_rep", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("team", name=op.f("pk_team_cursors")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", Id, nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_decisions_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_version"],
            ["policy_versions.version"],
            name=op.f("fk_decisions_policy_version_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", Id, nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("received_at", When, nullable=False),
        sa.Column("decision_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_events_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_events_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("conversation_id", "event_id", name="uq_events_event_id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_conversation_seq", ["conversation_id", "seq"], unique=True)

    op.create_table(
        "handoffs",
        sa.Column("id", Id, nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("decision_id", Id, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("rep", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("route", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("reassignments", sa.Integer(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("offered_at", When, nullable=True),
        sa.Column("accepted_at", When, nullable=True),
        sa.Column("first_response_at", When, nullable=True),
        sa.Column("closed_at", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_handoffs_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_handoffs_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_handoffs_conversation_id")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_handoffs_rep_status", ["rep", "status"], unique=False)
        batch_op.create_index("ix_handoffs_team_status", ["team", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_team_status")
        batch_op.drop_index("ix_handoffs_rep_status")
        batch_op.drop_index(batch_op.f("ix_handoffs_created_at"))

    op.drop_table("handoffs")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_conversation_seq")

    op.drop_table("events")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_conversation_id"))

    op.drop_table("decisions")
    op.drop_table("team_cursors")
    op.drop_table("reps")
    op.drop_table("policy_versions")
    op.drop_table("conversations")
    op.drop_table("api_keys")
