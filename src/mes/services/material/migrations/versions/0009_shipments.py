"""Shipments: stock out of the plant to a customer (ledger kind `ship`, lot status `shipped`),
with the customer and destination on the ledger line.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "('receive', 'move', 'issue', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust',"
    " 'hold', 'release', 'expire')"
)
NEW_KINDS = (
    "('receive', 'move', 'issue', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust',"
    " 'hold', 'release', 'expire', 'ship')"
)
OLD_STATUSES = "('available', 'quarantine', 'on_hold', 'consumed', 'expired', 'scrapped')"
NEW_STATUSES = "('available', 'quarantine', 'on_hold', 'consumed', 'expired', 'scrapped', 'shipped')"


def upgrade() -> None:
    op.add_column("movement", sa.Column("customer", sa.String(200), nullable=True))
    op.add_column("movement", sa.Column("destination", sa.String(200), nullable=True))
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {NEW_KINDS}")
    op.drop_constraint(op.f("ck_lot_status"), "lot", type_="check")
    op.create_check_constraint(op.f("ck_lot_status"), "lot", f"status IN {NEW_STATUSES}")


def downgrade() -> None:
    op.execute("ALTER TABLE movement DISABLE TRIGGER USER")  # the ledger refuses deletes otherwise
    op.execute("DELETE FROM movement WHERE kind = 'ship'")
    op.execute("ALTER TABLE movement ENABLE TRIGGER USER")
    op.execute("UPDATE lot SET status = 'consumed' WHERE status = 'shipped'")
    op.drop_constraint(op.f("ck_lot_status"), "lot", type_="check")
    op.create_check_constraint(op.f("ck_lot_status"), "lot", f"status IN {OLD_STATUSES}")
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {OLD_KINDS}")
    op.drop_column("movement", "destination")
    op.drop_column("movement", "customer")
