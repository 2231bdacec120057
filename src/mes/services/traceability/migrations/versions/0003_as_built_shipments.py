"""As-built record (operations planned or inserted, completions, step values, inspections) and
shipments in the lot flows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Q = sa.Numeric(18, 6)
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("node", sa.Column("planned", sa.Boolean(), nullable=True))
    op.add_column("lot_flow", sa.Column("party", sa.String(200), nullable=True))
    op.create_table(
        "operation_start",
        sa.Column("event_id", sa.Uuid(), primary_key=True),
        sa.Column("work_order", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("equipment", sa.String(64)),
        sa.Column("operator", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_operation_start_order", "operation_start", ["work_order", "operation"])
    op.create_table(
        "operation_completion",
        sa.Column("event_id", sa.Uuid(), primary_key=True),
        sa.Column("work_order", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("equipment", sa.String(64)),
        sa.Column("good", Q, nullable=False),
        sa.Column("scrap", Q, nullable=False),
        sa.Column("rework", Q, nullable=False),
        sa.Column("scrap_reasons", postgresql.JSONB(), nullable=False),
        sa.Column("operators", postgresql.JSONB(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("completed_at", TZ, nullable=False),
    )
    op.create_index("ix_operation_completion_order", "operation_completion", ["work_order", "operation"])
    op.create_table(
        "step_value",
        sa.Column("event_id", sa.Uuid(), primary_key=True),
        sa.Column("work_order", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Text()),
        sa.Column("unit", sa.String(16)),
        sa.Column("passed", sa.Boolean()),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_step_value_order", "step_value", ["work_order", "operation"])
    op.create_table(
        "inspection",
        sa.Column("task", sa.String(64), primary_key=True),
        sa.Column("plan", sa.String(64)),
        sa.Column("plan_version", sa.Integer()),
        sa.Column("kind", sa.String(16)),
        sa.Column("item", sa.String(64)),
        sa.Column("lot_code", sa.String(64)),
        sa.Column("serial", sa.String(64)),
        sa.Column("work_order", sa.String(64)),
        sa.Column("operation", sa.String(64)),
        sa.Column("equipment", sa.String(64)),
        sa.Column("operator", sa.String(200)),
        sa.Column("verdict", sa.String(16)),
        sa.Column("failed", postgresql.JSONB()),
        sa.Column("ncr", sa.String(64)),
        sa.Column("at", TZ),
    )
    op.create_index("ix_inspection_work_order", "inspection", ["work_order"])
    op.create_index("ix_inspection_lot_code", "inspection", ["lot_code"])
    op.create_index("ix_inspection_serial", "inspection", ["serial"])


def downgrade() -> None:
    op.drop_table("inspection")
    op.drop_table("step_value")
    op.drop_table("operation_completion")
    op.drop_table("operation_start")
    op.drop_column("lot_flow", "party")
    op.drop_column("node", "planned")
