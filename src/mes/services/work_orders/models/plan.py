"""The schedule's own state: the machines of each work center, the changes not planned yet, the last run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.work_orders.models.base import Base


class MachineRef(Base):
    """A machine (ISA-95 equipment level) as the resource service announced it: one unit of its
    work center's capacity; a work center with several runs that many operations at once."""

    __tablename__ = "machine_ref"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    work_center: Mapped[str] = mapped_column(String(64), index=True)  # its parent
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(2000))


class ScheduleChange(Base):
    """A change that makes the stored schedule stale, written in the same transaction as the change;
    the schedule worker plans them all at once and deletes them (ADR 24)."""

    __tablename__ = "schedule_change"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    what: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))


class ScheduleRun(Base):
    """The one row describing the stored schedule: when and by whom it was computed, on which units."""

    __tablename__ = "schedule_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # always 1
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    computed_by: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    horizon_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recomputations: Mapped[int] = mapped_column(Integer, default=0)
    # [{"work_center", "equipment", "available", "windows": [[start, end], ...]}]
    units: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
