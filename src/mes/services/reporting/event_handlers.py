"""Reactions of the reporting service to other services' events: each one feeds the read models."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.integration import MachineCounterReported
from mes.contracts.resource import (
    CalendarChanged,
    DowntimeClassified,
    DowntimeRecorded,
    EquipmentDetailsChanged,
    EquipmentRegistered,
    EquipmentStateChanged,
)
from mes.contracts.work_orders import (
    OperationCompleted,
    OperationStarted,
    WorkOrderCompleted,
    YieldReported,
)
from mes.platform.app import handlers, on
from mes.services.reporting import clients
from mes.services.reporting.service import projection


async def resource_equipment_registered(session: AsyncSession, event: EquipmentRegistered) -> None:
    await projection.receive(session, event)


async def resource_state_changed(session: AsyncSession, event: EquipmentStateChanged) -> None:
    await projection.receive(session, event)


async def resource_downtime_recorded(session: AsyncSession, event: DowntimeRecorded) -> None:
    await projection.receive(session, event)


async def resource_downtime_classified(session: AsyncSession, event: DowntimeClassified) -> None:
    await projection.receive(session, event)


async def work_orders_yield_reported(session: AsyncSession, event: YieldReported) -> None:
    await projection.receive(session, event)


async def work_orders_operation_started(session: AsyncSession, event: OperationStarted) -> None:
    await projection.receive(session, event)


async def work_orders_operation_completed(session: AsyncSession, event: OperationCompleted) -> None:
    await projection.receive(session, event)


async def work_orders_order_completed(session: AsyncSession, event: WorkOrderCompleted) -> None:
    await projection.receive(session, event)


async def integration_machine_counter(session: AsyncSession, event: MachineCounterReported) -> None:
    await projection.receive(session, event)


async def resource_calendar_changed(session: AsyncSession, event: CalendarChanged) -> None:
    """Cached calendars and planned windows are read afresh (planned time below that code depends
    on it, and on which calendar is nearest, so all of them are dropped: calendar edits are rare)."""
    await clients.invalidate(clients.CALENDARS)


async def resource_details_changed(session: AsyncSession, event: EquipmentDetailsChanged) -> None:
    await clients.invalidate(clients.DETAILS)


HANDLERS = handlers(
    on(EquipmentRegistered, resource_equipment_registered),
    on(EquipmentStateChanged, resource_state_changed),
    on(DowntimeRecorded, resource_downtime_recorded),
    on(DowntimeClassified, resource_downtime_classified),
    on(YieldReported, work_orders_yield_reported),
    on(OperationStarted, work_orders_operation_started),
    on(OperationCompleted, work_orders_operation_completed),
    on(WorkOrderCompleted, work_orders_order_completed),
    on(MachineCounterReported, integration_machine_counter),
    on(CalendarChanged, resource_calendar_changed),
    on(EquipmentDetailsChanged, resource_details_changed),
)
