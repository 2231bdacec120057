"""The work orders stock is booked against: known here from work orders' events and from its first
answer for an order, so that a consumption, an issue or an output against an order material already
knows asks no other service (ADR 49)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.material.clients import WorkOrders
from mes.services.material.errors import WorkOrderNotOpen
from mes.services.material.models import OrderState

# an order in these states takes no more material: booking against it would falsify its genealogy;
# both are final, so once known here they stay true
CLOSED_STATUSES = ("closed", "cancelled")


async def require_open(session: AsyncSession, orders: WorkOrders, number: str) -> None:
    """409 work_order_not_open for a closed or cancelled order, 409 unknown_work_order for none.
    Work orders is asked only for an order material has not heard of yet, before any lock is
    taken; its answer is kept unless an event wrote the order meanwhile (the event is newer)."""
    status = await session.scalar(select(OrderState.status).where(OrderState.number == number))
    if status is None:
        status = await orders.status_of(number)
        await session.execute(
            insert(OrderState).values(number=number, status=status).on_conflict_do_nothing()
        )
    if status in CLOSED_STATUSES:
        raise WorkOrderNotOpen(
            f"Work order {number} is {status}; no material can be booked against it.", work_order=number
        )


async def order_ended(session: AsyncSession, number: str, status: str) -> None:
    """Work orders closed or cancelled `number`: no more stock is booked against it."""
    stmt = insert(OrderState).values(number=number, status=status)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[OrderState.number], set_={"status": status, "updated_at": func.now()}
        )
    )
