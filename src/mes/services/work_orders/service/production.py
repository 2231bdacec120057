"""What an operation makes and uses: good and scrap, lots consumed, lots and serials produced, completion."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import work_orders as ev
from mes.platform.events import record_event, utcnow
from mes.platform.schemas import format_decimal as fmt
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    ExceedsPredecessor,
    FractionalQuantity,
    InspectionDue,
    InvalidTransition,
    OverTolerance,
    ShortNeedsReason,
    ShortNeedsSupervisor,
    UnderTolerance,
    WrongMaterial,
)
from mes.services.work_orders.models import Consumption, Labour, Operation, Product, WorkOrder, YieldRecord
from mes.services.work_orders.models.orders import op_next_status
from mes.services.work_orders.queries.orders import (
    delivered_to,
    final_step,
    operation_read,
    operations,
    overreport_tolerance,
    predecessors,
    tolerances,
)
from mes.services.work_orders.schemas.orders import (
    Complete,
    Consume,
    ConsumptionRead,
    OperationRead,
    Yield,
)
from mes.services.work_orders.service import schedule, steps
from mes.services.work_orders.service.common import (
    audit_op,
    clock_out,
    executable,
    load,
    minutes_between,
    op_fields,
    open_clocks,
    peek,
)
from mes.services.work_orders.service.orders import audit_transition

HUNDRED = Decimal(100)


def running(op: Operation, action: str) -> None:
    if op.status != "in_progress":
        raise InvalidTransition(
            f"Operation {op.key} is {op.status.replace('_', ' ')}; it must be running to {action}.",
            current_status=op.status,
            action=action,
        )


async def unit_decimals(session: AsyncSession, order: WorkOrder, caller: Caller) -> int:
    """How many decimals the order's unit takes (0: whole pieces), asked of material once per product.

    Call it before the order's lock, and as the last call to another service (ADR 35): the first
    answer is kept on the product, and that row stays locked once written."""
    product = await session.get(Product, order.product)
    if product is None:
        return 6
    if product.uom_decimals is None:
        item = await clients.item(caller, product.code)
        product.uom_decimals = 6 if item.uom_decimals is None else item.uom_decimals
    return product.uom_decimals


def check_precision(quantities: list[Decimal], decimals: int, uom: str) -> None:
    step = Decimal(1).scaleb(-decimals)
    for q in quantities:
        if q != q.quantize(step):
            whole = decimals == 0
            raise FractionalQuantity(
                f"{fmt(q)} {uom}: "
                + (f"{uom} are counted whole." if whole else f"{uom} take at most {decimals} decimals."),
                code="fractional_quantity" if whole else "too_many_decimals",
                uom=uom,
                decimals=decimals,
            )


def check_delivered(ops: list[Operation], op: Operation, adding: Decimal) -> None:
    """An operation handles no more than the operations before it delivered, plus the tolerance."""
    came = delivered_to(ops, op)
    if came is None or not adding:
        return
    limit = came * (1 + overreport_tolerance() / HUNDRED)
    total = op.good + op.scrap + op.rework + adding
    if total > limit:
        raise ExceedsPredecessor(
            f"{op.key} would have handled {fmt(total)}; the operations before it delivered {fmt(came)}"
            + (f" (up to {fmt(limit)} with the tolerance)." if limit != came else "."),
            delivered=fmt(came),
            allowed=fmt(limit),
            reported=fmt(total),
        )


async def _book_yield(
    session: AsyncSession, order: WorkOrder, op: Operation, data: Yield, caller: Caller, decimals: int
) -> None:
    """`decimals`: the unit's, asked of material before the order was locked (`unit_decimals`)."""
    actor = caller.subject
    over, _ = tolerances(order)
    limit = op.quantity * (1 + over / HUNDRED)
    scrap = sum((s.quantity for s in data.scrap), Decimal(0))
    check_precision([data.good, *(s.quantity for s in data.scrap)], decimals, order.uom)
    check_delivered(await operations(session, order), op, data.good + scrap)
    if op.good + op.scrap + op.rework + data.good + scrap > limit:
        raise OverTolerance(
            f"{op.key} would report {fmt(op.good + op.scrap + op.rework + data.good + scrap)} for {fmt(op.quantity)} "
            f"planned; the tolerance allows {fmt(limit)}.",
            allowed=fmt(limit),
        )
    now = utcnow()
    if data.good:
        session.add(YieldRecord(operation_id=op.id, kind="good", quantity=data.good, actor=actor, at=now))
    for line in data.scrap:
        session.add(
            YieldRecord(
                operation_id=op.id,
                kind="scrap",
                quantity=line.quantity,
                reason=line.reason,
                actor=actor,
                at=now,
            )
        )
    op.good += data.good
    op.scrap += scrap
    if not data.good and not data.scrap:
        return  # a completion that adds nothing reports nothing
    await record_event(
        session,
        ev.YieldReported(
            **op_fields(order, op, actor),
            report_id=str(uuid.uuid4()),
            at=now,
            good=data.good,
            scrap=scrap,
            scrap_reasons=[ev.ScrapReason(reason=s.reason, quantity=s.quantity) for s in data.scrap],
            rework=Decimal(0),  # rework is sent back by its own use case, not reported here
        ),
    )


