"""Stock leaving for production: consumed in an operation, issued to a work order (idempotent)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.events import record_event
from mes.platform.schemas import format_decimal as fmt
from mes.services.material import queries
from mes.services.material.clients import WorkOrders
from mes.services.material.errors import (
    InsufficientQuantity,
    LotNotConsumable,
    WrongItem,
)
from mes.services.material.models import Item, Location
from mes.services.material.queries import lot_read
from mes.services.material.schemas import (
    Consume,
    ConsumptionRead,
    Issue,
    LotRead,
)
from mes.services.material.service.ledger import (
    book,
    child_lot,
    lot_for_update,
    lot_to_consume,
    take,
    today,
)
from mes.services.material.service.orders import require_open


async def consume_lot(
    session: AsyncSession, code: str, data: Consume, actor: str, orders: WorkOrders
) -> ConsumptionRead:
    await require_open(session, orders, data.work_order)  # asked before the lot's lock is taken
    # one round trip for the lot, its item, location and unit; `_location` and `_unit` are kept so
    # that the checks and the booking below find them in the session instead of asking again
    lot, item, _location, _unit = await lot_to_consume(session, code)
    if data.item is not None and data.item != item.code:
        raise WrongItem(f"Lot {code} holds {item.code}, not {data.item}.", lot=code, item=item.code)
    await queries.check_precision(session, data.quantity, data.uom or item.uom)
    qty = await queries.convert(session, data.quantity, data.uom or item.uom, item.uom)
    await queries.check_precision(session, qty, item.uom)  # 0.005 pack100 is half a piece
    movement_id = await take(session, lot, item, qty, actor, data.work_order, data.operation)
    return ConsumptionRead(
        lot=lot.code,
        item=item.code,
        consumed=qty,
        remaining=lot.quantity,
        uom=item.uom,
        work_order=data.work_order,
        operation=data.operation,
        movement_id=movement_id,
    )


async def issue_lot(session: AsyncSession, code: str, data: Issue, actor: str, orders: WorkOrders) -> LotRead:
    """Hand stock to a work order at the line: the whole lot moves, or the issued part becomes its own lot."""
    await require_open(session, orders, data.work_order)
    lot = await lot_for_update(session, code)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    refusal = lot.refusal_to_consume(today())
    if refusal is not None:
        raise LotNotConsumable(refusal, lot=lot.code, lot_status=lot.status)
    source = await session.get(Location, lot.location_id)
    target = await queries.location_by_code(session, data.to_location)
    assert source is not None
    quantity = lot.quantity if data.quantity is None else data.quantity
    if quantity > lot.quantity:
        raise InsufficientQuantity(
            f"Lot {lot.code} holds {fmt(lot.quantity)} {item.uom}; {fmt(quantity)} requested."
        )
    if quantity == lot.quantity:
        issued = lot
        await book(
            session,
            lot,
            "issue",
            Decimal(0),
            actor,
            from_location_id=source.id,
            to_location_id=target.id,
            work_order=data.work_order,
        )
        lot.location_id = target.id
    else:
        issued = await child_lot(session, lot, item, data.new_code, target.id)
        await book(
            session,
            lot,
            "issue",
            -quantity,
            actor,
            from_location_id=source.id,
            to_location_id=target.id,
            work_order=data.work_order,
            related_lot_id=issued.id,
        )
        await book(
            session,
            issued,
            "issue",
            quantity,
            actor,
            from_location_id=source.id,
            to_location_id=target.id,
            work_order=data.work_order,
            related_lot_id=lot.id,
        )
    issued.work_order = data.work_order
    await record_event(
        session,
        ev.LotIssued(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            issued_lot_code=issued.code,
            quantity=quantity,
            work_order=data.work_order,
            from_location=source.code,
            to_location=target.code,
        ),
    )
    return await lot_read(session, issued)
