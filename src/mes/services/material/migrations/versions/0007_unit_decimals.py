"""Units say how many decimals a quantity in them may have: 0 for a unit counted whole (pcs).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "uom", sa.Column("decimals", sa.SmallInteger(), server_default=sa.text("6"), nullable=False)
    )
    op.create_check_constraint("decimals", "uom", "decimals BETWEEN 0 AND 6")
    # the seeded units (revision 0002): pieces are whole, a pack of 100 splits down to one piece
    op.execute("UPDATE uom SET decimals = 0 WHERE code = 'pcs'")
    op.execute("UPDATE uom SET decimals = 2 WHERE code = 'pack100'")


def downgrade() -> None:
    op.drop_constraint("decimals", "uom", type_="check")  # named by the convention, as created
    op.drop_column("uom", "decimals")
