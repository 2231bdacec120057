"""Preventive maintenance: plans by calendar or usage, orders raised when due, and their life.

An order in progress puts the equipment in the `maintenance` state (source system), so it is
unavailable for production; completing it makes the equipment idle and restarts the plan's count.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import MaintenanceCompleted, MaintenanceDue
from mes.platform.audit import append_audit
from mes.platform.db import add_unique, ordered
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import DuplicateCode, InvalidTransition, NotFoundHere
from mes.services.resource.models import (
    Equipment,
    EquipmentState,
    MaintenanceOrder,
    MaintenancePlan,
    UsageCounter,
)
from mes.services.resource.schemas.maintenance import OrderCreate, OrderRead, PlanCreate, PlanRead
from mes.services.resource.service.states import Change, change_state
from mes.services.resource.vocabulary import MaintenanceStatus

HOUR = Decimal(3600)


async def operating_hours(session: AsyncSession, eq: Equipment, now: datetime) -> Decimal:
    """Hours spent running up to `now`, from the state history."""
    seconds = await session.scalar(
        select(
            func.coalesce(
                func.sum(
                    func.extract("epoch", func.least(func.coalesce(EquipmentState.ended_at, now), now))
                    - func.extract("epoch", EquipmentState.started_at)
                ),
                0,
            )
        ).where(
            EquipmentState.equipment_id == eq.id,
            EquipmentState.state == "running",
            EquipmentState.started_at < now,
        )
    )
    return (Decimal(seconds or 0) / HOUR).quantize(Decimal("0.000001"))


async def usage(session: AsyncSession, plan: MaintenancePlan, eq: Equipment, now: datetime) -> Decimal:
    """The plan's counter now: cycles, operating hours, or days since it was last done."""
    if plan.trigger == "cycles":
        counter = await session.get(UsageCounter, (eq.id, "cycles"))
        return Decimal(counter.value if counter else 0)
    if plan.trigger == "operating_hours":
        return await operating_hours(session, eq, now)
    return Decimal((now - plan.last_done_at).total_seconds()) / Decimal(86400)


async def _plan_read(session: AsyncSession, plan: MaintenancePlan, eq: Equipment) -> PlanRead:
    now = datetime.now(UTC)
    used = await usage(session, plan, eq, now)
    if plan.trigger != "calendar":
        used -= plan.baseline
    return PlanRead(
        code=plan.code,
        name=plan.name,
        equipment_code=eq.code,
        trigger=plan.trigger,
        interval=plan.interval,
        baseline=plan.baseline,
        used=used.quantize(Decimal("0.000001")),
        last_done_at=plan.last_done_at,
        active=plan.active,
    )


async def create_plan(session: AsyncSession, body: PlanCreate, actor: str) -> PlanRead:
    eq = await queries.equipment(session, body.equipment_code)
    now = datetime.now(UTC)
    plan = MaintenancePlan(
        code=body.code,
        name=body.name,
        equipment_id=eq.id,
        trigger=body.trigger,
        interval=body.interval,
        baseline=Decimal(0),
        last_done_at=now,
        active=True,
        created_by=actor,
    )
    plan.baseline = await usage(session, plan, eq, now) if body.trigger != "calendar" else Decimal(0)
    await add_unique(session, plan, DuplicateCode(f"Maintenance plan {body.code} already exists."))
    read = await _plan_read(session, plan, eq)
    await append_audit(
        session,
        actor=actor,
        action="maintenance_plan.created",
        entity_type="maintenance_plan",
        entity_id=plan.code,
        new=read.model_dump(mode="json"),
    )
    return read


async def get_plan(session: AsyncSession, code: str) -> PlanRead:
    plan = await session.scalar(select(MaintenancePlan).where(MaintenancePlan.code == code))
    if plan is None:
        raise NotFoundHere(f"No maintenance plan {code}.", code="plan_not_found")
    return await _plan_read(session, plan, await queries.equipment_by_id(session, plan.equipment_id))


_PLAN_SORT = {
    "code": MaintenancePlan.code,
    "name": MaintenancePlan.name,
    "trigger": MaintenancePlan.trigger,
    "last_done_at": MaintenancePlan.last_done_at,
    "active": MaintenancePlan.active,
}


