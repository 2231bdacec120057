"""What of each input lot went into each output lot, so several outputs of one operation never
count the same consumption twice.

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
        "lot_input",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("output_lot_id", sa.Uuid(), nullable=False),
        sa.Column("input_lot_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(18, 6), nullable=False),
        sa.Column("work_order", sa.String(64), nullable=True),
        sa.Column("operation", sa.String(64), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_lot_input_quantity_positive")),
        sa.ForeignKeyConstraint(["output_lot_id"], ["lot.id"], name=op.f("fk_lot_input_output_lot_id_lot")),
        sa.ForeignKeyConstraint(["input_lot_id"], ["lot.id"], name=op.f("fk_lot_input_input_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_input")),
    )
    op.create_index(op.f("ix_lot_input_output_lot_id"), "lot_input", ["output_lot_id"])
    op.create_index(
        "ix_lot_input_input_lot_id_work_order_operation",
        "lot_input",
        ["input_lot_id", "work_order", "operation"],
    )


def downgrade() -> None:
    op.drop_table("lot_input")
