"""Shared helpers of the execution use cases: loading under lock, state guards, clocks, audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.errors import DomainError
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    EquipmentUnavailable,
    InvalidTransition,
    OperatorNotQualified,
    QualityHold,
    WrongEquipment,
)
from mes.services.work_orders.models import Labour, Operation, WorkOrder
from mes.services.work_orders.models.orders import EXECUTABLE
from mes.services.work_orders.queries.orders import operation_by_key, operations, order_by_number

SIX = Decimal("0.000001")


def minutes_between(start: datetime, end: datetime) -> Decimal:
    micro = Decimal((end - start) // timedelta(microseconds=1))
    return max(micro / Decimal(60_000_000), Decimal(0)).quantize(SIX)


async def load(session: AsyncSession, number: str, key: str) -> tuple[WorkOrder, list[Operation], Operation]:
    """The order (locked: commands on one order queue), its operations, and the one named.

    No call to another service after this (ADR 35): the lock is held until the transaction ends,
    and every command on the order would wait for the other service's answer. A use case that
    asks another service does so after `peek`, then loads, checks again what matters and applies."""
    return await _read(session, number, key, lock=True)


async def peek(session: AsyncSession, number: str, key: str) -> tuple[WorkOrder, list[Operation], Operation]:
    """The order, its operations and the one named, read without a lock: what a use case checks
    before it asks another service anything; `load` reads them again, locked (ADR 35)."""
    return await _read(session, number, key, lock=False)


async def _read(
    session: AsyncSession, number: str, key: str, *, lock: bool
) -> tuple[WorkOrder, list[Operation], Operation]:
    order = await order_by_number(session, number, lock=lock)
    if order.status == "planned":
        raise InvalidTransition(
            f"Work order {order.number} is planned: release it before working on its operations.",
            current_status=order.status,
            action="execute",
        )
    ops = await operations(session, order, fresh=lock)
    op = next((o for o in ops if o.key == key), None)
    if op is None:
        op = await operation_by_key(session, order, key)  # raises OperationNotFound
    return order, ops, op


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


WRONG_EQUIPMENT = frozenset({"equipment_not_a_machine", "equipment_not_in_work_center"})


async def authorize(
    session: AsyncSession,
    caller: Caller,
    order: WorkOrder,
    op: Operation,
    equipment: str,
    action: str,
) -> None:
    """Through resource: `equipment` is a machine of the operation's work center, the operator
    holds every skill its path and the routing require, and it is available now.

    Call it before changing anything: a refusal is audited (`operation.<action>_refused`) and
    that audit row is committed with the 409 (the error keeps the unit of work's changes)."""
    operator = caller.subject
    result = await clients.authorize(caller, operator, equipment, op.work_center, op.name, op.skills)
    if result.allowed:
        return
    reasons = [r.model_dump() for r in result.reasons]
    codes = {r.code for r in result.reasons}
    detail = (
        "; ".join(r.detail.rstrip(".") for r in result.reasons) + "." if result.reasons else "not allowed."
    )
    error: DomainError
    if codes & WRONG_EQUIPMENT:
        error = WrongEquipment(
            f"{op.key} runs at work center {op.work_center}; it can't run on {equipment}: {detail}",
            reasons=reasons,
        )
    elif "equipment_unavailable" in codes:
        error = EquipmentUnavailable(f"{equipment} can't run {op.key} now: {detail}", reasons=reasons)
    else:
        error = OperatorNotQualified(
            f"{operator} may not run {op.key} on {equipment}: {detail}", reasons=reasons
        )
    await audit_op(
        session,
        order,
        op,
        operator,
        f"{action}_refused",
        new={"equipment": equipment, "code": error.code, "reasons": reasons},
        reason=detail,
    )
    error.keeps_changes = True
    raise error


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
