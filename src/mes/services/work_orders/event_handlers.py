"""Reactions of the work orders service to other services' events; each calls one service function."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import WorkOrderHoldRequested, WorkOrderReleaseRequested
from mes.contracts.resource import EquipmentRegistered, EquipmentStateChanged
from mes.platform.app import handlers, on
from mes.services.work_orders.service import reactions


async def equipment_registered(session: AsyncSession, event: EquipmentRegistered) -> None:
    await reactions.remember_work_center(session, event)


async def equipment_state_changed(session: AsyncSession, event: EquipmentStateChanged) -> None:
    await reactions.remember_equipment_state(
        session,
        code=event.equipment_code,
        path=event.path,
        state=event.state,
        available=event.available,
        since=event.started_at,
        reason_code=event.reason_code,
    )


async def quality_hold_requested(session: AsyncSession, event: WorkOrderHoldRequested) -> None:
    await reactions.quality_hold(session, event, hold=True)


async def quality_release_requested(session: AsyncSession, event: WorkOrderReleaseRequested) -> None:
    await reactions.quality_hold(session, event, hold=False)


HANDLERS = handlers(
    on(EquipmentRegistered, equipment_registered),
    on(EquipmentStateChanged, equipment_state_changed),
    on(WorkOrderHoldRequested, quality_hold_requested),
    on(WorkOrderReleaseRequested, quality_release_requested),
)
