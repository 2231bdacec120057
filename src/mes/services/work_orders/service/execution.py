"""Running an operation: start, operators joining and leaving (each their own clock), pause, resume."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import work_orders as ev
from mes.platform.events import record_event, utcnow
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    ChangedMeanwhile,
    InvalidTransition,
    NotClockedIn,
    PreviousOperationOpen,
)
from mes.services.work_orders.models import Labour, Operation, Pause, WorkOrder
from mes.services.work_orders.models.orders import op_next_status
from mes.services.work_orders.queries.orders import operation_read, predecessors
from mes.services.work_orders.schemas.orders import OperationRead, Start
from mes.services.work_orders.service.common import (
    audit_op,
    authorize,
    clock_out,
    executable,
    load,
    minutes_between,
    op_fields,
    open_clocks,
    peek,
)
from mes.services.work_orders.service.orders import audit_transition


def _may_start(order: WorkOrder, ops: list[Operation], op: Operation) -> None:
    executable(order)
    op_next_status(op.status, "start", op.key)  # checked now, changed once authorized
    waiting = [p.key for p in predecessors(ops, op) if p.status != "completed"]
    if waiting:
        raise PreviousOperationOpen(
            f"Operation {op.key} can't start before {', '.join(waiting)} is completed.", waiting_for=waiting
        )


def _same_equipment(op: Operation, authorized: str, now: str | None) -> None:
    if now != authorized:
        raise ChangedMeanwhile(
            f"{op.key} moved to {now} while {authorized} was being checked; try again.",
            equipment=now,
        )


async def start_operation(
    session: AsyncSession, number: str, key: str, data: Start, caller: Caller
) -> OperationRead:
    order, ops, op = await peek(session, number, key)
    _may_start(order, ops, op)
    equipment = data.equipment or op.equipment or op.work_center
    await authorize(session, caller, order, op, equipment, "start")  # nothing changed before this
    order, ops, op = await load(session, number, key)  # locked now: checked again, then changed
    _may_start(order, ops, op)
    _same_equipment(op, equipment, data.equipment or op.equipment or op.work_center)
    op.transition("start")
    now = utcnow()
    op.equipment = equipment
    op.started_at = now
    session.add(Labour(operation_id=op.id, operator=caller.subject, clock_in=now))
    if order.status == "released":
        old = order.transition("start")
        order.started_at = now
        await audit_transition(session, order, caller.subject, "start", old, None)
        await record_event(
            session,
            ev.WorkOrderStarted(
                work_order=order.number, product=order.product, actor=caller.subject, operation=op.key
            ),
        )
    await audit_op(session, order, op, caller.subject, "start", new={"equipment": equipment})
    await record_event(
        session,
        ev.OperationStarted(
            **op_fields(order, op, caller.subject),
            operator=caller.subject,
            planned_start=op.planned_start,
            planned_end=op.planned_end,
        ),
    )
    await session.flush()
    return await operation_read(session, order, op)


async def join_operation(session: AsyncSession, number: str, key: str, caller: Caller) -> OperationRead:
    """Another operator starts their own clock on a running operation."""
    order, _, op = await peek(session, number, key)
    await _may_join(session, order, op, caller)
    assert op.equipment is not None
    equipment = op.equipment
    await authorize(session, caller, order, op, equipment, "join")  # nothing changed before this
    order, _, op = await load(session, number, key)  # locked now: checked again, then changed
    await _may_join(session, order, op, caller)
    _same_equipment(op, equipment, op.equipment)
    session.add(Labour(operation_id=op.id, operator=caller.subject, clock_in=utcnow()))
    await audit_op(session, order, op, caller.subject, "join")
    await session.flush()
    return await operation_read(session, order, op)


async def _may_join(session: AsyncSession, order: WorkOrder, op: Operation, caller: Caller) -> None:
    executable(order)
    if op.status not in ("in_progress", "paused"):
        raise InvalidTransition(
            f"Operation {op.key} is {op.status.replace('_', ' ')}; nobody can join it.",
            current_status=op.status,
            action="join",
        )
    if any(c.operator == caller.subject for c in await open_clocks(session, op)):
        raise InvalidTransition(f"{caller.subject} is already clocked in on {op.key}.", action="join")


async def leave_operation(session: AsyncSession, number: str, key: str, caller: Caller) -> OperationRead:
    """The operator stops their own clock; everyone else's runs on."""
    order, _, op = await load(session, number, key)
    mine = [c for c in await open_clocks(session, op) if c.operator == caller.subject]
    if not mine:
        raise NotClockedIn(f"{caller.subject} is not clocked in on {op.key}.")
    for clock in mine:
        clock_out(clock, utcnow())
    await audit_op(session, order, op, caller.subject, "leave", new={"minutes": str(mine[0].minutes)})
    await session.flush()
    return await operation_read(session, order, op)


async def pause_operation(
    session: AsyncSession, number: str, key: str, reason: str, caller: Caller
) -> OperationRead:
    order, _, op = await load(session, number, key)
    op.transition("pause")
    session.add(Pause(operation_id=op.id, reason=reason, paused_at=utcnow(), paused_by=caller.subject))
    await audit_op(session, order, op, caller.subject, "pause", reason=reason)
    await record_event(session, ev.OperationPaused(**op_fields(order, op, caller.subject), reason=reason))
    await session.flush()
    return await operation_read(session, order, op)


async def resume_operation(
    session: AsyncSession, number: str, key: str, reason: str | None, caller: Caller
) -> OperationRead:
    order, _, op = await load(session, number, key)
    executable(order)
    op.transition("resume")
    pause = await session.scalar(
        select(Pause).where(Pause.operation_id == op.id, Pause.resumed_at.is_(None)).order_by(Pause.id.desc())
    )
    assert pause is not None
    pause.resumed_at = utcnow()
    pause.resume_reason = reason
    paused = minutes_between(pause.paused_at, pause.resumed_at)
    op.paused_minutes += paused
    await audit_op(session, order, op, caller.subject, "resume", reason=reason)
    await record_event(
        session,
        ev.OperationResumed(**op_fields(order, op, caller.subject), reason=reason, paused_minutes=paused),
    )
    await session.flush()
    return await operation_read(session, order, op)
