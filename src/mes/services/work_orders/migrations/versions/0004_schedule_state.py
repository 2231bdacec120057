"""The schedule's own state: machines per work center, stale marks, the last run.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "machine_ref",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("work_center", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_machine_ref")),
    )
    op.create_index(op.f("ix_machine_ref_work_center"), "machine_ref", ["work_center"], unique=False)
    op.create_table(
        "schedule_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_change")),
    )
    op.create_table(
        "schedule_run",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("computed_by", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.DateTime(timezone=True), nullable=True),
        sa.Column("horizon_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recomputations", sa.Integer(), nullable=False),
        sa.Column("units", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_run")),
    )
    op.add_column("wo_operation", sa.Column("planned_equipment", sa.String(length=64), nullable=True))
    # machines already known by their last state (the path ends .../work center/machine)
    op.execute(
        "INSERT INTO machine_ref (code, work_center, name, path) "
        "SELECT s.code, w.code, s.code, s.path FROM equipment_state s "
        "JOIN work_center_ref w ON s.path LIKE w.path || '/%' "
        "ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.drop_column("wo_operation", "planned_equipment")
    op.drop_table("schedule_run")
    op.drop_table("schedule_change")
    op.drop_index(op.f("ix_machine_ref_work_center"), table_name="machine_ref")
    op.drop_table("machine_ref")
