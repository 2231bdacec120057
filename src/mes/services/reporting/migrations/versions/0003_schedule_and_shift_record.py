"""Schedule adherence, on-time completion and the replayable shift record.

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
    op.add_column("operation_run", sa.Column("planned_start", sa.DateTime(timezone=True), nullable=True))
    op.add_column("operation_run", sa.Column("planned_end", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "order_completion",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("work_order", name=op.f("pk_order_completion")),
    )
    op.create_table(
        "shift_snapshot",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("scope", "start", "end", name=op.f("pk_shift_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("shift_snapshot")
    op.drop_table("order_completion")
    op.drop_column("operation_run", "planned_end")
    op.drop_column("operation_run", "planned_start")
