"""Serial-tracked items, issuing to a work order.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_KINDS = "('receive', 'move', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust')"
NEW_KINDS = "('receive', 'move', 'issue', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust')"


def upgrade() -> None:
    op.add_column("item", sa.Column("tracking", sa.String(8), server_default="lot", nullable=False))
    op.create_check_constraint(op.f("ck_item_tracking"), "item", "tracking IN ('lot', 'serial')")
    op.add_column("lot", sa.Column("work_order", sa.String(64), nullable=True))
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {NEW_KINDS}")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {OLD_KINDS}")
    op.drop_column("lot", "work_order")
    op.drop_constraint(op.f("ck_item_tracking"), "item", type_="check")
    op.drop_column("item", "tracking")
