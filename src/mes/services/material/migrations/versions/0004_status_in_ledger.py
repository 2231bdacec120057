"""Hold, release and expiry recorded in the lot's ledger (quantity 0), so its history shows them.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_KINDS = "('receive', 'move', 'issue', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust')"
NEW_KINDS = (
    "('receive', 'move', 'issue', 'consume', 'produce', 'split', 'merge', 'scrap', 'adjust',"
    " 'hold', 'release', 'expire')"
)


def upgrade() -> None:
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {NEW_KINDS}")


def downgrade() -> None:
    op.execute("ALTER TABLE movement DISABLE TRIGGER USER")  # the ledger refuses deletes otherwise
    op.execute("DELETE FROM movement WHERE kind IN ('hold', 'release', 'expire')")
    op.execute("ALTER TABLE movement ENABLE TRIGGER USER")
    op.drop_constraint(op.f("ck_movement_kind"), "movement", type_="check")
    op.create_check_constraint(op.f("ck_movement_kind"), "movement", f"kind IN {OLD_KINDS}")
