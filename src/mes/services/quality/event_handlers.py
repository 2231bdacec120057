"""Reactions of the quality service to other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.material import LotProduced, LotReceived
from mes.contracts.work_orders import (
    OperationCompleted,
    OperationPaused,
    OperationResumed,
    OperationStarted,
    WorkOrderReleased,
    YieldReported,
)
from mes.platform.app import handlers, on
from mes.services.quality.service import frequency, reactions


async def material_lot_received(session: AsyncSession, event: LotReceived) -> None:
    await reactions.lot_received(session, event)


async def material_lot_produced(session: AsyncSession, event: LotProduced) -> None:
    await reactions.lot_produced(session, event)


async def work_order_released(session: AsyncSession, event: WorkOrderReleased) -> None:
    await reactions.work_order_released(session, event)


async def operation_started(session: AsyncSession, event: OperationStarted) -> None:
    await reactions.operation_started(session, event)


async def operation_paused(session: AsyncSession, event: OperationPaused) -> None:
    await frequency.operation_paused(session, event)


async def operation_resumed(session: AsyncSession, event: OperationResumed) -> None:
    await frequency.operation_resumed(session, event)


async def operation_completed(session: AsyncSession, event: OperationCompleted) -> None:
    await frequency.operation_completed(session, event)


async def yield_reported(session: AsyncSession, event: YieldReported) -> None:
    await frequency.yield_reported(session, event)


HANDLERS = handlers(
    on(LotReceived, material_lot_received),
    on(LotProduced, material_lot_produced),
    on(OperationStarted, operation_started),
    on(OperationPaused, operation_paused),
    on(OperationResumed, operation_resumed),
    on(OperationCompleted, operation_completed),
    on(YieldReported, yield_reported),
    on(WorkOrderReleased, work_order_released),
)
