"""Genealogy graph (nodes, edges and their parts, lot flows) and recalls.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Q = sa.Numeric(18, 6)
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "node",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(140), nullable=False),
        sa.Column("item", sa.String(64)),
        sa.Column("uom", sa.String(16)),
        sa.Column("quantity", Q),
        sa.Column("origin", sa.String(16)),
        sa.Column("work_order", sa.String(64)),
        sa.Column("operation", sa.String(64)),
        sa.Column("name", sa.String(200)),
        sa.Column("work_center", sa.String(64)),
        sa.Column("equipment", sa.String(64)),
        sa.Column("operator", sa.String(200)),
        sa.Column("location", sa.String(64)),
        sa.Column("supplier", sa.String(200)),
        sa.Column("supplier_lot", sa.String(64)),
        sa.Column("expires_on", sa.Date),
        sa.Column("at", TZ),
        sa.Column("ended_at", TZ),
        sa.Column("status", sa.String(16)),
        sa.Column("status_at", TZ),
        sa.PrimaryKeyConstraint("key", name="pk_node"),
    )
    op.create_index("ix_node_code", "node", ["code"])
    op.create_table(
        "edge",
        sa.Column("src", sa.String(200), nullable=False),
        sa.Column("dst", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("quantity", Q),
        sa.Column("work_order", sa.String(64)),
        sa.Column("operation", sa.String(64)),
        sa.Column("at", TZ),
        sa.Column("per_unit", sa.Boolean, nullable=False, server_default="false"),
        sa.PrimaryKeyConstraint("src", "dst", "kind", name="pk_edge"),
    )
    op.create_index("ix_edge_dst", "edge", ["dst", "kind"])
    op.create_index("ix_edge_src_kind_work_order", "edge", ["src", "kind", "work_order"])
    op.create_table(
        "edge_part",
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("src", sa.String(200), nullable=False),
        sa.Column("dst", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("quantity", Q),
        sa.PrimaryKeyConstraint("event_id", "src", "dst", "kind", name="pk_edge_part"),
    )
    op.create_table(
        "lot_flow",
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("lot", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("quantity", Q, nullable=False),
        sa.Column("location", sa.String(64)),
        sa.Column("status", sa.String(16)),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "lot", "kind", name="pk_lot_flow"),
    )
    op.create_index("ix_lot_flow_lot", "lot_flow", ["lot", "at"])
    op.create_table(
        "recall",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("lot", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("window_from", TZ),
        sa.Column("window_to", TZ),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_recall"),
    )
    op.create_table(
        "recall_hold",
        sa.Column("recall_id", sa.Uuid, nullable=False),
        sa.Column("lot", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("recall_id", "lot", name="pk_recall_hold"),
    )


def downgrade() -> None:
    for table in ("recall_hold", "recall", "lot_flow", "edge_part", "edge", "node"):
        op.drop_table(table)
