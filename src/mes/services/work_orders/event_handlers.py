"""Reactions of the work orders service to other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import EquipmentRegistered
from mes.platform.app import EventHandler
from mes.platform.events import Event
from mes.services.work_orders import service


async def equipment_registered(session: AsyncSession, event: EquipmentRegistered) -> None:
    await service.remember_work_center(session, event)


HANDLERS: dict[type[Event], EventHandler] = {
    EquipmentRegistered: equipment_registered,
}
