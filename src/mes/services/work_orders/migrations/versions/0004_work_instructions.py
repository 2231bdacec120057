"""Work instructions: steps on routing operations, their attachments, values recorded at steps.

Revision ID: 0004_steps
Revises: 0004_unit_decimals
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_steps"
down_revision = "0004_unit_decimals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "routing_operation",
        sa.Column(
            "steps", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'"), nullable=False
        ),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("storage IN ('db', 'disk')", name=op.f("ck_attachment_storage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_table(
        "step_value",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["wo_operation.id"], name=op.f("fk_step_value_operation_id_wo_operation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_value")),
        sa.UniqueConstraint("operation_id", "step", name="uq_step_value_operation_step"),
    )
    op.create_index(op.f("ix_step_value_operation_id"), "step_value", ["operation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_step_value_operation_id"), table_name="step_value")
    op.drop_table("step_value")
    op.drop_table("attachment")
    op.drop_column("routing_operation", "steps")