async def list_plans(
    session: AsyncSession,
    equipment_code: str | None,
    *,
    sort: str = "code",
    limit: int = 1000,
    offset: int = 0,
) -> tuple[list[PlanRead], int]:
    """One page of plans with their usage since last done and how many match (a plant has tens to
    hundreds); `sort` is a column of `_PLAN_SORT`, `-` descending, ties by code."""
    query = select(MaintenancePlan)
    if equipment_code is not None:
        query = query.where(
            MaintenancePlan.equipment_id == (await queries.equipment(session, equipment_code)).id
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(*ordered(sort, _PLAN_SORT, MaintenancePlan.code)).limit(limit).offset(offset)
    return [
        await _plan_read(session, plan, await queries.equipment_by_id(session, plan.equipment_id))
        for plan in await session.scalars(query)
    ], total


async def _order_read(session: AsyncSession, o: MaintenanceOrder) -> OrderRead:
    eq = await queries.equipment_by_id(session, o.equipment_id)
    plan = await session.get(MaintenancePlan, o.plan_id) if o.plan_id else None
    return OrderRead(
        number=o.number,
        plan_code=plan.code if plan else None,
        equipment_code=eq.code,
        status=o.status,
        trigger=o.trigger,
        due_at=o.due_at,
        counter_value=o.counter_value,
        description=o.description,
        assigned_to=o.assigned_to,
        started_at=o.started_at,
        completed_at=o.completed_at,
        completed_by=o.completed_by,
        comment=o.comment,
    )


async def _raise_order(
    session: AsyncSession,
    eq: Equipment,
    plan: MaintenancePlan | None,
    trigger: str,
    value: Decimal | None,
    description: str | None,
    now: datetime,
) -> MaintenanceOrder:
    order = MaintenanceOrder(
        number=f"MO-{now:%y%m%d}-{secrets.token_hex(3).upper()}",
        plan_id=plan.id if plan else None,
        equipment_id=eq.id,
        status="open",
        trigger=trigger,
        due_at=now,
        counter_value=value,
        description=description or (plan.name if plan else None),
    )
    session.add(order)
    await session.flush()
    await record_event(
        session,
        MaintenanceDue(
            order_number=order.number,
            plan_code=plan.code if plan else None,
            equipment_id=eq.id,
            equipment_code=eq.code,
            trigger=trigger,
            due_at=now,
        ),
    )
    await append_audit(
        session,
        actor="system" if plan else "maintenance",
        action="maintenance_order.created",
        entity_type="maintenance_order",
        entity_id=order.number,
        new={
            "equipment": eq.code,
            "plan": plan.code if plan else None,
            "trigger": trigger,
            "value": str(value),
        },
    )
    return order


async def raise_due_orders(session: AsyncSession, eq: Equipment, now: datetime) -> list[str]:
    """Orders for the equipment's plans that are due and have no order open; returns their numbers."""
    raised = []
    for plan in await session.scalars(
        select(MaintenancePlan).where(MaintenancePlan.equipment_id == eq.id, MaintenancePlan.active.is_(True))
    ):
        pending = await session.scalar(
            select(MaintenanceOrder.id).where(
                MaintenanceOrder.plan_id == plan.id, MaintenanceOrder.status != "completed"
            )
        )
        if pending is not None:
            continue
        value = await usage(session, plan, eq, now)
        if plan.trigger == "calendar":
            due = now >= plan.last_done_at + timedelta(days=float(plan.interval))
        else:
            due = value - plan.baseline >= plan.interval
        if due:
            raised.append((await _raise_order(session, eq, plan, plan.trigger, value, None, now)).number)
    return raised


async def create_order(session: AsyncSession, body: OrderCreate, actor: str) -> OrderRead:
    eq = await queries.equipment(session, body.equipment_code)
    order = await _raise_order(session, eq, None, "manual", None, body.description, datetime.now(UTC))
    return await _order_read(session, order)


_ORDER_SORT = {
    "created_at": MaintenanceOrder.created_at,
    "due_at": MaintenanceOrder.due_at,
    "number": MaintenanceOrder.number,
    "status": MaintenanceOrder.status,
    "assigned_to": MaintenanceOrder.assigned_to,
    "completed_at": MaintenanceOrder.completed_at,
}


async def list_orders(
    session: AsyncSession,
    equipment_code: str | None,
    status: str | None,
    *,
    sort: str = "created_at",
    limit: int = 1000,
    offset: int = 0,
) -> tuple[list[OrderRead], int]:
    """One page of orders and how many match; `sort` is a column of `_ORDER_SORT`, `-` descending."""
    query = select(MaintenanceOrder)
    if equipment_code is not None:
        query = query.where(
            MaintenanceOrder.equipment_id == (await queries.equipment(session, equipment_code)).id
        )
    if status is not None:
        query = query.where(MaintenanceOrder.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(*ordered(sort, _ORDER_SORT, MaintenanceOrder.number))
    rows = await session.scalars(query.limit(limit).offset(offset))
    return [await _order_read(session, o) for o in rows], total


async def _order(session: AsyncSession, number: str) -> tuple[MaintenanceOrder, Equipment]:
    o = await session.scalar(select(MaintenanceOrder).where(MaintenanceOrder.number == number))
    if o is None:
        raise NotFoundHere(f"No maintenance order {number}.", code="order_not_found")
    eq = await queries.equipment_by_id(session, o.equipment_id, lock=True)
    await session.refresh(o, with_for_update=True)
    return o, eq


async def advance(
    session: AsyncSession,
    number: str,
    to: MaintenanceStatus,
    actor: str,
    *,
    assignee: str | None = None,
    comment: str | None = None,
) -> OrderRead:
    o, eq = await _order(session, number)
    old = o.status
    try:
        o.advance(to)
    except ValueError as e:
        raise InvalidTransition(f"Order {number}: {e}.") from None
    now = datetime.now(UTC)
    if to == "assigned":
        o.assigned_to = assignee
    elif to == "in_progress":
        o.started_at = now
        await change_state(session, eq, Change("maintenance", now, "system", actor, source_ref=o.number))
    else:
        o.completed_at, o.completed_by, o.comment = now, actor, comment
        await change_state(session, eq, Change("idle", now, "system", actor, source_ref=o.number))
        plan = await session.get(MaintenancePlan, o.plan_id) if o.plan_id else None
        if plan is not None:
            plan.last_done_at = now
            plan.baseline = await usage(session, plan, eq, now) if plan.trigger != "calendar" else Decimal(0)
        await record_event(
            session,
            MaintenanceCompleted(
                order_number=o.number,
                plan_code=plan.code if plan else None,
                equipment_id=eq.id,
                equipment_code=eq.code,
                started_at=o.started_at or now,
                completed_at=now,
                completed_by=actor,
            ),
        )
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action=f"maintenance_order.{to}",
        entity_type="maintenance_order",
        entity_id=number,
        old={"status": old},
        new={"status": to, "assignee": assignee},
        reason=comment,
    )
    return await _order_read(session, o)
