"""Work orders remember when quality's latest applied hold or release was asked for, so that an
older request arriving late (redelivered, reordered) is superseded instead of undoing a newer one.

Revision ID: 0006
Revises: 0004_steps
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_order", sa.Column("quality_decided_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("work_order", "quality_decided_at")
