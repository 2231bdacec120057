"""Reactions to other services' events: work centers, equipment states, quality holds on orders."""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import WorkOrderHoldRequested, WorkOrderReleaseRequested
from mes.contracts.resource import EquipmentRegistered
from mes.platform.audit import append_audit
from mes.services.work_orders.models import EquipmentState, MachineRef, WorkCenterRef, WorkOrder
from mes.services.work_orders.schemas.master import WorkCenterRead

log = structlog.get_logger("mes.work_orders")


async def remember_work_center(session: AsyncSession, event: EquipmentRegistered) -> None:
    """Work centers (where operations are routed) and their machines (the schedule's units)."""
    if event.level == "equipment" and event.parent_code is not None:
        machine = insert(MachineRef).values(
            code=event.code, work_center=event.parent_code, name=event.name, path=event.path
        )
        await session.execute(
            machine.on_conflict_do_update(
                index_elements=[MachineRef.code],
                set_={
                    "work_center": machine.excluded.work_center,
                    "name": machine.excluded.name,
                    "path": machine.excluded.path,
                },
            )
        )
        return
    if event.level != "work_center":
        return
    stmt = insert(WorkCenterRef).values(code=event.code, name=event.name, path=event.path)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkCenterRef.code],
            set_={"name": stmt.excluded.name, "path": stmt.excluded.path, "updated_at": func.now()},
        )
    )


async def remember_equipment_state(
    session: AsyncSession,
    *,
    code: str,
    path: str,
    state: str,
    available: bool,
    since: datetime,
    reason_code: str | None,
) -> None:
    """Keep the latest state per equipment; an older event arriving late changes nothing."""
    stmt = insert(EquipmentState).values(
        code=code, path=path, state=state, available=available, since=since, reason_code=reason_code
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[EquipmentState.code],
            set_={
                "path": stmt.excluded.path,
                "state": stmt.excluded.state,
                "available": stmt.excluded.available,
                "since": stmt.excluded.since,
                "reason_code": stmt.excluded.reason_code,
            },
            where=EquipmentState.since <= stmt.excluded.since,
        )
    )


async def quality_hold(
    session: AsyncSession, event: WorkOrderHoldRequested | WorkOrderReleaseRequested, hold: bool
) -> None:
    order = await session.scalar(
        select(WorkOrder).where(WorkOrder.number == event.work_order).with_for_update()
    )
    if order is None:
        log.warning("quality_hold_for_unknown_order", work_order=event.work_order, topic=event.topic)
        return
    if order.quality_decided_at is not None and event.occurred_at <= order.quality_decided_at:
        # an older request that arrived late: the newer decision already applied stands
        log.info("quality_request_superseded", work_order=order.number, topic=event.topic)
        return
    order.quality_decided_at = event.occurred_at
    why = f"{event.reason} ({event.reference})" if event.reference else event.reason
    old = order.quality_hold
    order.quality_hold = why if hold else None
    await append_audit(
        session,
        actor=f"quality:{event.requested_by}",
        action="work_order.quality_hold" if hold else "work_order.quality_release",
        entity_type="work_order",
        entity_id=order.number,
        old={"quality_hold": old},
        new={"quality_hold": order.quality_hold},
        reason=why,
    )


async def list_work_centers(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[WorkCenterRead], int]:
    rows = await session.scalars(
        select(WorkCenterRef).order_by(WorkCenterRef.path).limit(limit).offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(WorkCenterRef)) or 0
    return [WorkCenterRead.model_validate(r) for r in rows], total
