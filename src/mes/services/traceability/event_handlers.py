"""Reactions of the traceability service to other services' events: each feeds the projection."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as mat
from mes.contracts import quality as qa
from mes.contracts import work_orders as wo
from mes.platform.app import handlers, on
from mes.services.traceability.service import projection


async def work_order_started(session: AsyncSession, event: wo.WorkOrderStarted) -> None:
    await projection.order_status(session, event.work_order, "in_progress", event.occurred_at)


async def work_order_completed(session: AsyncSession, event: wo.WorkOrderCompleted) -> None:
    await projection.order_status(session, event.work_order, "completed", event.occurred_at)


async def work_order_closed(session: AsyncSession, event: wo.WorkOrderClosed) -> None:
    await projection.order_status(session, event.work_order, "closed", event.occurred_at)


async def work_order_cancelled(session: AsyncSession, event: wo.WorkOrderCancelled) -> None:
    await projection.order_status(session, event.work_order, "cancelled", event.occurred_at)


HANDLERS = handlers(
    on(mat.LotReceived, projection.lot_received),
    on(mat.LotMoved, projection.lot_moved),
    on(mat.LotConsumed, projection.lot_consumed),
    on(mat.LotProduced, projection.lot_produced),
    on(mat.LotSplit, projection.lot_split),
    on(mat.LotIssued, projection.lot_issued),
    on(mat.LotMerged, projection.lot_merged),
    on(mat.LotStatusChanged, projection.lot_status_changed),
    on(mat.LotScrapped, projection.lot_scrapped),
    on(mat.LotAdjusted, projection.lot_adjusted),
    on(mat.LotShipped, projection.lot_shipped),
    on(wo.WorkOrderCreated, projection.order_created),
    on(wo.WorkOrderReleased, projection.order_released),
    on(wo.WorkOrderStarted, work_order_started),
    on(wo.WorkOrderCompleted, work_order_completed),
    on(wo.WorkOrderClosed, work_order_closed),
    on(wo.WorkOrderCancelled, work_order_cancelled),
    on(wo.OperationStarted, projection.operation_started),
    on(wo.OperationCompleted, projection.operation_completed),
    on(wo.StepRecorded, projection.step_recorded),
    on(qa.InspectionRecorded, projection.inspection_recorded),
    on(qa.InspectionFailed, projection.inspection_failed),
)
