"""Lots coming into stock: received from a supplier, produced by an operation."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.events import record_event
from mes.services.material import queries
from mes.services.material.errors import (
    LotNotConsumable,
)
from mes.services.material.models import Item, Lot, LotInput, Movement
from mes.services.material.queries import lot_read
from mes.services.material.schemas import (
    LotRead,
    LotReceive,
    Produce,
)
from mes.services.material.service.ledger import (
    book,
    lot_for_update,
    new_lot,
    new_lot_code,
    one_unit_per_serial,
    take,
    today,
)


async def receive_lot(session: AsyncSession, data: LotReceive, actor: str) -> LotRead:
    item = await queries.item_by_code(session, data.item)
    location = await queries.location_by_code(session, data.location)
    qty = await queries.convert(session, data.quantity, data.uom or item.uom, item.uom)
    one_unit_per_serial(item, qty)
    lot = Lot(
        id=uuid.uuid4(),
        code=data.code or new_lot_code(item),
        item_id=item.id,
        location_id=location.id,
        quantity=Decimal(0),
        status=data.status,
        supplier=data.supplier,
        supplier_lot=data.supplier_lot,
        expires_on=data.expires_on,
        attributes=data.attributes,
    )
    await new_lot(session, lot)
    await book(session, lot, "receive", qty, actor, to_location_id=location.id)
    read = await lot_read(session, lot)
    await record_event(
        session,
        ev.LotReceived(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            quantity=qty,
            location=location.code,
            supplier=lot.supplier,
            supplier_lot=lot.supplier_lot,
            status=lot.status,
        ),
    )
    return read


async def produce_lot(session: AsyncSession, data: Produce, actor: str) -> LotRead:
    item = await queries.item_by_code(session, data.item)
    location = await queries.location_by_code(session, data.location)
    qty = await queries.convert(session, data.quantity, data.uom or item.uom, item.uom)
    one_unit_per_serial(item, qty)
    inputs: list[ev.ConsumedInput] = []
    taken: list[tuple[Lot, Decimal]] = []
    for given in data.inputs:
        lot = await lot_for_update(session, given.lot)
        component = await session.get(Item, lot.item_id)
        assert component is not None
        if given.quantity is not None:
            await take(session, lot, component, given.quantity, actor, data.work_order, data.operation)
            used = given.quantity
        else:  # consumed earlier in this operation: what of it no earlier output has taken
            used = await unattributed(session, lot, data.work_order, data.operation)
        taken.append((lot, used))
        inputs.append(
            ev.ConsumedInput(lot_code=lot.code, item_code=component.code, quantity=used, uom=component.uom)
        )
    expires = data.expires_on
    if expires is None and item.shelf_life_days:
        expires = date.fromordinal(today().toordinal() + item.shelf_life_days)
    lot = Lot(
        id=uuid.uuid4(),
        code=data.code or new_lot_code(item),
        item_id=item.id,
        location_id=location.id,
        quantity=Decimal(0),
        status="available",
        expires_on=expires,
        attributes={},
    )
    await new_lot(session, lot)
    session.add_all(
        LotInput(
            output_lot_id=lot.id,
            input_lot_id=source.id,
            quantity=used,
            work_order=data.work_order,
            operation=data.operation,
        )
        for source, used in taken
    )
    await book(
        session,
        lot,
        "produce",
        qty,
        actor,
        to_location_id=location.id,
        work_order=data.work_order,
        operation=data.operation,
    )
    await record_event(
        session,
        ev.LotProduced(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            quantity=qty,
            location=location.code,
            work_order=data.work_order,
            operation=data.operation,
            inputs=inputs,
        ),
    )
    return await lot_read(session, lot)


async def unattributed(
    session: AsyncSession, lot: Lot, work_order: str | None, operation: str | None
) -> Decimal:
    """What an operation consumed of a lot and no earlier output of it names (the lot's row is locked)."""
    consumed = -(
        await session.scalar(
            select(func.coalesce(func.sum(Movement.quantity), 0)).where(
                Movement.lot_id == lot.id,
                Movement.kind == "consume",
                Movement.work_order == work_order,
                Movement.operation == operation,
            )
        )
        or Decimal(0)
    )
    if consumed <= 0:
        raise LotNotConsumable(
            f"Lot {lot.code} was not consumed in {work_order}/{operation}.",
            code="input_not_consumed",
            lot=lot.code,
        )
    attributed = await session.scalar(
        select(func.coalesce(func.sum(LotInput.quantity), 0)).where(
            LotInput.input_lot_id == lot.id,
            LotInput.work_order == work_order,
            LotInput.operation == operation,
        )
    ) or Decimal(0)
    if attributed >= consumed:
        raise LotNotConsumable(
            f"What {work_order}/{operation} consumed of lot {lot.code} is already in earlier outputs.",
            code="input_already_used",
            lot=lot.code,
        )
    return Decimal(consumed - attributed)
