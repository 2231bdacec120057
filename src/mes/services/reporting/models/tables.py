"""Read-model tables of the reporting service (database mes_reporting).

Every event received is kept as it came (`received_event`), so the read models can be rebuilt
from it; each read model is keyed so that a duplicate changes nothing and a later correction
(a re-announced stop, a corrected yield) replaces what it corrects.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables
from mes.services.reporting.vocabulary import CountSource, TimeElement

metadata = new_metadata()
platform_tables(metadata)
Qty = Numeric(18, 6)
Code = String(64)


class Base(DeclarativeBase):
    metadata = metadata


class ReceivedEvent(Base):
    """Every event a read model was built from, as received: the source of a full rebuild."""

    __tablename__ = "received_event"

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EquipmentNode(Base):
    """The plant hierarchy as resource announces it: `path` is codes from the enterprise down."""

    __tablename__ = "equipment_node"

    code: Mapped[str] = mapped_column(Code, primary_key=True)
    path: Mapped[str] = mapped_column(String(1000))
    level: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))


class StateSegment(Base):
    """One state event: the state from `started_at`, until `ended_at` if set; `eff_end` where a later open state takes over."""

    __tablename__ = "state_segment"
    __table_args__ = (Index("ix_state_segment_eq_started", "equipment_code", "started_at"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    equipment_code: Mapped[str] = mapped_column(Code)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    eff_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))
    element: Mapped[TimeElement] = mapped_column(String(8))
    reason_code: Mapped[str | None] = mapped_column(Code)


class StateInterval(Base):
    """The resolved, gap-free history: what the equipment was in, per interval (ended_at NULL: now)."""

    __tablename__ = "state_interval"

    equipment_code: Mapped[str] = mapped_column(Code, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))
    element: Mapped[TimeElement] = mapped_column(String(8))
    reason_code: Mapped[str | None] = mapped_column(Code)


class StateHour(Base):
    """Seconds per ISO 22400 time element per equipment and hour (closed intervals only)."""

    __tablename__ = "state_hour"

    equipment_code: Mapped[str] = mapped_column(Code, primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    element: Mapped[TimeElement] = mapped_column(String(8), primary_key=True)
    seconds: Mapped[Decimal] = mapped_column(Numeric(12, 3))


class YieldReport(Base):
    """One yield report as last published (a correction with the same report id replaces it)."""

    __tablename__ = "yield_report"
    __table_args__ = (Index("ix_yield_report_equipment_at", "equipment_code", "at"),)

    report_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    work_order: Mapped[str] = mapped_column(Code)
    product: Mapped[str] = mapped_column(Code)
    operation: Mapped[str] = mapped_column(Code)
    work_center: Mapped[str] = mapped_column(Code)
    equipment_code: Mapped[str] = mapped_column(Code)  # "" when the operation had none
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    good: Mapped[Decimal] = mapped_column(Qty)
    scrap: Mapped[Decimal] = mapped_column(Qty)
    rework: Mapped[Decimal] = mapped_column(Qty)
    reasons: Mapped[dict[str, str]] = mapped_column(JSONB)  # reason -> quantity
    # imported history only (ADR 42): standard minutes earned and each operator's labour minutes
    standard_minutes: Mapped[Decimal | None] = mapped_column(Qty, nullable=True)
    labour: Mapped[dict[str, str] | None] = mapped_column(JSONB, nullable=True)  # operator -> minutes


class MachineCount(Base):
    """A machine counter increment (integration), counted when no operator reported that hour."""

    __tablename__ = "machine_count"
    __table_args__ = (Index("ix_machine_count_equipment_at", "equipment_code", "at"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    equipment_code: Mapped[str] = mapped_column(Code)
    counter: Mapped[str] = mapped_column(String(16))
    increment: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProductionHour(Base):
    """Equipment x product x hour: quantities by source (operator reports, machine counters)."""

    __tablename__ = "production_hour"

    equipment_code: Mapped[str] = mapped_column(Code, primary_key=True)
    product: Mapped[str] = mapped_column(Code, primary_key=True)  # "" for machine counters
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    source: Mapped[CountSource] = mapped_column(String(8), primary_key=True)
    good: Mapped[Decimal] = mapped_column(Qty)
    scrap: Mapped[Decimal] = mapped_column(Qty)
    rework: Mapped[Decimal] = mapped_column(Qty)
    cycles: Mapped[Decimal] = mapped_column(Qty)
    scrap_by_reason: Mapped[dict[str, str]] = mapped_column(JSONB)


class DowntimeRecord(Base):
    """A stop as resource last announced it; its reason from the latest classification."""

    __tablename__ = "downtime_record"
    __table_args__ = (Index("ix_downtime_record_equipment_started", "equipment_code", "started_at"),)

    downtime_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    equipment_code: Mapped[str] = mapped_column(Code)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    micro_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    unqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    times_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the announcement used
    reason_code: Mapped[str | None] = mapped_column(Code)
    reason_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OperationResult(Base):
    """A completed operation's totals (work orders' operation_completed): first pass yield."""

    __tablename__ = "operation_result"

    work_order: Mapped[str] = mapped_column(Code, primary_key=True)
    operation: Mapped[str] = mapped_column(Code, primary_key=True)
    product: Mapped[str] = mapped_column(Code)
    name: Mapped[str] = mapped_column(String(200))
    work_center: Mapped[str] = mapped_column(Code)
    equipment_code: Mapped[str | None] = mapped_column(Code)
    good: Mapped[Decimal] = mapped_column(Qty)
    scrap: Mapped[Decimal] = mapped_column(Qty)
    rework: Mapped[Decimal] = mapped_column(Qty)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the operation's standard times at completion (labour efficiency); None: an event from before them
    standard_setup_minutes: Mapped[Decimal | None] = mapped_column(Qty)
    standard_run_minutes_per_unit: Mapped[Decimal | None] = mapped_column(Qty)
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the completion used


class LabourTime(Base):
    """An operator's labour minutes on a completed operation, as its completion reported them."""

    __tablename__ = "labour_time"

    work_order: Mapped[str] = mapped_column(Code, primary_key=True)
    operation: Mapped[str] = mapped_column(Code, primary_key=True)
    operator: Mapped[str] = mapped_column(String(200), primary_key=True)
    minutes: Mapped[Decimal] = mapped_column(Qty)


class OperationRun(Base):
    """Which order runs where: started, and completed once its completion arrives (WIP, machine counts' product)."""

    __tablename__ = "operation_run"

    work_order: Mapped[str] = mapped_column(Code, primary_key=True)
    operation: Mapped[str] = mapped_column(Code, primary_key=True)
    product: Mapped[str] = mapped_column(Code)
    work_center: Mapped[str] = mapped_column(Code)
    equipment_code: Mapped[str | None] = mapped_column(Code)
    operator: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the schedule's times when it was started (schedule adherence); None: not scheduled
    planned_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderCompletion(Base):
    """A completed work order against its due date (on-time completion)."""

    __tablename__ = "order_completion"

    work_order: Mapped[str] = mapped_column(Code, primary_key=True)
    product: Mapped[str] = mapped_column(Code)
    due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: an event from before `due`
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShiftSnapshot(Base):
    """A shift's figures as they stood when it ended (or at the first read after its end)."""

    __tablename__ = "shift_snapshot"

    scope: Mapped[str] = mapped_column(Code, primary_key=True)
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB)
