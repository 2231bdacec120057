"""The plan version each released work order inspects by (ADR 40).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_plan",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("plan_code", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("pinned_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_order_plan_plan_id_plan")),
        sa.PrimaryKeyConstraint("work_order", "plan_code", name=op.f("pk_order_plan")),
    )
    op.create_index(op.f("ix_order_plan_plan_id"), "order_plan", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_order_plan_plan_id"), table_name="order_plan")
    op.drop_table("order_plan")
