"""What material knows of work orders' statuses (`work_order`): booking against an order it already
knows asks work orders nothing (ADR 49).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_order",
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_work_order")),
    )


def downgrade() -> None:
    op.drop_table("work_order")
