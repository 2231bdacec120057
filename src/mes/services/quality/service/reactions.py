"""Tasks from other services' events: a lot received, an operation started, a lot produced; the
plan versions an order inspects by, pinned at its release."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.material import LotProduced, LotReceived
from mes.contracts.quality import LotHoldRequested
from mes.contracts.work_orders import OperationStarted, WorkOrderReleased
from mes.platform.events import record_event
from mes.services.quality.models import ProducedLot
from mes.services.quality.service import frequency
from mes.services.quality.service.plans import order_plans, pin_order_plans, released_plans
from mes.services.quality.service.tasks import open_task


def _units(quantity: Decimal) -> int | None:
    """A lot size for sampling: its quantity when it counts whole units."""
    return int(quantity) if quantity == quantity.to_integral_value() and quantity >= 1 else None


async def lot_received(session: AsyncSession, event: LotReceived) -> None:
    plans = await released_plans(session, "incoming", event.item_code)
    if not plans:
        return
    for plan in plans:
        await open_task(
            session, plan, "system", event.topic, lot_code=event.lot_code, lot_size=_units(event.quantity),
            supplier=event.supplier,
        )  # fmt: skip
    if event.status != "quarantine":
        # received before material learnt of the plan: hold it until the inspection decides
        await record_event(
            session,
            LotHoldRequested(
                lot_code=event.lot_code, reason="Awaiting incoming inspection", reference=plans[0].code,
                requested_by="system",
            ),
        )  # fmt: skip


async def work_order_released(session: AsyncSession, event: WorkOrderReleased) -> None:
    await pin_order_plans(session, event.work_order, event.product)


async def operation_started(session: AsyncSession, event: OperationStarted) -> None:
    await frequency.operation_started(session, event)
    for plan in await order_plans(session, event.work_order, "in_process", event.product, event.operation):
        if not (plan.sampling or {}).get("on_start", True):
            continue
        await open_task(
            session, plan, "system", event.topic, work_order=event.work_order, operation=event.operation,
            equipment=event.equipment,
        )  # fmt: skip


async def lot_produced(session: AsyncSession, event: LotProduced) -> None:
    if await session.get(ProducedLot, event.lot_code) is None:
        session.add(
            ProducedLot(
                lot_code=event.lot_code, item=event.item_code, work_order=event.work_order,
                operation=event.operation, produced_at=event.occurred_at,
            )
        )  # fmt: skip
    for plan in await order_plans(session, event.work_order, "final", event.item_code):
        await open_task(
            session, plan, "system", event.topic, lot_code=event.lot_code, lot_size=_units(event.quantity),
            work_order=event.work_order,
        )  # fmt: skip
