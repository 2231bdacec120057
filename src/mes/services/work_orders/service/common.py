"""Shared helpers of the execution use cases: loading under lock, state guards, clocks, audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    EquipmentUnavailable,
    InvalidTransition,
    OperatorNotQualified,
    QualityHold,
)
from mes.services.work_orders.models import Labour, Operation, WorkOrder
from mes.services.work_orders.models.orders import EXECUTABLE
from mes.services.work_orders.queries.orders import operation_by_key, operations, order_by_number

SIX = Decimal("0.000001")


def minutes_between(start: datetime, end: datetime) -> Decimal:
    micro = Decimal((end - start) // timedelta(microseconds=1))
    return max(micro / Decimal(60_000_000), Decimal(0)).quantize(SIX)


async def load(session: AsyncSession, number: str, key: str) -> tuple[WorkOrder, list[Operation], Operation]:
    """The order (locked: commands on one order queue), its operations, and the one named."""
    order = await order_by_number(session, number, lock=True)
    if order.status == "planned":
        raise InvalidTransition(
            f"Work order {order.number} is planned: release it before working on its operations.",
            current_status=order.status,
            action="execute",
        )
    op = await operation_by_key(session, order, key)
    return order, await operations(session, order), op


def executable(order: WorkOrder) -> None:
    """Work may be done on the order now: released or in progress, and not held by quality."""
    if order.status not in EXECUTABLE:
        raise InvalidTransition(
            f"Work order {order.number} is {order.status.replace('_', ' ')}: no work can be booked on it.",
            current_status=order.status,
            action="execute",
        )
    if order.quality_hold is not None:
        raise QualityHold(f"Quality holds work order {order.number}: {order.quality_hold}.")


async def authorize(caller: Caller, operator: str, equipment: str, op: Operation) -> None:
    """Through resource: the operator holds the skills and the equipment is available now."""
    result = await clients.authorize(caller, operator, equipment, op.name, op.skills)
    if result.allowed:
        return
    reasons = [r.model_dump() for r in result.reasons]
    detail = "; ".join(r.detail for r in result.reasons) or "not allowed"
    if any(r.code == "equipment_unavailable" for r in result.reasons):
        raise EquipmentUnavailable(f"{equipment} can't run {op.key} now: {detail}", reasons=reasons)
    raise OperatorNotQualified(f"{operator} may not run {op.key} on {equipment}: {detail}", reasons=reasons)


async def open_clocks(session: AsyncSession, op: Operation) -> list[Labour]:
    return list(
        await session.scalars(
            select(Labour).where(Labour.operation_id == op.id, Labour.clock_out.is_(None)).order_by(Labour.id)
        )
    )


def clock_out(clock: Labour, at: datetime) -> None:
    clock.clock_out = at
    clock.minutes = minutes_between(clock.clock_in, at)


async def audit_op(
    session: AsyncSession,
    order: WorkOrder,
    op: Operation,
    actor: str,
    action: str,
    *,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> None:
    await append_audit(
        session,
        actor=actor,
        action=f"operation.{action}",
        entity_type="operation",
        entity_id=f"{order.number}/{op.key}",
        old=old,
        new=new,
        reason=reason,
    )


def op_fields(order: WorkOrder, op: Operation, actor: str) -> dict[str, Any]:
    return {
        "work_order": order.number,
        "product": order.product,
        "actor": actor,
        "operation": op.key,
        "name": op.name,
        "work_center": op.work_center,
        "equipment": op.equipment,
    }
