"""Lots remember when quality's latest applied hold or release was asked for, so that an older
request arriving late (redelivered, reordered) is superseded instead of undoing a newer one.

Revision ID: 0008
Revises: 0007_labels
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007_labels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("lot", sa.Column("quality_decided_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("lot", "quality_decided_at")
