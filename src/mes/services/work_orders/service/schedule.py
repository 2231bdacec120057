"""Recomputing the finite-capacity schedule of released work and storing planned times."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.errors import DomainError
from mes.platform.events import utcnow
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.models import Operation, WorkOrder
from mes.services.work_orders.models.scheduling import Job, Step, schedule
from mes.services.work_orders.schemas.planning import ScheduledOperation, ScheduledOrder, ScheduleRead

log = structlog.get_logger("mes.work_orders.schedule")
OPEN = ("pending", "in_progress", "paused")


def remaining_minutes(op: Operation) -> Decimal:
    left = max(op.quantity - op.good - op.scrap - op.rework, Decimal(0))
    setup = op.setup_minutes if op.status == "pending" else Decimal(0)
    return setup + op.run_minutes * left


async def _jobs(session: AsyncSession) -> tuple[list[WorkOrder], dict[str, list[Operation]]]:
    orders = list(
        await session.scalars(
            select(WorkOrder)
            .where(WorkOrder.status.in_(("released", "in_progress")))
            .order_by(WorkOrder.priority, WorkOrder.due, WorkOrder.number)
        )
    )
    ops: dict[str, list[Operation]] = {o.number: [] for o in orders}
    by_id = {o.id: o.number for o in orders}
    rows = await session.scalars(
        select(Operation)
        .where(Operation.work_order_id.in_(list(by_id)), Operation.status.in_(OPEN))
        .order_by(Operation.position, Operation.branch)
    )
    for op in rows:
        ops[by_id[op.work_order_id]].append(op)
    return orders, ops


async def recompute(
    session: AsyncSession, caller: Caller, start: datetime | None = None, horizon_days: int = 28
) -> ScheduleRead:
    """Plan every released order on its work centers' shift windows (asked from resource)."""
    origin = start or utcnow()
    end = origin + timedelta(days=horizon_days)
    orders, ops = await _jobs(session)
    windows: dict[str, list[tuple[datetime, datetime]]] = {}
    for wc in sorted({op.work_center for group in ops.values() for op in group}):
        windows[wc] = [(w.start, w.end) for w in await clients.planned_windows(caller, wc, origin, end)]
    jobs = [
        Job(
            o.number,
            o.due,
            [Step(op.key, op.position, op.work_center, remaining_minutes(op)) for op in ops[o.number]],
        )
        for o in orders
    ]
    plan = schedule(jobs, windows, origin, end)
    await session.execute(  # held or cancelled orders leave the plan
        update(WorkOrder)
        .where(WorkOrder.status.in_(("on_hold", "cancelled")), WorkOrder.planned_start.is_not(None))
        .values(planned_start=None, planned_end=None, late=False)
    )
    result: list[ScheduledOrder] = []
    for o in orders:
        o.planned_start, o.planned_end = plan.orders[o.number].start, plan.orders[o.number].end
        o.late = plan.late[o.number]
        lines = []
        for op in ops[o.number]:
            placed = plan.steps[(o.number, op.key)]
            op.planned_start, op.planned_end = placed.start, placed.end
            lines.append(
                ScheduledOperation(
                    key=op.key,
                    work_center=op.work_center,
                    minutes=remaining_minutes(op),
                    planned_start=placed.start,
                    planned_end=placed.end,
                )
            )
        result.append(
            ScheduledOrder(
                work_order=o.number,
                priority=o.priority,
                due=o.due,
                planned_start=o.planned_start,
                planned_end=o.planned_end,
                late=o.late,
                operations=lines,
            )
        )
    await session.flush()
    return ScheduleRead(orders=result)


async def recompute_quietly(session: AsyncSession, caller: Caller) -> None:
    """After an order changed: a schedule that can't be computed now (resource unreachable, the
    caller may not read shift calendars) must not refuse the change; it stays as it was."""
    try:
        await recompute(session, caller)  # fails, if at all, before it changes anything
    except DomainError as e:
        log.warning("schedule_not_recomputed", code=e.code, detail=e.detail)


async def current(session: AsyncSession) -> ScheduleRead:
    orders, ops = await _jobs(session)
    return ScheduleRead(
        orders=[
            ScheduledOrder(
                work_order=o.number,
                priority=o.priority,
                due=o.due,
                planned_start=o.planned_start,
                planned_end=o.planned_end,
                late=o.late,
                operations=[
                    ScheduledOperation(
                        key=op.key,
                        work_center=op.work_center,
                        minutes=remaining_minutes(op),
                        planned_start=op.planned_start,
                        planned_end=op.planned_end,
                    )
                    for op in ops[o.number]
                ],
            )
            for o in orders
        ]
    )
