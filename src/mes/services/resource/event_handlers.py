"""Reactions of the resource service to other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.app import EventHandler
from mes.platform.events import Event
from mes.services.resource.service import state_api


async def machine_state_reported(session: AsyncSession, event: MachineStateReported) -> None:
    await state_api.machine_reported(session, event)


async def machine_counter_reported(session: AsyncSession, event: MachineCounterReported) -> None:
    await state_api.counter_reported(session, event)


HANDLERS: dict[type[Event], EventHandler] = {
    MachineStateReported: machine_state_reported,
    MachineCounterReported: machine_counter_reported,
}
