"""Reactions of the integration service to other services' events: webhook and ERP deliveries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as mat
from mes.contracts import work_orders as wo
from mes.platform.app import handlers, on
from mes.platform.events import Event
from mes.services.integration.service import webhooks


async def deliver_event(session: AsyncSession, event: Event) -> None:
    await webhooks.take_event(session, event)


HANDLERS = handlers(
    *(
        on(cls, deliver_event)
        for cls in (
            wo.WorkOrderCreated,
            wo.WorkOrderReleased,
            wo.WorkOrderStarted,
            wo.WorkOrderPutOnHold,
            wo.WorkOrderResumed,
            wo.WorkOrderCompleted,
            wo.WorkOrderClosed,
            wo.WorkOrderCancelled,
            wo.OperationCompleted,
            mat.LotConsumed,
            mat.LotProduced,
        )
    )
)
