"""In-process sampling every n parts and every t minutes: quality's view of running operations,
yield reports once per report id, and one row per frequency task created (ADR 41).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operation_run",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("equipment", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_minutes", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("work_order", "operation", name=op.f("pk_operation_run")),
    )
    op.create_index(op.f("ix_operation_run_completed_at"), "operation_run", ["completed_at"], unique=False)
    op.create_table(
        "yield_count",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_yield_count")),
    )
    op.create_index(
        "ix_yield_count_work_order_operation", "yield_count", ["work_order", "operation"], unique=False
    )
    op.create_table(
        "sampling_point",
        sa.Column("plan_code", sa.String(length=64), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("task_number", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("trigger IN ('parts', 'minutes')", name=op.f("ck_sampling_point_trigger")),
        sa.PrimaryKeyConstraint(
            "plan_code", "work_order", "operation", "trigger", "mark", name=op.f("pk_sampling_point")
        ),
    )


def downgrade() -> None:
    op.drop_table("sampling_point")
    op.drop_index("ix_yield_count_work_order_operation", table_name="yield_count")
    op.drop_table("yield_count")
    op.drop_index(op.f("ix_operation_run_completed_at"), table_name="operation_run")
    op.drop_table("operation_run")
