"""Preventive maintenance plans (calendar or usage counter) and the orders they raise."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from mes.platform.errors import a_an
from mes.services.resource.models.base import Base
from mes.services.resource.vocabulary import (
    MAINTENANCE_STATUSES,
    PLAN_TRIGGERS,
    MaintenanceStatus,
    OrderTrigger,
    PlanTrigger,
)


class MaintenancePlan(Base):
    """Due every `interval` days (calendar), cycles or operating hours since `baseline`."""

    __tablename__ = "maintenance_plan"
    __table_args__ = (
        CheckConstraint(f"trigger IN {PLAN_TRIGGERS}", name="trigger"),
        CheckConstraint("interval > 0", name="interval"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    trigger: Mapped[PlanTrigger] = mapped_column(String(16))
    interval: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    # counter value (cycles or hours) or, for calendar plans, unused: last_done_at counts
    baseline: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=Decimal(0))
    last_done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200))


class MaintenanceOrder(Base):
    __tablename__ = "maintenance_order"
    __table_args__ = (CheckConstraint(f"status IN {MAINTENANCE_STATUSES}", name="status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("maintenance_plan.id"), index=True)
    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MaintenanceStatus] = mapped_column(String(16))
    trigger: Mapped[OrderTrigger] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counter_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    description: Mapped[str | None] = mapped_column(Text)
    assigned_to: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def advance(self, to: MaintenanceStatus) -> None:
        """ValueError unless open -> assigned -> in_progress -> completed (assigning is optional)."""
        allowed: dict[MaintenanceStatus, set[MaintenanceStatus]] = {
            "open": {"assigned", "in_progress"},
            "assigned": {"assigned", "in_progress"},
            "in_progress": {"completed"},
        }
        if to not in allowed.get(self.status, set()):
            raise ValueError(f"{a_an(self.status)} order can't become {to.replace('_', ' ')}")
        self.status = to
