"""Corrective and preventive actions (CAPA) linked to NCRs, with their actions.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capa",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("ncrs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("effectiveness", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("signature_id", sa.Uuid(), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closure_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_capa_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capa")),
        sa.UniqueConstraint("number", name=op.f("uq_capa_number")),
    )
    op.create_index("ix_capa_status_due_on", "capa", ["status", "due_on"], unique=False)
    op.create_table(
        "capa_action",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("capa_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["capa_id"], ["capa.id"], name=op.f("fk_capa_action_capa_id_capa")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capa_action")),
        sa.UniqueConstraint("capa_id", "position", name="uq_capa_action_capa_position"),
    )
    op.create_index(op.f("ix_capa_action_capa_id"), "capa_action", ["capa_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_capa_action_capa_id"), table_name="capa_action")
    op.drop_table("capa_action")
    op.drop_index("ix_capa_status_due_on", table_name="capa")
    op.drop_table("capa")
