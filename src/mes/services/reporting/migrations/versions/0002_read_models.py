"""The read models: received events, state history and hours, yields, stops, operations.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "downtime_record",
        sa.Column("downtime_id", sa.Uuid(), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("micro_stop", sa.Boolean(), nullable=False),
        sa.Column("unqualified", sa.Boolean(), nullable=False),
        sa.Column("times_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("reason_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("downtime_id", name=op.f("pk_downtime_record")),
    )
    op.create_index(
        "ix_downtime_record_equipment_started",
        "downtime_record",
        ["equipment_code", "started_at"],
        unique=False,
    )
    op.create_table(
        "equipment_node",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_equipment_node")),
    )
    op.create_table(
        "machine_count",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=16), nullable=False),
        sa.Column("increment", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_machine_count")),
    )
    op.create_index("ix_machine_count_equipment_at", "machine_count", ["equipment_code", "at"], unique=False)
    op.create_table(
        "operation_result",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("work_center", sa.String(length=64), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=True),
        sa.Column("good", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("scrap", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("rework", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("work_order", "operation", name=op.f("pk_operation_result")),
    )
    op.create_table(
        "operation_run",
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("work_center", sa.String(length=64), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("work_order", "operation", name=op.f("pk_operation_run")),
    )
    op.create_table(
        "production_hour",
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("good", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("scrap", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("rework", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("cycles", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("scrap_by_reason", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint(
            "equipment_code", "product", "hour", "source", name=op.f("pk_production_hour")
        ),
    )
    op.create_table(
        "received_event",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_received_event")),
    )
    op.create_index(op.f("ix_received_event_topic"), "received_event", ["topic"], unique=False)
    op.create_table(
        "state_hour",
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("element", sa.String(length=8), nullable=False),
        sa.Column("seconds", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.PrimaryKeyConstraint("equipment_code", "hour", "element", name=op.f("pk_state_hour")),
    )
    op.create_table(
        "state_interval",
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("element", sa.String(length=8), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("equipment_code", "started_at", name=op.f("pk_state_interval")),
    )
    op.create_table(
        "state_segment",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eff_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("element", sa.String(length=8), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_state_segment")),
    )
    op.create_index(
        "ix_state_segment_eq_started", "state_segment", ["equipment_code", "started_at"], unique=False
    )
    op.create_table(
        "yield_report",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("work_center", sa.String(length=64), nullable=False),
        sa.Column("equipment_code", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("good", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("scrap", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("rework", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_yield_report")),
    )
    op.create_index("ix_yield_report_equipment_at", "yield_report", ["equipment_code", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_yield_report_equipment_at", table_name="yield_report")
    op.drop_table("yield_report")
    op.drop_index("ix_state_segment_eq_started", table_name="state_segment")
    op.drop_table("state_segment")
    op.drop_table("state_interval")
    op.drop_table("state_hour")
    op.drop_index(op.f("ix_received_event_topic"), table_name="received_event")
    op.drop_table("received_event")
    op.drop_table("production_hour")
    op.drop_table("operation_run")
    op.drop_table("operation_result")
    op.drop_index("ix_machine_count_equipment_at", table_name="machine_count")
    op.drop_table("machine_count")
    op.drop_table("equipment_node")
    op.drop_index("ix_downtime_record_equipment_started", table_name="downtime_record")
    op.drop_table("downtime_record")