async def record_yield(
    session: AsyncSession, number: str, key: str, data: Yield, caller: Caller
) -> OperationRead:
    order, _, op = await peek(session, number, key)
    executable(order)
    running(op, "report quantities")
    decimals = await unit_decimals(session, order, caller)
    order, _, op = await load(session, number, key)  # locked now: checked again, then changed
    executable(order)
    running(op, "report quantities")
    await _book_yield(session, order, op, data, caller, decimals)
    await audit_op(session, order, op, caller.subject, "yield", new=data.model_dump(mode="json"))
    await session.flush()
    return await operation_read(session, order, op)


def check_material(op: Operation, lot: clients.LotInfo) -> None:
    allowed = [m["item"] for m in op.materials]
    if allowed and lot.item not in allowed:
        raise WrongMaterial(
            f"Lot {lot.code} holds {lot.item}; operation {op.key} uses {', '.join(allowed)}.",
            lot=lot.code,
            item=lot.item,
        )


async def consume(
    session: AsyncSession, number: str, key: str, data: Consume, idem_key: str, caller: Caller
) -> ConsumptionRead:
    """Material books the consumption first, with nothing locked here (ADR 35); what it booked is
    then recorded under the order's lock whatever the order did meanwhile: the stock moved."""
    order, _, op = await peek(session, number, key)
    executable(order)
    running(op, "consume material")
    lot = await clients.lot(caller, data.lot)
    check_material(op, lot)
    body = {"quantity": str(data.quantity), "work_order": order.number, "operation": op.key, "item": lot.item}
    if data.uom is not None:
        body["uom"] = data.uom
    done = await clients.consume(caller, data.lot, body, idem_key)  # material's 409 reaches the user as is
    order, _, op = await load(session, number, key)
    session.add(
        Consumption(
            operation_id=op.id,
            lot=done.lot,
            item=done.item,
            quantity=done.consumed,
            uom=done.uom,
            movement_id=done.movement_id,
            actor=caller.subject,
            at=utcnow(),
        )
    )
    await audit_op(
        session, order, op, caller.subject, "consume", new={"lot": done.lot, "quantity": str(done.consumed)}
    )
    await session.flush()
    return ConsumptionRead(
        work_order=order.number,
        operation=op.key,
        lot=done.lot,
        item=done.item,
        quantity=done.consumed,
        uom=done.uom,
        remaining=done.remaining,
    )


