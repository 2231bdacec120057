"""Reactions of the material service to other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import IncomingInspectionChanged, LotHoldRequested, LotReleaseRequested
from mes.contracts.work_orders import WorkOrderCancelled, WorkOrderClosed, WorkOrderCompleted
from mes.platform.app import handlers, on
from mes.services.material import service
from mes.services.material.service.orders import order_ended


def _why(reason: str, reference: str | None) -> str:
    return f"{reason} ({reference})" if reference else reason


async def quality_hold_requested(session: AsyncSession, event: LotHoldRequested) -> None:
    await service.change_status(
        session,
        event.lot_code,
        "hold",
        _why(event.reason, event.reference),
        f"quality:{event.requested_by}",
        requested_at=event.occurred_at,
    )


async def quality_release_requested(session: AsyncSession, event: LotReleaseRequested) -> None:
    await service.change_status(
        session,
        event.lot_code,
        "release",
        _why(event.reason, event.reference),
        f"quality:{event.requested_by}",
        requested_at=event.occurred_at,
    )


async def quality_incoming_inspection(session: AsyncSession, event: IncomingInspectionChanged) -> None:
    await service.set_inspect_on_receipt(
        session, event.item_code, event.required, f"quality:{event.requested_by}"
    )


async def work_order_completed(session: AsyncSession, event: WorkOrderCompleted) -> None:
    await service.finish_order(session, event)


async def work_order_closed(session: AsyncSession, event: WorkOrderClosed) -> None:
    await order_ended(session, event.work_order, "closed")


async def work_order_cancelled(session: AsyncSession, event: WorkOrderCancelled) -> None:
    await order_ended(session, event.work_order, "cancelled")


HANDLERS = handlers(
    on(WorkOrderCompleted, work_order_completed),
    on(WorkOrderClosed, work_order_closed),
    on(WorkOrderCancelled, work_order_cancelled),
    on(IncomingInspectionChanged, quality_incoming_inspection),
    on(LotHoldRequested, quality_hold_requested),
    on(LotReleaseRequested, quality_release_requested),
)
