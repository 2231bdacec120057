"""Shift calendars: weekly shift patterns with breaks, holidays and planned non-production time."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Time
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import Integer

from mes.services.resource.models.base import Base
from mes.services.resource.vocabulary import ExceptionKind


class ShiftCalendar(Base):
    """The calendar of a site or work center; equipment without one inherits its parent's."""

    __tablename__ = "shift_calendar"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), unique=True
    )
    time_zone: Mapped[str] = mapped_column(String(64))


class ShiftPattern(Base):
    """A shift on some weekdays (ISO 1=Monday): local start and end (end <= start crosses midnight)."""

    __tablename__ = "shift_pattern"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shift_calendar.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    weekdays: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    breaks: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list
    )  # [{"start": "hh:mm", "end": ...}]
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CalendarException(Base):
    """A holiday (no shift starting that local day) or a planned non-production period."""

    __tablename__ = "calendar_exception"
    __table_args__ = (
        CheckConstraint("kind IN ('holiday', 'non_production')", name="kind"),
        CheckConstraint(
            "(kind = 'holiday' AND day IS NOT NULL) OR (kind = 'non_production' AND ends_at > starts_at)",
            name="shape",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shift_calendar.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ExceptionKind] = mapped_column(String(16))
    day: Mapped[date | None] = mapped_column(Date)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    name: Mapped[str] = mapped_column(String(200))
