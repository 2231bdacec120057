"""Changes to the plan made on the floor, audited and kept for planned-versus-as-built."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.events import utcnow
from mes.platform.schemas import format_decimal as fmt
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import InvalidFloorChange
from mes.services.work_orders.models import FloorChange, Operation, WorkCenterRef, WorkOrder, YieldRecord
from mes.services.work_orders.queries.orders import operation_by_key, order_read
from mes.services.work_orders.schemas.orders import WorkOrderRead
from mes.services.work_orders.schemas.planning import InsertOperation, Rework, Split
from mes.services.work_orders.service import schedule
from mes.services.work_orders.service.common import audit_op, load

OPEN_ORDER = ("released", "in_progress", "on_hold")


def _changeable(order: WorkOrder) -> None:
    if order.status not in OPEN_ORDER:
        raise InvalidFloorChange(
            f"Work order {order.number} is {order.status.replace('_', ' ')}: its plan can't change.",
            current_status=order.status,
        )


def _copy(op: Operation, **changes: Any) -> Operation:
    fields = {
        "work_order_id": op.work_order_id,
        "step": op.step,
        "name": op.name,
        "work_center": op.work_center,
        "equipment": None,
        "setup_minutes": op.setup_minutes,
        "run_minutes": op.run_minutes,
        "skills": op.skills,
        "materials": op.materials,
        "output_item": op.output_item,
        "quantity": op.quantity,
        "status": "pending",
        "branch": 0,
    }
    return Operation(**{**fields, **changes})


async def _record(
    session: AsyncSession,
    order: WorkOrder,
    op: Operation,
    kind: str,
    reason: str,
    detail: dict[str, Any],
    caller: Caller,
) -> WorkOrderRead:
    session.add(
        FloorChange(
            work_order_id=order.id,
            kind=kind,
            operation=op.key,
            reason=reason,
            detail=detail,
            actor=caller.subject,
            at=utcnow(),
        )
    )
    await audit_op(session, order, op, caller.subject, kind, new=detail, reason=reason)
    await session.flush()
    await schedule.mark_stale(session, caller, f"{kind} {order.number}/{op.key}")
    return await order_read(session, order)


def _shift_after(ops: list[Operation], position: int, by: int) -> None:
    for o in ops:
        if o.position > position:
            o.position += by


async def insert_operation(
    session: AsyncSession, number: str, data: InsertOperation, caller: Caller
) -> WorkOrderRead:
    order, ops, after = await load(session, number, data.after)
    _changeable(order)
    later = [
        o for o in ops if o.position > after.position and o.status not in ("pending", "skipped", "split")
    ]
    if later:
        raise InvalidFloorChange(f"Operation {later[0].key} after {after.key} has already started.")
    if await session.get(WorkCenterRef, data.work_center) is None:
        raise InvalidFloorChange(f"Unknown work center {data.work_center}.", code="unknown_work_center")
    n = 1 + (await session.scalar(select(func.count()).where(FloorChange.work_order_id == order.id)) or 0)
    _shift_after(ops, after.position, 10)
    op = Operation(
        work_order_id=order.id,
        key=f"{after.key}-I{n}",
        step=10000 + n,
        position=after.position + 5,
        branch=0,
        name=data.name,
        work_center=data.work_center,
        setup_minutes=data.setup_minutes,
        run_minutes=data.run_minutes_per_unit,
        skills=[s.model_dump() for s in data.skills],
        materials=[],
        output_item=None,
        quantity=order.quantity,
        status="pending",
        origin="inserted",
        reason=data.reason,
    )
    session.add(op)
    detail = {"after": after.key, "name": data.name, "work_center": data.work_center}
    return await _record(session, order, op, "insert", data.reason, detail, caller)


async def skip_operation(
    session: AsyncSession, number: str, key: str, reason: str, caller: Caller
) -> WorkOrderRead:
    order, _ops, op = await load(session, number, key)
    _changeable(order)
    op.transition("skip")
    op.reason = reason
    return await _record(session, order, op, "skip", reason, {}, caller)


async def split_operation(
    session: AsyncSession, number: str, key: str, data: Split, caller: Caller
) -> WorkOrderRead:
    """Run a pending operation on parallel machines, each part with its own quantity and clock."""
    order, _ops, op = await load(session, number, key)
    _changeable(order)
    total = sum((p.quantity for p in data.parts), Decimal(0))
    if total != op.quantity:
        raise InvalidFloorChange(
            f"The parts add up to {fmt(total)}; {op.key} has {fmt(op.quantity)} to make."
        )
    op.transition("split")
    op.reason = data.reason
    for branch, part in enumerate(data.parts, start=1):
        session.add(
            _copy(
                op,
                key=f"{op.key}-{chr(64 + branch)}",
                position=op.position,
                branch=branch,
                quantity=part.quantity,
                equipment=part.equipment,
                origin="split",
                parent_key=op.key,
            )
        )
    detail = {"parts": [p.model_dump(mode="json") for p in data.parts]}
    return await _record(session, order, op, "split", data.reason, detail, caller)


async def rework(session: AsyncSession, number: str, key: str, data: Rework, caller: Caller) -> WorkOrderRead:
    """Send parts from `key` back to an earlier operation: the steps between run again for them."""
    order, ops, sender = await load(session, number, key)
    _changeable(order)
    sender.transition("rework_from")
    target = await operation_by_key(session, order, data.to_operation)
    if target.position > sender.position:
        raise InvalidFloorChange(f"{target.key} comes after {sender.key}; rework goes back.")
    if data.quantity > sender.good:
        raise InvalidFloorChange(
            f"{sender.key} reported {fmt(sender.good)} good; {fmt(data.quantity)} can't go back to rework."
        )
    chain = [
        o
        for o in ops
        if target.position <= o.position <= sender.position
        and o.origin != "rework"
        and (o.status == "split" or (o.branch == 0 and o.status != "skipped"))
    ]
    n = 1 + (
        await session.scalar(
            select(func.count()).where(FloorChange.work_order_id == order.id, FloorChange.kind == "rework")
        )
        or 0
    )
    _shift_after(ops, sender.position, 10 * len(chain))
    for i, original in enumerate(chain, start=1):
        session.add(
            _copy(
                original,
                key=f"{original.key}-R{n}",
                position=sender.position + 10 * i,
                quantity=data.quantity,
                origin="rework",
                parent_key=original.key,
                reason=data.reason,
            )
        )
    sender.good -= data.quantity
    sender.rework += data.quantity
    session.add(
        YieldRecord(
            operation_id=sender.id,
            kind="rework",
            quantity=data.quantity,
            reason=data.reason,
            actor=caller.subject,
            at=utcnow(),
        )
    )
    detail = {
        "to": target.key,
        "quantity": str(data.quantity),
        "operations": [f"{o.key}-R{n}" for o in chain],
    }
    return await _record(session, order, sender, "rework", data.reason, detail, caller)
