"""Labour efficiency of imported history: a yield report's standard minutes and operators' minutes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "yield_report",
        sa.Column("standard_minutes", sa.Numeric(precision=18, scale=6), nullable=True),
    )
    op.add_column("yield_report", sa.Column("labour", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column("yield_report", "labour")
    op.drop_column("yield_report", "standard_minutes")
