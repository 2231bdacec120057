"""Reading work orders, their operations, the as-built record and the genealogy of outputs."""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from mes.services.work_orders.errors import OperationNotFound, WorkOrderNotFound
from mes.services.work_orders.models import (
    Consumption,
    FloorChange,
    Labour,
    Operation,
    OutputUnit,
    Pause,
    Product,
    WorkOrder,
)
from mes.services.work_orders.schemas.orders import (
    AsBuiltRead,
    ComponentRead,
    ConsumedRead,
    FloorChangeRead,
    HistoryEntry,
    LabourRead,
    OperationRead,
    OutputRead,
    PlannedStep,
    WorkOrderRead,
)


def default_tolerance(kind: str) -> Decimal:
    """The plant's default tolerance in percent (MES_WORK_ORDERS_OVER_TOLERANCE_PCT / _UNDER_)."""
    return Decimal(os.environ.get(f"MES_WORK_ORDERS_{kind.upper()}_TOLERANCE_PCT", "0"))


def overreport_tolerance() -> Decimal:
    """How much more (percent) an operation may report than the operations before it delivered
    (MES_WORK_ORDERS_OVERREPORT_TOLERANCE_PCT, 0 by default: not one piece more)."""
    return Decimal(os.environ.get("MES_WORK_ORDERS_OVERREPORT_TOLERANCE_PCT", "0"))


def tolerances(order: WorkOrder) -> tuple[Decimal, Decimal]:
    over = order.over_tolerance_pct if order.over_tolerance_pct is not None else default_tolerance("over")
    under = order.under_tolerance_pct if order.under_tolerance_pct is not None else default_tolerance("under")
    return over, under


async def order_by_number(session: AsyncSession, number: str, *, lock: bool = False) -> WorkOrder:
    query = select(WorkOrder).where(WorkOrder.number == number)
    if lock:  # commands on one order queue here, so two operators can't race its state
        # and what was read of it before the lock (ADR 35) is read again, not kept
        query = query.with_for_update().execution_options(populate_existing=True)
    order = await session.scalar(query)
    if order is None:
        raise WorkOrderNotFound(f"No work order {number}.")
    return order


