"""Reactions of the traceability service to other services' events: each feeds the projection."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as mat
from mes.contracts import quality as qa
from mes.contracts import work_orders as wo
from mes.platform.app import EventHandler
from mes.platform.events import Event
from mes.services.traceability.service import projection


async def work_order_started(session: AsyncSession, event: wo.WorkOrderStarted) -> None:
    await projection.order_status(session, event.work_order, "in_progress", event.occurred_at)


async def work_order_completed(session: AsyncSession, event: wo.WorkOrderCompleted) -> None:
    await projection.order_status(session, event.work_order, "completed", event.occurred_at)


async def work_order_closed(session: AsyncSession, event: wo.WorkOrderClosed) -> None:
    await projection.order_status(session, event.work_order, "closed", event.occurred_at)


async def work_order_cancelled(session: AsyncSession, event: wo.WorkOrderCancelled) -> None:
    await projection.order_status(session, event.work_order, "cancelled", event.occurred_at)


HANDLERS: dict[type[Event], EventHandler] = {
    mat.LotReceived: projection.lot_received,
    mat.LotMoved: projection.lot_moved,
    mat.LotConsumed: projection.lot_consumed,
    mat.LotProduced: projection.lot_produced,
    mat.LotSplit: projection.lot_split,
    mat.LotIssued: projection.lot_issued,
    mat.LotMerged: projection.lot_merged,
    mat.LotStatusChanged: projection.lot_status_changed,
    mat.LotScrapped: projection.lot_scrapped,
    mat.LotAdjusted: projection.lot_adjusted,
    mat.LotShipped: projection.lot_shipped,
    wo.WorkOrderCreated: projection.order_created,
    wo.WorkOrderReleased: projection.order_released,
    wo.WorkOrderStarted: work_order_started,
    wo.WorkOrderCompleted: work_order_completed,
    wo.WorkOrderClosed: work_order_closed,
    wo.WorkOrderCancelled: work_order_cancelled,
    wo.OperationStarted: projection.operation_started,
    wo.OperationCompleted: projection.operation_completed,
    wo.StepRecorded: projection.step_recorded,
    qa.InspectionRecorded: projection.inspection_recorded,
    qa.InspectionFailed: projection.inspection_failed,
}
