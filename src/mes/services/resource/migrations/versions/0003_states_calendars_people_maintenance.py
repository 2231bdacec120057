"""Equipment attributes, state history, downtime, reason codes, shift calendars, personnel, maintenance.

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

STATES = "('running', 'idle', 'setup', 'planned_stop', 'down', 'maintenance', 'offline')"

# "no gap": every closed interval is followed by one starting where it ends, and a history has
# exactly one open interval; deferred, because a change passes through a gap for a moment
CONTIGUOUS_FN = """
CREATE FUNCTION equipment_state_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE eq uuid := COALESCE(NEW.equipment_id, OLD.equipment_id);
BEGIN
  IF EXISTS (
    SELECT 1 FROM equipment_state s WHERE s.equipment_id = eq AND s.ended_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM equipment_state n WHERE n.equipment_id = eq AND n.started_at = s.ended_at)
  ) OR (
    EXISTS (SELECT 1 FROM equipment_state WHERE equipment_id = eq)
    AND NOT EXISTS (SELECT 1 FROM equipment_state WHERE equipment_id = eq AND ended_at IS NULL)
  ) THEN
    RAISE EXCEPTION 'the state history of equipment % has a gap', eq USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$
"""
CONTIGUOUS_TRIGGER = """
CREATE CONSTRAINT TRIGGER equipment_state_contiguous AFTER INSERT OR UPDATE OR DELETE ON equipment_state
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION equipment_state_contiguous()
"""


def _fk(table: str, col: str, ref: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{ref}.id"], name=f"fk_{table}_{col}_{ref}", ondelete=ondelete)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, type_ in (
        ("time_zone", sa.String(64)),
        ("capacity", sa.Numeric(18, 6)),
        ("capacity_uom", sa.String(16)),
        ("micro_stop_s", sa.Integer()),
        ("no_signal_s", sa.Integer()),
        ("state", sa.String(20)),
        ("state_since", sa.DateTime(timezone=True)),
        ("last_signal_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("equipment", sa.Column(name, type_, nullable=True))
    op.create_table(
        "cycle_time",
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("product_code", sa.String(64), nullable=False),
        sa.Column("ideal_cycle_time_s", sa.Numeric(18, 6), nullable=False),
        _fk("cycle_time", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("equipment_id", "product_code", name="pk_cycle_time"),
    )
    op.create_table(
        "usage_counter",
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("counter", sa.String(16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        _fk("usage_counter", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("equipment_id", "counter", name="pk_usage_counter"),
    )
    op.create_table(
        "equipment_state",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=True),
        sa.Column("source_ref", sa.String(200), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"state IN {STATES}", name="ck_equipment_state_state"),
        sa.CheckConstraint("source IN ('operator', 'machine', 'system')", name="ck_equipment_state_source"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="ck_equipment_state_positive"),
        _fk("equipment_state", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("id", name="pk_equipment_state"),
        postgresql.ExcludeConstraint(
            ("equipment_id", "="),
            (sa.text("tstzrange(started_at, ended_at, '[)')"), "&&"),
            name="ex_equipment_state_no_overlap",
            using="gist",
        ),
    )
    op.create_index(
        "ix_equipment_state_equipment_id_started_at",
        "equipment_state",
        ["equipment_id", "started_at"],
        unique=True,
    )
    op.execute(CONTIGUOUS_FN)
    op.execute(CONTIGUOUS_TRIGGER)
    op.create_table(
        "reason_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("path", sa.String(1000), nullable=False),
        _fk("reason_code", "site_id", "equipment"),
        _fk("reason_code", "parent_id", "reason_code", None),
        sa.PrimaryKeyConstraint("id", name="pk_reason_code"),
        sa.UniqueConstraint("site_id", "code", name="uq_reason_code_site_id_code"),
    )
    op.create_table(
        "downtime",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("state_id", sa.BigInteger(), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("unqualified", sa.Boolean(), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("classified_by", sa.String(200), nullable=True),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=True),
        _fk("downtime", "state_id", "equipment_state"),
        _fk("downtime", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("id", name="pk_downtime"),
        sa.UniqueConstraint("state_id", name="uq_downtime_state_id"),
    )
    op.create_index("ix_downtime_equipment_id", "downtime", ["equipment_id"])
    _calendars()
    _people()
    _maintenance()


def _calendars() -> None:
    op.create_table(
        "shift_calendar",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        _fk("shift_calendar", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("id", name="pk_shift_calendar"),
        sa.UniqueConstraint("equipment_id", name="uq_shift_calendar_equipment_id"),
    )
    op.create_table(
        "shift_pattern",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("weekdays", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("breaks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        _fk("shift_pattern", "calendar_id", "shift_calendar"),
        sa.PrimaryKeyConstraint("id", name="pk_shift_pattern"),
    )
    op.create_index("ix_shift_pattern_calendar_id", "shift_pattern", ["calendar_id"])
    op.create_table(
        "calendar_exception",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'non_production')", name="ck_calendar_exception_kind"),
        sa.CheckConstraint(
            "(kind = 'holiday' AND day IS NOT NULL) OR (kind = 'non_production' AND ends_at > starts_at)",
            name="ck_calendar_exception_shape",
        ),
        _fk("calendar_exception", "calendar_id", "shift_calendar"),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_exception"),
    )
    op.create_index("ix_calendar_exception_calendar_id", "calendar_exception", ["calendar_id"])


def _people() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
        sa.UniqueConstraint("username", name="uq_person_username"),
    )
    op.create_table(
        "skill",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_skill"),
        sa.UniqueConstraint("code", name="uq_skill_code"),
    )
    op.create_table(
        "qualification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("expiry_announced", sa.Boolean(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 9", name="ck_qualification_level"),
        _fk("qualification", "person_id", "person"),
        _fk("qualification", "skill_id", "skill", None),
        sa.PrimaryKeyConstraint("id", name="pk_qualification"),
        sa.UniqueConstraint("person_id", "skill_id", name="uq_qualification_person_id_skill_id"),
    )
    op.create_table(
        "skill_requirement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=True),
        sa.Column("operation", sa.String(64), nullable=True),
        sa.Column("skill_id", sa.Uuid(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "equipment_id IS NOT NULL OR operation IS NOT NULL", name="ck_skill_requirement_scope"
        ),
        sa.CheckConstraint("min_level BETWEEN 1 AND 9", name="ck_skill_requirement_min_level"),
        _fk("skill_requirement", "equipment_id", "equipment"),
        _fk("skill_requirement", "skill_id", "skill", None),
        sa.PrimaryKeyConstraint("id", name="pk_skill_requirement"),
    )
    op.create_index("ix_skill_requirement_equipment_id", "skill_requirement", ["equipment_id"])


def _maintenance() -> None:
    op.create_table(
        "maintenance_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("interval", sa.Numeric(18, 6), nullable=False),
        sa.Column("baseline", sa.Numeric(18, 6), nullable=False),
        sa.Column("last_done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.CheckConstraint(
            "trigger IN ('calendar', 'cycles', 'operating_hours')", name="ck_maintenance_plan_trigger"
        ),
        sa.CheckConstraint("interval > 0", name="ck_maintenance_plan_interval"),
        _fk("maintenance_plan", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("id", name="pk_maintenance_plan"),
        sa.UniqueConstraint("code", name="uq_maintenance_plan_code"),
    )
    op.create_index("ix_maintenance_plan_equipment_id", "maintenance_plan", ["equipment_id"])
    op.create_table(
        "maintenance_order",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counter_value", sa.Numeric(18, 6), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("assigned_to", sa.String(200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(200), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'assigned', 'in_progress', 'completed')", name="ck_maintenance_order_status"
        ),
        _fk("maintenance_order", "plan_id", "maintenance_plan", None),
        _fk("maintenance_order", "equipment_id", "equipment"),
        sa.PrimaryKeyConstraint("id", name="pk_maintenance_order"),
        sa.UniqueConstraint("number", name="uq_maintenance_order_number"),
    )
    op.create_index("ix_maintenance_order_plan_id", "maintenance_order", ["plan_id"])
    op.create_index("ix_maintenance_order_equipment_id", "maintenance_order", ["equipment_id"])


def downgrade() -> None:
    for table in (
        "maintenance_order",
        "maintenance_plan",
        "skill_requirement",
        "qualification",
        "skill",
        "person",
        "calendar_exception",
        "shift_pattern",
        "shift_calendar",
        "downtime",
        "reason_code",
        "equipment_state",
        "usage_counter",
        "cycle_time",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS equipment_state_contiguous()")
    for name in (
        "time_zone",
        "capacity",
        "capacity_uom",
        "micro_stop_s",
        "no_signal_s",
        "state",
        "state_since",
        "last_signal_at",
    ):
        op.drop_column("equipment", name)
