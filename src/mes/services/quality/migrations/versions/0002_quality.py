"""Inspection plans and characteristics, tasks and results, control limits, NCRs, gauges,
defect codes, produced lots and the ISO 2859-1 switching state.

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
        "counter",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_counter")),
    )
    op.create_table(
        "defect_code",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_defect_code")),
    )
    op.create_table(
        "gauge",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("calibrated_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_gauge")),
    )
    op.create_table(
        "ncr",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=True),
        sa.Column("work_order", sa.String(length=64), nullable=True),
        sa.Column("operation", sa.String(length=64), nullable=True),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("held_lots", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("work_order_held", sa.Boolean(), nullable=False),
        sa.Column("disposition", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("signature_id", sa.Uuid(), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("dispositioned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'dispositioned', 'closed')", name=op.f("ck_ncr_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncr")),
        sa.UniqueConstraint("number", name=op.f("uq_ncr_number")),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sampling", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('incoming', 'in_process', 'final')", name=op.f("ck_plan_kind")),
        sa.CheckConstraint("status IN ('draft', 'released', 'superseded')", name=op.f("ck_plan_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("code", "version", name="uq_plan_code_version"),
    )
    op.create_index("ix_plan_item_kind_status", "plan", ["item", "kind", "status"], unique=False)
    op.create_table(
        "produced_lot",
        sa.Column("lot_code", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lot_code", name=op.f("pk_produced_lot")),
    )
    op.create_index(
        "ix_produced_lot_work_order_operation", "produced_lot", ["work_order", "operation"], unique=False
    )
    op.create_table(
        "switching",
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("state", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("supplier", "item", name=op.f("pk_switching")),
    )
    op.create_table(
        "characteristic",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("nominal", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("lsl", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("usl", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("chart", sa.String(length=16), nullable=True),
        sa.Column("subgroup_size", sa.Integer(), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rule_runs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("gauge_required", sa.Boolean(), nullable=False),
        sa.Column("defect_codes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("max_defects", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('variable', 'attribute', 'defects')", name=op.f("ck_characteristic_kind")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_characteristic_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_characteristic")),
        sa.UniqueConstraint("plan_id", "code", name="uq_characteristic_plan_code"),
    )
    op.create_index(op.f("ix_characteristic_plan_id"), "characteristic", ["plan_id"], unique=False)
    op.create_table(
        "task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("lot_code", sa.String(length=64), nullable=True),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("lot_size", sa.Integer(), nullable=True),
        sa.Column("sampling", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=True),
        sa.Column("operation", sa.String(length=64), nullable=True),
        sa.Column("equipment", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("waiver_reason", sa.Text(), nullable=True),
        sa.Column("waiver_signature", sa.Uuid(), nullable=True),
        sa.Column("ncr_number", sa.String(length=32), nullable=True),
        sa.CheckConstraint("status IN ('due', 'passed', 'failed', 'waived')", name=op.f("ck_task_status")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_task_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("number", name=op.f("uq_task_number")),
    )
    op.create_index(op.f("ix_task_lot_code"), "task", ["lot_code"], unique=False)
    op.create_index(op.f("ix_task_plan_id"), "task", ["plan_id"], unique=False)
    op.create_index("ix_task_status_due_at", "task", ["status", "due_at"], unique=False)
    op.create_index(
        "ix_task_work_order_operation_status", "task", ["work_order", "operation", "status"], unique=False
    )
    op.create_table(
        "control_limits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("characteristic_id", sa.Uuid(), nullable=False),
        sa.Column("chart", sa.String(length=16), nullable=False),
        sa.Column("center", sa.Float(), nullable=False),
        sa.Column("ucl", sa.Float(), nullable=False),
        sa.Column("lcl", sa.Float(), nullable=False),
        sa.Column("dispersion", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("sigma_within", sa.Float(), nullable=True),
        sa.Column("baseline_from", sa.Integer(), nullable=False),
        sa.Column("baseline_to", sa.Integer(), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["characteristic.id"],
            name=op.f("fk_control_limits_characteristic_id_characteristic"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_limits")),
    )
    op.create_index(
        op.f("ix_control_limits_characteristic_id"), "control_limits", ["characteristic_id"], unique=False
    )
    op.create_table(
        "result",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("characteristic_id", sa.Uuid(), nullable=False),
        sa.Column("values", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("point", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("defects", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("nonconforming", sa.Integer(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("lot_code", sa.String(length=64), nullable=True),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("work_order", sa.String(length=64), nullable=True),
        sa.Column("operation", sa.String(length=64), nullable=True),
        sa.Column("equipment", sa.String(length=64), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("gauge", sa.String(length=64), nullable=True),
        sa.Column("violations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["characteristic.id"],
            name=op.f("fk_result_characteristic_id_characteristic"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_result_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result")),
    )
    op.create_index("ix_result_characteristic_id_id", "result", ["characteristic_id", "id"], unique=False)
    op.create_index(op.f("ix_result_task_id"), "result", ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_result_task_id"), table_name="result")
    op.drop_index("ix_result_characteristic_id_id", table_name="result")
    op.drop_table("result")
    op.drop_index(op.f("ix_control_limits_characteristic_id"), table_name="control_limits")
    op.drop_table("control_limits")
    op.drop_index("ix_task_work_order_operation_status", table_name="task")
    op.drop_index("ix_task_status_due_at", table_name="task")
    op.drop_index(op.f("ix_task_plan_id"), table_name="task")
    op.drop_index(op.f("ix_task_lot_code"), table_name="task")
    op.drop_table("task")
    op.drop_index(op.f("ix_characteristic_plan_id"), table_name="characteristic")
    op.drop_table("characteristic")
    op.drop_table("switching")
    op.drop_index("ix_produced_lot_work_order_operation", table_name="produced_lot")
    op.drop_table("produced_lot")
    op.drop_index("ix_plan_item_kind_status", table_name="plan")
    op.drop_table("plan")
    op.drop_table("ncr")
    op.drop_table("gauge")
    op.drop_table("defect_code")
    op.drop_table("counter")
