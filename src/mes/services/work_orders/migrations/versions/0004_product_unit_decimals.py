"""Products keep how many decimals their unit allows (0: counted whole), as material says.

Revision ID: 0004_unit_decimals
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_unit_decimals"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for products made before: filled from material's item at their next report
    op.add_column("product", sa.Column("uom_decimals", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("product", "uom_decimals")
