"""Finished lots named by a rule per item, GTINs for GS1 labels, and network label printers.

Revision ID: 0007_labels
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_labels"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("item", sa.Column("lot_pattern", sa.String(length=100), nullable=True))
    op.add_column("item", sa.Column("gtin", sa.String(length=14), nullable=True))
    op.create_table(
        "lot_sequence",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_lot_sequence_item_id_item")),
        sa.PrimaryKeyConstraint("item_id", "scope", name=op.f("pk_lot_sequence")),
    )
    op.create_table(
        "label_printer",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_label_printer")),
    )


def downgrade() -> None:
    op.drop_table("label_printer")
    op.drop_table("lot_sequence")
    op.drop_column("item", "gtin")
    op.drop_column("item", "lot_pattern")
