"""Tables of the quality service: plans, tasks, results, SPC limits, NCRs, gauges, switching state."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.quality.models.base import Base
from mes.services.quality.vocabulary import (
    CAPA_STATUSES,
    CHAR_KINDS,
    NCR_STATUSES,
    PLAN_KINDS,
    PLAN_STATUSES,
    SAMPLING_TRIGGERS,
    TASK_STATUSES,
    CapaStatus,
    CharKind,
    Chart,
    NcrStatus,
    PlanKind,
    PlanStatus,
    SamplingTrigger,
    TaskStatus,
)


class DefectCode(Base):
    __tablename__ = "defect_code"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    site: Mapped[str | None] = mapped_column(String(64))


class Gauge(Base):
    __tablename__ = "gauge"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    interval_days: Mapped[int] = mapped_column(Integer)
    calibrated_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)


class Plan(Base):
    """One version of an inspection plan; a released version is never edited, a new one supersedes it."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_plan_code_version"),
        CheckConstraint(f"kind IN {PLAN_KINDS}", name="kind"),
        CheckConstraint(f"status IN {PLAN_STATUSES}", name="status"),
        Index("ix_plan_item_kind_status", "item", "kind", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[PlanKind] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))  # routing operation key (in-process)
    status: Mapped[PlanStatus] = mapped_column(String(16), default="draft")
    sampling: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Characteristic(Base):
    __tablename__ = "characteristic"
    __table_args__ = (
        UniqueConstraint("plan_id", "code", name="uq_characteristic_plan_code"),
        CheckConstraint(f"kind IN {CHAR_KINDS}", name="kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CharKind] = mapped_column(String(16))
    nominal: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    lsl: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    usl: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    unit: Mapped[str | None] = mapped_column(String(16))
    decimals: Mapped[int] = mapped_column(Integer, default=3)
    chart: Mapped[Chart | None] = mapped_column(String(16))
    subgroup_size: Mapped[int] = mapped_column(Integer, default=1)
    rules: Mapped[list[str]] = mapped_column(JSONB, default=list)
    rule_runs: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)
    gauge_required: Mapped[bool] = mapped_column(Boolean, default=True)
    defect_codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    max_defects: Mapped[int] = mapped_column(Integer, default=0)


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint(f"status IN {TASK_STATUSES}", name="status"),
        Index("ix_task_work_order_operation_status", "work_order", "operation", "status"),
        Index("ix_task_status_due_at", "status", "due_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[PlanKind] = mapped_column(String(16))
    status: Mapped[TaskStatus] = mapped_column(String(16), default="due")
    source: Mapped[str] = mapped_column(String(64))  # the event topic, or "manual"
    item: Mapped[str] = mapped_column(String(64))
    lot_code: Mapped[str | None] = mapped_column(String(64), index=True)
    serial: Mapped[str | None] = mapped_column(String(64))
    supplier: Mapped[str | None] = mapped_column(String(200))
    lot_size: Mapped[int | None] = mapped_column(Integer)
    sampling: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # the plan drawn (n, Ac, Re)
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    waiver_signature: Mapped[uuid.UUID | None] = mapped_column()
    ncr_number: Mapped[str | None] = mapped_column(String(32))


class Result(Base):
    """One characteristic's measurement or judgement within a task; never updated."""

    __tablename__ = "result"
    __table_args__ = (Index("ix_result_characteristic_id_id", "characteristic_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task.id"), index=True)
    characteristic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("characteristic.id"))
    values: Mapped[list[float]] = mapped_column(JSONB, default=list)  # variable: the subgroup
    point: Mapped[float | None] = mapped_column(Float)  # what the chart plots (mean, p, u)
    passed: Mapped[bool] = mapped_column(Boolean)
    defects: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)
    nonconforming: Mapped[int] = mapped_column(Integer, default=0)
    sample_size: Mapped[int] = mapped_column(Integer, default=1)
    lot_code: Mapped[str | None] = mapped_column(String(64))
    serial: Mapped[str | None] = mapped_column(String(64))
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(String(200))
    gauge: Mapped[str | None] = mapped_column(String(64))
    violations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ControlLimits(Base):
    """Limits of one characteristic from a baseline window; recomputing adds a row, old ones stay."""

    __tablename__ = "control_limits"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    characteristic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("characteristic.id"), index=True)
    chart: Mapped[Chart] = mapped_column(String(16))
    center: Mapped[float] = mapped_column(Float)
    ucl: Mapped[float] = mapped_column(Float)
    lcl: Mapped[float] = mapped_column(Float)
    dispersion: Mapped[dict[str, float] | None] = mapped_column(JSONB)
    sigma_within: Mapped[float | None] = mapped_column(Float)
    baseline_from: Mapped[int] = mapped_column(Integer)  # result ids of the window
    baseline_to: Mapped[int] = mapped_column(Integer)
    computed_by: Mapped[str] = mapped_column(String(200))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Ncr(Base):
    __tablename__ = "ncr"
    __table_args__ = (CheckConstraint(f"status IN {NCR_STATUSES}", name="status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[NcrStatus] = mapped_column(String(16), default="open")
    title: Mapped[str] = mapped_column(String(200))
    item: Mapped[str | None] = mapped_column(String(64))
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    held_lots: Mapped[list[str]] = mapped_column(JSONB, default=list)
    work_order_held: Mapped[bool] = mapped_column(Boolean, default=False)
    disposition: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    signature_id: Mapped[uuid.UUID | None] = mapped_column()
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    dispositioned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def content(self) -> dict[str, Any]:
        """What a disposition signature binds to: the NCR as the signer saw it. Integral floats are
        written as integers, so the content hashes the same after a trip through a browser's JSON."""
        content: dict[str, Any] = _plain(
            {
                "number": self.number,
                "title": self.title,
                "item": self.item,
                "work_order": self.work_order,
                "operation": self.operation,
                "evidence": self.evidence,
                "held_lots": sorted(self.held_lots),
            }
        )
        return content


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Capa(Base):
    """A corrective and preventive action linked to NCRs; closed under a signature over `content`."""

    __tablename__ = "capa"
    __table_args__ = (
        CheckConstraint(f"status IN {CAPA_STATUSES}", name="status"),
        Index("ix_capa_status_due_on", "status", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[CapaStatus] = mapped_column(String(16), default="open")
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    ncrs: Mapped[list[str]] = mapped_column(JSONB, default=list)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    effectiveness: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    signature_id: Mapped[uuid.UUID | None] = mapped_column()
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closure_reason: Mapped[str | None] = mapped_column(Text)

    def content(self, actions: list[CapaAction]) -> dict[str, Any]:
        """What the closing signature binds to: the CAPA with its actions and effectiveness check."""
        return {
            "number": self.number,
            "title": self.title,
            "problem": self.problem,
            "ncrs": sorted(self.ncrs),
            "owner": self.owner,
            "due_on": self.due_on.isoformat(),
            "actions": [
                {
                    "position": a.position,
                    "description": a.description,
                    "owner": a.owner,
                    "due_on": a.due_on.isoformat(),
                    "done": a.done_at is not None,
                    "done_by": a.done_by,
                }
                for a in sorted(actions, key=lambda a: a.position)
            ],
            "effectiveness": self.effectiveness,
        }


class CapaAction(Base):
    __tablename__ = "capa_action"
    __table_args__ = (UniqueConstraint("capa_id", "position", name="uq_capa_action_capa_position"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    capa_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("capa.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str | None] = mapped_column(String(200))
    done_note: Mapped[str | None] = mapped_column(Text)


class ProducedLot(Base):
    """Lots an operation made, as material announced them: what a failed sample puts on hold."""

    __tablename__ = "produced_lot"
    __table_args__ = (Index("ix_produced_lot_work_order_operation", "work_order", "operation"),)

    lot_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(64))
    work_order: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    produced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderPlan(Base):
    """The plan version a work order inspects by: pinned when quality learns of the order's release
    (or, for a plan first released later, when the order first needs it); a version released
    afterwards is for the next orders (ADR 40)."""

    __tablename__ = "order_plan"

    work_order: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id"), index=True)
    pinned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Switching(Base):
    """ISO 2859-1 switching state per supplier and item."""

    __tablename__ = "switching"

    supplier: Mapped[str] = mapped_column(String(200), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Counter(Base):
    """Per-prefix sequence for readable numbers (QT-000001, NCR-000001)."""

    __tablename__ = "counter"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class OperationRun(Base):
    """An in-process operation as quality learns it from work orders' events: when it started,
    its pauses and completion, so that `every_t_minutes` counts the minutes it ran (ADR 41)."""

    __tablename__ = "operation_run"

    work_order: Mapped[str] = mapped_column(String(64), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # paused since
    paused_minutes: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class YieldCount(Base):
    """One yield report of an operation (good + scrap), kept once per `report_id`: a redelivery or a
    second copy counts nothing more; a correction (same id, later `occurred_at`) replaces it."""

    __tablename__ = "yield_count"
    __table_args__ = (Index("ix_yield_count_work_order_operation", "work_order", "operation"),)

    report_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    work_order: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SamplingPoint(Base):
    """One frequency task of a plan on an operation: the `mark`-th multiple of n parts or t minutes.
    The primary key makes creating it idempotent across redeliveries, replicas and restarts; the plan
    is named by code, so a new version of the plan carries on counting where the old one was."""

    __tablename__ = "sampling_point"
    __table_args__ = (CheckConstraint(f"trigger IN {SAMPLING_TRIGGERS}", name="trigger"),)

    plan_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    work_order: Mapped[str] = mapped_column(String(64), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64), primary_key=True)
    trigger: Mapped[SamplingTrigger] = mapped_column(String(16), primary_key=True)
    mark: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_number: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
