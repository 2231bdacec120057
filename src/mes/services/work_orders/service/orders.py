"""Work orders: create, edit while planned, release (snapshotting the routing), hold, resume, close, cancel."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import work_orders as ev
from mes.platform.audit import append_audit
from mes.platform.db import add_unique
from mes.platform.events import record_event, utcnow
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import DuplicateCode, InvalidTransition
from mes.services.work_orders.models import Operation, RoutingOperation, WorkOrder
from mes.services.work_orders.queries.orders import order_by_number, order_read
from mes.services.work_orders.schemas.orders import WorkOrderCreate, WorkOrderRead, WorkOrderUpdate
from mes.services.work_orders.service import schedule
from mes.services.work_orders.service.products import get_routing, product_by_code, routing_by_version


async def audit_transition(
    session: AsyncSession, order: WorkOrder, actor: str, action: str, old: str, reason: str | None
) -> None:
    await append_audit(
        session,
        actor=actor,
        action=f"work_order.{action}",
        entity_type="work_order",
        entity_id=order.number,
        old={"status": old},
        new={"status": order.status},
        reason=reason,
    )


async def create_work_order(session: AsyncSession, data: WorkOrderCreate, caller: Caller) -> WorkOrderRead:
    product = await product_by_code(session, data.product)
    if data.routing_version is not None:
        await routing_by_version(session, product.code, data.routing_version)
    order = WorkOrder(
        number=data.number,
        product=product.code,
        quantity=data.quantity,
        uom=product.uom,
        due=data.due,
        priority=data.priority,
        erp_ref=data.erp_ref,
        routing_version=data.routing_version,
        status="planned",
        over_tolerance_pct=data.over_tolerance_pct,
        under_tolerance_pct=data.under_tolerance_pct,
        created_by=caller.subject,
        created_at=utcnow(),
    )
    await add_unique(session, order, DuplicateCode(f"Work order {data.number} already exists."))
    read = await order_read(session, order)
    await append_audit(
        session,
        actor=caller.subject,
        action="work_order.created",
        entity_type="work_order",
        entity_id=order.number,
        new=read.model_dump(mode="json", exclude={"operations"}),
    )
    await record_event(
        session,
        ev.WorkOrderCreated(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            quantity=order.quantity,
            uom=order.uom,
            due=order.due,
            priority=order.priority,
            erp_ref=order.erp_ref,
        ),
    )
    return read


async def update_work_order(
    session: AsyncSession, number: str, data: WorkOrderUpdate, caller: Caller
) -> WorkOrderRead:
    """Edit a planned order (released orders are frozen: their routing is snapshotted)."""
    order = await order_by_number(session, number, lock=True)
    if order.status != "planned":
        raise InvalidTransition(
            f"Work order {number} is {order.status.replace('_', ' ')}; only a planned order can be edited.",
            current_status=order.status,
            action="edit",
        )
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    if changes.get("routing_version") is not None:
        await routing_by_version(session, order.product, changes["routing_version"])
    for name in ("quantity", "due", "priority"):
        if name in changes and changes[name] is None:
            del changes[name]  # required fields: null means unchanged
    before = (await order_read(session, order)).model_dump(mode="json", exclude={"operations"})
    for name, value in changes.items():
        setattr(order, name, value)
    await session.flush()
    read = await order_read(session, order)
    after = read.model_dump(mode="json", exclude={"operations"})
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        await append_audit(
            session,
            actor=caller.subject,
            action="work_order.updated",
            entity_type="work_order",
            entity_id=order.number,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
            reason=data.reason,
        )
    return read


async def release_work_order(
    session: AsyncSession, number: str, reason: str | None, caller: Caller
) -> WorkOrderRead:
    order = await order_by_number(session, number, lock=True)
    old = order.transition("release")
    routing = await routing_by_version(session, order.product, order.routing_version)
    snapshot = (await get_routing(session, order.product, routing.version)).model_dump(mode="json")
    steps = await session.scalars(
        select(RoutingOperation)
        .where(RoutingOperation.routing_id == routing.id)
        .order_by(RoutingOperation.seq)
    )
    for index, step in enumerate(steps, start=1):
        session.add(
            Operation(
                work_order_id=order.id,
                key=str(step.seq),
                step=step.seq,
                position=index * 10,
                branch=0,
                name=step.name,
                work_center=step.work_center,
                setup_minutes=step.setup_minutes,
                run_minutes=step.run_minutes,
                skills=step.skills,
                materials=step.materials,
                output_item=step.output_item,
                quantity=order.quantity,
                status="pending",
                origin="planned",
            )
        )
    order.routing_version = routing.version
    order.routing_snapshot = snapshot
    order.released_at = utcnow()
    await session.flush()
    await audit_transition(session, order, caller.subject, "release", old, reason)
    await record_event(
        session,
        ev.WorkOrderReleased(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            quantity=order.quantity,
            routing_version=routing.version,
            operations=[
                ev.ReleasedOperation(key=str(s["seq"]), name=s["name"], work_center=s["work_center"])
                for s in snapshot["operations"]
            ],
        ),
    )
    await schedule.mark_stale(session, caller, f"release {order.number}")
    return await order_read(session, order)


async def hold_work_order(session: AsyncSession, number: str, reason: str, caller: Caller) -> WorkOrderRead:
    order = await order_by_number(session, number, lock=True)
    old = order.transition("hold")
    order.hold_reason = reason
    await audit_transition(session, order, caller.subject, "hold", old, reason)
    await record_event(
        session,
        ev.WorkOrderPutOnHold(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            previous_status=old,
            reason=reason,
        ),
    )
    schedule.unplan(order)
    await schedule.mark_stale(session, caller, f"hold {order.number}")
    return await order_read(session, order)


async def resume_work_order(
    session: AsyncSession, number: str, reason: str | None, caller: Caller
) -> WorkOrderRead:
    order = await order_by_number(session, number, lock=True)
    old = order.transition("resume")
    order.hold_reason = None
    await audit_transition(session, order, caller.subject, "resume", old, reason)
    await record_event(
        session,
        ev.WorkOrderResumed(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            status=order.status,
            reason=reason,
        ),
    )
    await schedule.mark_stale(session, caller, f"resume {order.number}")
    return await order_read(session, order)


async def close_work_order(
    session: AsyncSession, number: str, reason: str | None, caller: Caller
) -> WorkOrderRead:
    order = await order_by_number(session, number, lock=True)
    old = order.transition("close")
    order.closed_at = utcnow()
    await audit_transition(session, order, caller.subject, "close", old, reason)
    await record_event(
        session,
        ev.WorkOrderClosed(
            work_order=order.number, product=order.product, actor=caller.subject, reason=reason
        ),
    )
    return await order_read(session, order)


async def cancel_work_order(session: AsyncSession, number: str, reason: str, caller: Caller) -> WorkOrderRead:
    order = await order_by_number(session, number, lock=True)
    old = order.transition("cancel")
    await audit_transition(session, order, caller.subject, "cancel", old, reason)
    await record_event(
        session,
        ev.WorkOrderCancelled(
            work_order=order.number,
            product=order.product,
            actor=caller.subject,
            previous_status=old,
            reason=reason,
        ),
    )
    schedule.unplan(order)
    await schedule.mark_stale(session, caller, f"cancel {order.number}")
    return await order_read(session, order)
