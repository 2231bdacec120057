"""Work orders and their operations, and the state machines that guard them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.work_orders.errors import InvalidTransition
from mes.services.work_orders.models.base import Base, Minutes, Qty
from mes.services.work_orders.vocabulary import (
    FLOOR_CHANGE_KINDS,
    OP_STATUSES,
    ORDER_STATUSES,
    ORIGINS,
    YIELD_KINDS,
    FloorChangeKind,
    OpAction,
    OpStatus,
    OrderAction,
    OrderStatus,
    Origin,
    YieldKind,
)

# action: (statuses it is allowed from, status it leads to; None = back to the status before the hold)
ORDER_TRANSITIONS: dict[OrderAction, tuple[frozenset[OrderStatus], OrderStatus | None]] = {
    "release": (frozenset({"planned"}), "released"),
    "start": (frozenset({"released"}), "in_progress"),
    "hold": (frozenset({"planned", "released", "in_progress"}), "on_hold"),
    "resume": (frozenset({"on_hold"}), None),
    "complete": (frozenset({"in_progress"}), "completed"),
    "close": (frozenset({"completed"}), "closed"),
    "cancel": (frozenset({"planned", "released", "on_hold"}), "cancelled"),
}
# action: (statuses it is allowed from, status it leads to; None = stays)
OP_TRANSITIONS: dict[OpAction, tuple[frozenset[OpStatus], OpStatus | None]] = {
    "start": (frozenset({"pending"}), "in_progress"),
    "pause": (frozenset({"in_progress"}), "paused"),
    "resume": (frozenset({"paused"}), "in_progress"),
    "complete": (frozenset({"in_progress"}), "completed"),
    "skip": (frozenset({"pending"}), "skipped"),
    "split": (frozenset({"pending"}), "split"),
    "rework_from": (frozenset({"in_progress", "paused", "completed"}), None),
}
EXECUTABLE: frozenset[OrderStatus] = frozenset({"released", "in_progress"})


def order_next_status(
    status: OrderStatus, action: OrderAction, before_hold: OrderStatus | None = None
) -> OrderStatus:
    """The status `action` leads to from `status`; InvalidTransition (409) when not allowed."""
    allowed, target = ORDER_TRANSITIONS[action]
    if status not in allowed or (action == "cancel" and before_hold == "in_progress"):
        raise InvalidTransition(
            f"A work order that is {status.replace('_', ' ')} can't {action}"
            + (" (work has started: complete it short instead)" if action == "cancel" else "")
            + ".",
            current_status=status,
            action=action,
        )
    if target is None:
        assert before_hold is not None
        return before_hold
    return target


def op_next_status(status: OpStatus, action: OpAction, key: str) -> OpStatus:
    allowed, target = OP_TRANSITIONS[action]
    if status not in allowed:
        raise InvalidTransition(
            f"Operation {key} is {status.replace('_', ' ')}; it can't {action.replace('_', ' ')}.",
            current_status=status,
            action=action,
            operation=key,
        )
    return target or status


class WorkOrder(Base):
    __tablename__ = "work_order"
    __table_args__ = (
        CheckConstraint(f"status IN {ORDER_STATUSES}", name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    product: Mapped[str] = mapped_column(ForeignKey("product.code"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    uom: Mapped[str] = mapped_column(String(16))
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    priority: Mapped[int] = mapped_column(Integer)  # 1 most urgent
    erp_ref: Mapped[str | None] = mapped_column(String(64))
    routing_version: Mapped[str | None] = mapped_column(String(16))  # chosen at release when None
    status: Mapped[OrderStatus] = mapped_column(String(16), index=True)
    status_before_hold: Mapped[OrderStatus | None] = mapped_column(String(16))
    hold_reason: Mapped[str | None] = mapped_column(Text)
    quality_hold: Mapped[str | None] = mapped_column(Text)  # the reason, while quality holds it
    # when quality's latest applied hold or release was asked for; older requests are superseded
    quality_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    over_tolerance_pct: Mapped[Decimal | None] = mapped_column(Qty)
    under_tolerance_pct: Mapped[Decimal | None] = mapped_column(Qty)
    routing_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    good: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    scrap: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    process_loss: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    short: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    late: Mapped[bool] = mapped_column(default=False)

    def transition(self, action: OrderAction) -> OrderStatus:
        """Moves the order along its state machine; returns the old status."""
        old = self.status
        self.status = order_next_status(self.status, action, self.status_before_hold)
        self.status_before_hold = old if self.status == "on_hold" else None
        return old


class Operation(Base):
    """An operation of one order: a snapshot of a routing step, or one added on the floor."""

    __tablename__ = "wo_operation"
    __table_args__ = (
        UniqueConstraint("work_order_id", "key", name="uq_wo_operation_key"),
        CheckConstraint(f"status IN {OP_STATUSES}", name="status"),
        CheckConstraint(f"origin IN {ORIGINS}", name="origin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_order.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # "20", "20-R1", "30-B"
    step: Mapped[int] = mapped_column(Integer)  # the routing step it stems from
    position: Mapped[int] = mapped_column(Integer)  # order of execution; split parts share it
    branch: Mapped[int] = mapped_column(Integer, default=0)  # 1..n for parts of a split
    name: Mapped[str] = mapped_column(String(200))
    work_center: Mapped[str] = mapped_column(String(64), index=True)
    equipment: Mapped[str | None] = mapped_column(String(64))
    setup_minutes: Mapped[Decimal] = mapped_column(Minutes)
    run_minutes: Mapped[Decimal] = mapped_column(Minutes)
    skills: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    output_item: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Qty)  # to make at this operation
    status: Mapped[OpStatus] = mapped_column(String(16), default="pending")
    origin: Mapped[Origin] = mapped_column(String(16), default="planned")
    parent_key: Mapped[str | None] = mapped_column(String(32))  # reworked from / split from
    reason: Mapped[str | None] = mapped_column(Text)  # why it was inserted, skipped, reworked, split
    good: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    scrap: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    rework: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    process_loss: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_minutes: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0))
    planned_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_equipment: Mapped[str | None] = mapped_column(String(64))  # the machine the schedule chose

    def transition(self, action: OpAction) -> OpStatus:
        old = self.status
        self.status = op_next_status(self.status, action, self.key)
        return old


class Labour(Base):
    """One operator's clock on an operation; others' clocks run on regardless."""

    __tablename__ = "labour"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    operator: Mapped[str] = mapped_column(String(200))
    clock_in: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    clock_out: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[Decimal | None] = mapped_column(Minutes)


class Pause(Base):
    __tablename__ = "op_pause"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    paused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paused_by: Mapped[str] = mapped_column(String(200))
    resumed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resume_reason: Mapped[str | None] = mapped_column(Text)


class YieldRecord(Base):
    """Good, scrap (with its reason) or rework quantity reported at an operation."""

    __tablename__ = "yield_record"
    __table_args__ = (CheckConstraint(f"kind IN {YIELD_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    kind: Mapped[YieldKind] = mapped_column(String(8))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Consumption(Base):
    """A lot consumed through material; `output_code` is the finished unit it went into."""

    __tablename__ = "consumption"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    lot: Mapped[str] = mapped_column(String(64), index=True)
    item: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    uom: Mapped[str] = mapped_column(String(16))
    movement_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    output_code: Mapped[str | None] = mapped_column(String(64))


class OutputUnit(Base):
    """A lot or serial produced by an operation."""

    __tablename__ = "output_unit"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    item: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    uom: Mapped[str] = mapped_column(String(16))
    serial: Mapped[bool]
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FloorChange(Base):
    """A change to the plan made on the floor: rework, insert, skip, split."""

    __tablename__ = "floor_change"
    __table_args__ = (CheckConstraint(f"kind IN {FLOOR_CHANGE_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_order.id"), index=True)
    kind: Mapped[FloorChangeKind] = mapped_column(String(8))
    operation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
