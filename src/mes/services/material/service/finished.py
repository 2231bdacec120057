"""The finished lot (or serials) of a work order, made when work orders announces its completion.

Work orders publishes `work_order_completed.v1` with the good quantity; material makes the product's
lot from it, named by the item's rule, its inputs being what the order consumed that no earlier
output of the order took. Made from the event, not a call, so no remote call waits while the
order's row is locked, and a repeated completion (same Idempotency-Key, or the event delivered
twice) makes nothing twice (ADR 28).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.contracts.work_orders import WorkOrderCompleted
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.material import config
from mes.services.material.models import Item, Location, Lot, LotInput, Movement
from mes.services.material.service.ledger import book, new_lot, today
from mes.services.material.service.naming import next_lot_code
from mes.services.material.service.receipts import order_leftovers

SIX = Decimal("0.000001")


async def _location(session: AsyncSession) -> Location | None:
    wanted = config.finished_location()
    query = select(Location)
    query = (
        query.where(Location.code == wanted)
        if wanted
        else query.where(Location.kind == "warehouse").order_by(Location.code)
    )
    return await session.scalar(query.limit(1))


async def _produced_already(session: AsyncSession, item: Item, work_order: str) -> Decimal:
    """What the order's own produce calls already made of the product."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Movement.quantity), 0))
        .join(Lot, Lot.id == Movement.lot_id)
        .where(Movement.kind == "produce", Movement.work_order == work_order, Lot.item_id == item.id)
    )
    return Decimal(total or 0)


def _shares(quantity: Decimal, parts: int) -> list[Decimal]:
    """`quantity` in `parts` shares of 6 decimals that add up exactly (the last takes the rest)."""
    share = (quantity / parts).quantize(SIX, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [quantity - share * (parts - 1)]


async def finish_order(session: AsyncSession, event: WorkOrderCompleted) -> list[str]:
    """Make the finished lot(s) of a completed order; the codes made (none when nothing is left)."""
    actor = f"completion:{event.actor}"
    item = await session.scalar(select(Item).where(Item.code == event.product))
    if item is None or event.good <= 0:
        return []
    done = await session.scalar(
        select(Lot.code).where(Lot.attributes["completion_of"].astext == event.work_order).limit(1)
    )
    if done is not None:
        return []  # made before: the same completion delivered again
    remaining = event.good - await _produced_already(session, item, event.work_order)
    if item.tracking == "serial":
        remaining = remaining.to_integral_value(rounding=ROUND_DOWN)
    if remaining <= 0:
        return []
    location = await _location(session)
    if location is None:
        await append_audit(
            session,
            actor=actor,
            action="lot.finished_not_made",
            entity_type="work_order",
            entity_id=event.work_order,
            reason="no finished goods location (MES_MATERIAL_FINISHED_LOCATION, or any warehouse)",
        )
        return []
    taken = await order_leftovers(session, event.work_order)
    operation = event.operation or "completion"
    expires = date.fromordinal(today().toordinal() + item.shelf_life_days) if item.shelf_life_days else None
    units = [Decimal(1)] * int(remaining) if item.tracking == "serial" else [remaining]
    split = [(lot, _shares(used, len(units))) for lot, used in taken]
    made: list[str] = []
    for index, quantity in enumerate(units):
        lot = Lot(
            id=uuid.uuid4(),
            code=await next_lot_code(session, item, event.work_order),
            item_id=item.id,
            location_id=location.id,
            quantity=Decimal(0),
            status="available",
            expires_on=expires,
            attributes={"completion_of": event.work_order},
            work_order=event.work_order,
        )
        await new_lot(session, lot)
        inputs: list[ev.ConsumedInput] = []
        for source, shares in split:
            if shares[index] <= 0:
                continue
            session.add(
                LotInput(
                    output_lot_id=lot.id,
                    input_lot_id=source.id,
                    quantity=shares[index],
                    work_order=event.work_order,
                    operation=operation,
                )
            )
            component = await session.get(Item, source.item_id)
            assert component is not None
            inputs.append(
                ev.ConsumedInput(
                    lot_code=source.code, item_code=component.code, quantity=shares[index], uom=component.uom
                )
            )
        await book(
            session,
            lot,
            "produce",
            quantity,
            actor,
            to_location_id=location.id,
            work_order=event.work_order,
            operation=operation,
        )
        await record_event(
            session,
            ev.LotProduced(
                lot_code=lot.code,
                item_code=item.code,
                uom=item.uom,
                actor=actor,
                quantity=quantity,
                location=location.code,
                work_order=event.work_order,
                operation=operation,
                inputs=inputs,
                tracking="serial" if item.tracking == "serial" else "lot",
                expires_on=expires,
            ),
        )
        made.append(lot.code)
    return made
