"""The log of state reports, so late reports end where the next report begins.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_report",
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name="fk_state_report_equipment_id_equipment",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("equipment_id", "at", name="pk_state_report"),
    )


def downgrade() -> None:
    op.drop_table("state_report")
