"""Equipment hierarchy (ISA-95 levels enterprise to equipment).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "equipment",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column(
            "parent_id", sa.Uuid, sa.ForeignKey("equipment.id", name="fk_equipment_parent_id_equipment")
        ),
        sa.Column("path", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_equipment"),
        sa.UniqueConstraint("code", name="uq_equipment_code"),
        sa.CheckConstraint(
            "level IN ('enterprise','site','area','work_center','equipment')", name="ck_equipment_level"
        ),
    )
    op.create_index("ix_equipment_parent_id", "equipment", ["parent_id"])


def downgrade() -> None:
    op.drop_table("equipment")
