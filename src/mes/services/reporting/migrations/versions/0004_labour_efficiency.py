"""Labour efficiency: the operations' standard times and each operator's labour minutes.

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
    op.add_column(
        "operation_result",
        sa.Column("standard_setup_minutes", sa.Numeric(precision=18, scale=6), nullable=True),
    )
    op.add_column(
        "operation_result",
        sa.Column("standard_run_minutes_per_unit", sa.Numeric(precision=18, scale=6), nullable=True),
    )
    op.add_column("operation_result", sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "labour_time",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.PrimaryKeyConstraint("work_order", "operation", "operator", name=op.f("pk_labour_time")),
    )


def downgrade() -> None:
    op.drop_table("labour_time")
    op.drop_column("operation_result", "occurred_at")
    op.drop_column("operation_result", "standard_run_minutes_per_unit")
    op.drop_column("operation_result", "standard_setup_minutes")