async def operations(session: AsyncSession, order: WorkOrder, *, fresh: bool = False) -> list[Operation]:
    """`fresh`: read again what the session holds already (under the order's lock, ADR 35)."""
    query = (
        select(Operation)
        .where(Operation.work_order_id == order.id)
        .order_by(Operation.position, Operation.branch, Operation.key)
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return list(await session.scalars(query))


async def operation_by_key(session: AsyncSession, order: WorkOrder, key: str) -> Operation:
    op = await session.scalar(
        select(Operation).where(Operation.work_order_id == order.id, Operation.key == key)
    )
    if op is None:
        raise OperationNotFound(f"Work order {order.number} has no operation {key}.")
    return op


async def _labour(session: AsyncSession, ops: list[Operation]) -> dict[object, list[LabourRead]]:
    by_op: dict[object, list[LabourRead]] = defaultdict(list)
    if ops:
        rows = await session.scalars(
            select(Labour).where(Labour.operation_id.in_([o.id for o in ops])).order_by(Labour.id)
        )
        for row in rows:
            by_op[row.operation_id].append(
                LabourRead(
                    operator=row.operator, clock_in=row.clock_in, clock_out=row.clock_out, minutes=row.minutes
                )
            )
    return by_op


async def _pause_reasons(session: AsyncSession, ops: list[Operation]) -> dict[object, str]:
    """Why each paused operation is paused (its open pause), for the station and the board."""
    paused = [o.id for o in ops if o.status == "paused"]
    if not paused:
        return {}
    rows = await session.execute(
        select(Pause.operation_id, Pause.reason)
        .where(Pause.operation_id.in_(paused), Pause.resumed_at.is_(None))
        .order_by(Pause.id)
    )
    return {op_id: reason for op_id, reason in rows}


def _op_read(
    order: WorkOrder, op: Operation, labour: list[LabourRead], pause_reason: str | None = None
) -> OperationRead:
    return OperationRead.model_validate(
        {
            "work_order": order.number,
            "work_order_status": order.status,
            "key": op.key,
            "step": op.step,
            "position": op.position,
            "branch": op.branch,
            "name": op.name,
            "work_center": op.work_center,
            "equipment": op.equipment,
            "quantity": op.quantity,
            "status": op.status,
            "origin": op.origin,
            "parent_key": op.parent_key,
            "reason": op.reason,
            "setup_minutes": op.setup_minutes,
            "run_minutes_per_unit": op.run_minutes,
            "skills": op.skills,
            "materials": op.materials,
            "output_item": op.output_item,
            "good": op.good,
            "scrap": op.scrap,
            "rework": op.rework,
            "process_loss": op.process_loss,
            "started_at": op.started_at,
            "completed_at": op.completed_at,
            "paused_minutes": op.paused_minutes,
            "pause_reason": pause_reason,
            "planned_start": op.planned_start,
            "planned_end": op.planned_end,
            "labour": labour,
        }
    )


async def operation_read(session: AsyncSession, order: WorkOrder, op: Operation) -> OperationRead:
    pauses = await _pause_reasons(session, [op])
    return _op_read(order, op, (await _labour(session, [op]))[op.id], pauses.get(op.id))


async def order_read(session: AsyncSession, order: WorkOrder) -> WorkOrderRead:
    ops = await operations(session, order)
    labour = await _labour(session, ops)
    pauses = await _pause_reasons(session, ops)
    over, under = tolerances(order)
    product = await session.get(Product, order.product)
    return WorkOrderRead(
        number=order.number,
        product=order.product,
        quantity=order.quantity,
        uom=order.uom,
        uom_decimals=product.uom_decimals if product else None,
        due=order.due,
        priority=order.priority,
        erp_ref=order.erp_ref,
        routing_version=order.routing_version,
        status=order.status,
        hold_reason=order.hold_reason,
        quality_hold=order.quality_hold,
        over_tolerance_pct=over,
        under_tolerance_pct=under,
        good=order.good,
        scrap=order.scrap,
        process_loss=order.process_loss,
        short=order.short,
        created_at=order.created_at,
        created_by=order.created_by,
        released_at=order.released_at,
        started_at=order.started_at,
        completed_at=order.completed_at,
        closed_at=order.closed_at,
        planned_start=order.planned_start,
        planned_end=order.planned_end,
        late=order.late,
        operations=[_op_read(order, op, labour[op.id], pauses.get(op.id)) for op in ops],
    )


async def get_order(session: AsyncSession, number: str) -> WorkOrderRead:
    return await order_read(session, await order_by_number(session, number))


def _escaped(value: str) -> str:
    """`value` matched literally inside a LIKE pattern (escape character: backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SORTS: dict[str, InstrumentedAttribute[Any]] = {
    "number": WorkOrder.number,
    "product": WorkOrder.product,
    "due": WorkOrder.due,
    "priority": WorkOrder.priority,
    "status": WorkOrder.status,
    "quantity": WorkOrder.quantity,
    "created_at": WorkOrder.created_at,
    "planned_end": WorkOrder.planned_end,
    "erp_ref": WorkOrder.erp_ref,
}


async def list_orders(
    session: AsyncSession,
    *,
    status: list[str] | None,
    product: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    erp_ref: str | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    late: bool | None = None,
    sort: str | None = None,
) -> tuple[list[WorkOrderRead], int]:
    """`q` finds a part of the number, product or ERP reference (any case); `sort` is a column of
    SORTS, `-` first for descending; without it, most urgent first (priority, due, number)."""
    query = select(WorkOrder)
    if status:
        query = query.where(WorkOrder.status.in_(status))
    if product is not None:
        query = query.where(WorkOrder.product == product)
    if erp_ref is not None:
        query = query.where(WorkOrder.erp_ref == erp_ref)
    if q:
        like = f"%{_escaped(q)}%"
        query = query.where(
            or_(
                WorkOrder.number.ilike(like, escape="\\"),
                WorkOrder.product.ilike(like, escape="\\"),
                WorkOrder.erp_ref.ilike(like, escape="\\"),
            )
        )
    if due_from is not None:
        query = query.where(WorkOrder.due >= due_from)
    if due_to is not None:
        query = query.where(WorkOrder.due < due_to)
    if late is not None:
        query = query.where(WorkOrder.late.is_(late))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order: list[ColumnElement[Any]]
    if sort:
        column = SORTS[sort.lstrip("-")]
        desc = sort.startswith("-")
        order = [
            column.desc().nulls_last() if desc else column.asc().nulls_last(),
            WorkOrder.number.desc() if desc else WorkOrder.number.asc(),
        ]
    else:
        order = [WorkOrder.priority.asc(), WorkOrder.due.asc(), WorkOrder.number.asc()]
    rows = await session.scalars(query.order_by(*order).limit(limit).offset(offset))
    return [await order_read(session, o) for o in rows], total


async def history(session: AsyncSession, number: str) -> list[HistoryEntry]:
    """The order's audit trail and its operations', oldest first."""
    order = await order_by_number(session, number)
    rows = await session.execute(
        text(
            "SELECT at, actor, action, entity_type, entity_id, old, new, reason FROM audit_log"
            " WHERE (entity_type = 'work_order' AND entity_id = :n)"
            " OR (entity_type = 'operation' AND entity_id LIKE :ops ESCAPE '\\') ORDER BY id"
        ),
        {"n": order.number, "ops": _escaped(order.number) + "/%"},
    )
    return [
        HistoryEntry(
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=r.entity_id,
            old=r.old,
            new=r.new,
            reason=r.reason,
        )
        for r in rows
    ]


async def outputs(session: AsyncSession, order: WorkOrder, ops: list[Operation]) -> list[OutputRead]:
    keys = {op.id: op.key for op in ops}
    units = list(
        await session.scalars(
            select(OutputUnit).where(OutputUnit.operation_id.in_(list(keys))).order_by(OutputUnit.id)
        )
    )
    used = await session.scalars(
        select(Consumption)
        .where(Consumption.output_code.in_([u.code for u in units]))
        .order_by(Consumption.id)
    )
    components: dict[str, list[ComponentRead]] = defaultdict(list)
    for c in used:
        assert c.output_code is not None
        components[c.output_code].append(
            ComponentRead(lot=c.lot, item=c.item, quantity=c.quantity, uom=c.uom)
        )
    return [
        OutputRead(
            work_order=order.number,
            operation=keys[u.operation_id],
            code=u.code,
            item=u.item,
            quantity=u.quantity,
            uom=u.uom,
            serial=u.serial,
            components=components[u.code],
        )
        for u in units
    ]


async def as_built(session: AsyncSession, number: str) -> AsBuiltRead:
    order = await order_by_number(session, number)
    ops = await operations(session, order)
    labour = await _labour(session, ops)
    snapshot = order.routing_snapshot or {}
    changes = await session.scalars(
        select(FloorChange).where(FloorChange.work_order_id == order.id).order_by(FloorChange.id)
    )
    return AsBuiltRead(
        work_order=order.number,
        routing_version=order.routing_version,
        planned=[
            PlannedStep(seq=s["seq"], name=s["name"], work_center=s["work_center"])
            for s in snapshot.get("operations", [])
        ],
        as_built=[_op_read(order, op, labour[op.id]) for op in ops],
        changes=[FloorChangeRead.model_validate(c) for c in changes],
        outputs=await outputs(session, order, ops),
        consumed=await consumed(session, ops),
    )


async def consumed(session: AsyncSession, ops: list[Operation]) -> list[ConsumedRead]:
    """Every lot consumed at the order's operations, in booking order."""
    keys = {op.id: op.key for op in ops}
    rows = await session.scalars(
        select(Consumption).where(Consumption.operation_id.in_(list(keys))).order_by(Consumption.id)
    )
    return [
        ConsumedRead(
            operation=keys[c.operation_id],
            lot=c.lot,
            item=c.item,
            quantity=c.quantity,
            uom=c.uom,
            actor=c.actor,
            at=c.at,
            output=c.output_code,
        )
        for c in rows
    ]


def _chain(key: str) -> str | None:
    return "-R" + key.rsplit("-R", 1)[1] if "-R" in key else None


def predecessors(ops: list[Operation], op: Operation) -> list[Operation]:
    """The operations that must be done before `op` may start: the nearest earlier position
    still in the plan (every part of it when it was split). The first operation of a rework
    chain has none: its parts come from the operation that sent them back."""
    chain = _chain(op.key) if op.origin == "rework" else None
    if chain is not None and not any(
        _chain(o.key) == chain and o.position < op.position for o in ops if o.origin == "rework"
    ):
        return []
    earlier = [o for o in ops if o.position < op.position and o.status not in ("skipped", "split")]
    if not earlier:
        return []
    last = max(o.position for o in earlier)
    return [o for o in earlier if o.position == last]


def final_step(ops: list[Operation]) -> int:
    """The routing step whose good quantity is the order's: the last one still in the plan."""
    active = [o for o in ops if o.origin != "rework" and o.status not in ("skipped", "split")]
    return max(active, key=lambda o: o.position).step if active else ops[-1].step


def delivered_to(ops: list[Operation], op: Operation) -> Decimal | None:
    """The good the operations before `op` handed on to it; None when nothing comes before it
    (the first operation, the first of a rework chain: they are bounded by their own quantity).

    An operation of the plan gets the good of the plan's previous operation (every part of it
    when it was split) and of the rework copies of that operation, the parts that came back
    after rework. A later operation of a rework chain gets the good of the one before it."""
    if op.origin == "rework":
        preds = predecessors(ops, op)
        return sum((p.good for p in preds), Decimal(0)) if preds else None
    earlier = [
        o
        for o in ops
        if o.position < op.position and o.origin != "rework" and o.status not in ("skipped", "split")
    ]
    if not earlier:
        return None
    last = max(o.position for o in earlier)
    plan = [o for o in earlier if o.position == last]
    keys = {o.key for o in plan} | {o.parent_key for o in plan if o.parent_key}
    back = [o for o in ops if o.origin == "rework" and o.parent_key in keys]
    return sum((o.good for o in plan + back), Decimal(0))