async def complete_operation(
    session: AsyncSession, number: str, key: str, data: Complete, caller: Caller, *, supervisor: bool = False
) -> OperationRead:
    """`supervisor`: the caller may complete the order short (under its tolerance, with a reason)."""
    order, ops, op = await peek(session, number, key)
    executable(order)
    op_next_status(op.status, "complete", op.key)
    await steps.require_done(session, order, op)  # work instructions: required steps recorded
    due = await clients.due_inspections(caller, order.number, op.key)
    if due:
        raise InspectionDue(
            f"{order.number}/{op.key} can't complete: inspection {', '.join(due)} is due; record it or have quality waive it.",
            inspections=due,
        )
    decimals = await unit_decimals(session, order, caller)
    order, ops, op = await load(session, number, key)  # locked now: checked again, then changed
    executable(order)
    op.transition("complete")
    await steps.require_done(session, order, op)
    await _book_yield(session, order, op, data, caller, decimals)
    last = all(o.status in ("completed", "skipped", "split") for o in ops)
    step = final_step(ops)
    good = sum((o.good for o in ops if o.step == step and o.status not in ("skipped", "split")), Decimal(0))
    _, under = tolerances(order)
    floor = order.quantity * (1 - under / HUNDRED)
    if last and good < floor and not data.accept_short:
        raise UnderTolerance(
            f"{order.number} would complete with {fmt(good)} good of {fmt(order.quantity)} (at least {fmt(floor)} "
            "within the tolerance); a supervisor can complete it short, with a reason, from the order page.",
            good=fmt(good),
            required=fmt(floor),
        )
    if last and good < floor and not supervisor:
        raise ShortNeedsSupervisor(
            f"Completing {order.number} short ({fmt(good)} good of {fmt(order.quantity)}) is a supervisor's "
            "decision (workorder:dispatch).",
            good=fmt(good),
            required=fmt(floor),
        )
    if last and good < floor and not data.reason:
        raise ShortNeedsReason(
            f"Say why {order.number} completes short ({fmt(good)} good of {fmt(order.quantity)}).",
            good=fmt(good),
            required=fmt(floor),
        )
    now = utcnow()
    op.completed_at = now
    preds = predecessors(ops, op)
    came_in = sum((p.good for p in preds), Decimal(0)) if preds else op.quantity
    op.process_loss = max(came_in - op.good - op.scrap - op.rework, Decimal(0))
    for clock in await open_clocks(session, op):
        clock_out(clock, now)
    await session.flush()
    assert op.started_at is not None
    elapsed = minutes_between(op.started_at, now)
    labour: dict[str, Decimal] = defaultdict(Decimal)
    for row in await session.scalars(select(Labour).where(Labour.operation_id == op.id).order_by(Labour.id)):
        labour[row.operator] += row.minutes or Decimal(0)
    reasons: dict[str, Decimal] = defaultdict(Decimal)
    for r in await session.scalars(
        select(YieldRecord).where(YieldRecord.operation_id == op.id, YieldRecord.kind == "scrap")
    ):
        reasons[r.reason or ""] += r.quantity
    await audit_op(
        session,
        order,
        op,
        caller.subject,
        "complete",
        new={"good": str(op.good), "scrap": str(op.scrap)},
        reason=data.reason,
    )
    await record_event(
        session,
        ev.OperationCompleted(
            **op_fields(order, op, caller.subject),
            good=op.good,
            scrap=op.scrap,
            scrap_reasons=[ev.ScrapReason(reason=k, quantity=v) for k, v in reasons.items()],
            rework=op.rework,
            process_loss=op.process_loss,
            started_at=op.started_at,
            completed_at=now,
            elapsed_minutes=elapsed,
            paused_minutes=op.paused_minutes,
            run_minutes=max(elapsed - op.paused_minutes, Decimal(0)),
            labour=[ev.LabourTime(operator=k, minutes=v) for k, v in labour.items()],
            operators=list(labour),
            standard_setup_minutes=op.setup_minutes,
            standard_run_minutes_per_unit=op.run_minutes,
        ),
    )
    if last:
        await _complete_order(session, order, ops, good, floor, data, caller)
    return await operation_read(session, order, op)


def _last_completed(ops: list[Operation]) -> str | None:
    done = [o for o in ops if o.completed_at is not None]
    return max(done, key=lambda o: (o.completed_at, o.position)).key if done else None


async def _complete_order(
    session: AsyncSession,
    order: WorkOrder,
    ops: list[Operation],
    good: Decimal,
    floor: Decimal,
    data: Complete,
    caller: Caller,
) -> None:
    old = order.transition("complete")
    order.good = good
    order.scrap = sum((o.scrap for o in ops), Decimal(0))
    order.process_loss = sum((o.process_loss for o in ops), Decimal(0))
    order.short = good < floor
    order.completed_at = utcnow()
    await audit_transition(session, order, caller.subject, "complete", old, data.reason)
    await record_event(
        session,
        ev.WorkOrderCompleted(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            quantity=order.quantity,
            good=good,
            scrap=order.scrap,
            process_loss=order.process_loss,
            short=order.short,
            reason=data.reason,
            operation=_last_completed(ops),
            due=order.due,
        ),
    )
    await schedule.mark_stale(session, caller, f"complete {order.number}")
