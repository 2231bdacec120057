"""The dispatch list of a work center: what to run next, and why something can't start yet."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.models import EquipmentState, Operation, WorkCenterRef, WorkOrder
from mes.services.work_orders.queries.orders import operations, predecessors
from mes.services.work_orders.schemas.planning import Blocker, DispatchItem, DispatchList, MaterialNeed

ORDERS = ("released", "in_progress", "on_hold")
OPEN = ("pending", "in_progress", "paused")


def remaining(op: Operation) -> Decimal:
    return max(op.quantity - op.good - op.scrap - op.rework, Decimal(0))


async def _unavailable(session: AsyncSession, work_center: str, equipment: str | None) -> str | None:
    """Why the work center (or the machine assigned) can't run now, from resource's state events."""
    states = {s.code: s for s in await session.scalars(select(EquipmentState))}
    if equipment is not None and equipment in states and not states[equipment].available:
        s = states[equipment]
        return f"{equipment} is {s.state}" + (f" ({s.reason_code})" if s.reason_code else "")
    if work_center in states and not states[work_center].available:
        return f"{work_center} is {states[work_center].state}"
    wc = await session.get(WorkCenterRef, work_center)
    if wc is not None and equipment is None:
        machines = [s for s in states.values() if s.path.startswith(wc.path + "/")]
        if machines and not any(m.available for m in machines):
            return f"every machine of {work_center} is down: " + ", ".join(
                f"{m.code} {m.state}" for m in sorted(machines, key=lambda m: m.code)
            )
    return None


async def dispatch_list(session: AsyncSession, work_center: str, caller: Caller) -> DispatchList:
    rows = await session.execute(
        select(Operation, WorkOrder)
        .join(WorkOrder, Operation.work_order_id == WorkOrder.id)
        .where(
            Operation.work_center == work_center,
            Operation.status.in_(OPEN),
            WorkOrder.status.in_(ORDERS),
        )
        .order_by(WorkOrder.priority, WorkOrder.due, WorkOrder.number, Operation.position, Operation.branch)
    )
    stock: dict[str, Decimal] = {}
    items: list[DispatchItem] = []
    for op, order in rows.all():
        blocked: list[Blocker] = []
        if order.status == "on_hold":
            blocked.append(Blocker(code="order_on_hold", detail=order.hold_reason or "on hold"))
        if order.quality_hold is not None:
            blocked.append(Blocker(code="quality_hold", detail=order.quality_hold))
        if op.status == "pending":
            waiting = [
                p.key for p in predecessors(await operations(session, order), op) if p.status != "completed"
            ]
            if waiting:
                blocked.append(
                    Blocker(code="previous_operation_open", detail=f"waiting for {', '.join(waiting)}")
                )
        down = await _unavailable(session, work_center, op.equipment)
        if down is not None:
            blocked.append(Blocker(code="equipment_unavailable", detail=down))
        needs: list[MaterialNeed] = []
        for m in op.materials:
            if m["item"] not in stock:
                stock[m["item"]] = await clients.available(caller, m["item"])
            required = Decimal(m["quantity"]) * remaining(op)
            needs.append(
                MaterialNeed(
                    item=m["item"],
                    required=required,
                    available=stock[m["item"]],
                    uom=m["uom"],
                    short=stock[m["item"]] < required,
                )
            )
        short = [n for n in needs if n.short]
        if short and op.status == "pending":
            blocked.append(
                Blocker(
                    code="material_short",
                    detail="; ".join(f"{n.item}: {n.available} of {n.required} {n.uom}" for n in short),
                )
            )
        items.append(
            DispatchItem(
                work_order=order.number,
                product=order.product,
                priority=order.priority,
                due=order.due,
                operation=op.key,
                name=op.name,
                work_center=op.work_center,
                equipment=op.equipment,
                status=op.status,
                quantity=op.quantity,
                remaining=remaining(op),
                planned_start=op.planned_start,
                planned_end=op.planned_end,
                late=order.late,
                can_start=op.status == "pending" and not blocked,
                blocked_by=blocked,
                materials=needs,
            )
        )
    return DispatchList(work_center=work_center, items=items)
