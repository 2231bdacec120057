"""Reactions of the resource service to other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.auth import UserCreated, UserDeactivated, UserReactivated
from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.app import handlers, on
from mes.services.resource.service import personnel, state_api


async def machine_state_reported(session: AsyncSession, event: MachineStateReported) -> None:
    await state_api.machine_reported(session, event)


async def machine_counter_reported(session: AsyncSession, event: MachineCounterReported) -> None:
    await state_api.counter_reported(session, event)


async def auth_user_created(session: AsyncSession, event: UserCreated) -> None:
    await personnel.follow_user(
        session, event.username, active=True, name=event.display_name, actor=f"auth:{event.actor}"
    )


async def auth_user_deactivated(session: AsyncSession, event: UserDeactivated) -> None:
    await personnel.follow_user(session, event.username, active=False, actor=f"auth:{event.actor}")


async def auth_user_reactivated(session: AsyncSession, event: UserReactivated) -> None:
    await personnel.follow_user(session, event.username, active=True, actor=f"auth:{event.actor}")


HANDLERS = handlers(
    on(MachineStateReported, machine_state_reported),
    on(MachineCounterReported, machine_counter_reported),
    on(UserCreated, auth_user_created),
    on(UserDeactivated, auth_user_deactivated),
    on(UserReactivated, auth_user_reactivated),
)
