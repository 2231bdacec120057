"""Items and locations carry a `version` counted up by every edit: an edit names the version it
was made on and is refused (409 `stale_version`) when the row changed meanwhile (ADR 39).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("item", "location"):
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in ("item", "location"):
        op.drop_column(table, "version")
