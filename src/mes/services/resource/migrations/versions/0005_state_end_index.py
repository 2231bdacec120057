"""Index on where intervals end: the neighbour lookups of every state change.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_equipment_state_equipment_id_ended_at", "equipment_state", ["equipment_id", "ended_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_equipment_state_equipment_id_ended_at", table_name="equipment_state")
