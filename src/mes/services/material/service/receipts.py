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
from mes.services.material.clients import WorkOrders
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
from mes.services.material.service.naming import next_lot_code
from mes.services.material.service.orders import require_open


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
        # under an incoming inspection plan a lot is never consumable before quality accepts it
        status="quarantine" if item.inspect_on_receipt else data.status,
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
            tracking=item.tracking,
            expires_on=lot.expires_on,
        ),
    )
    return read


async def produce_lot(session: AsyncSession, data: Produce, actor: str, orders: WorkOrders) -> LotRead:
    await require_open(session, orders, data.work_order)
    item = await queries.item_by_code(session, data.item)
    location = await queries.location_by_code(session, data.location)
    qty = await queries.convert(session, data.quantity, data.uom or item.uom, item.uom)
    await queries.check_precision(session, qty, item.uom)  # 1.5 kits is no output
    one_unit_per_serial(item, qty)
    inputs: list[ev.ConsumedInput] = []
    taken: list[tuple[Lot, Decimal]] = []
    for given in data.inputs:
        lot = await lot_for_update(session, given.lot)
        component = await session.get(Item, lot.item_id)
        assert component is not None
        if given.quantity is not None:
            await queries.check_precision(session, given.quantity, component.uom)
            await take(session, lot, component, given.quantity, actor, data.work_order, data.operation)
            used = given.quantity
        else:  # consumed earlier in any operation of this order: what of it no earlier output has taken
            used = await unattributed(session, lot, data.work_order)
        taken.append((lot, used))
    if not data.inputs:  # none named: the output takes what the order consumed and no output has yet
        taken = await order_leftovers(session, data.work_order)
    for lot, used in taken:
        component = await session.get(Item, lot.item_id)
        assert component is not None
        inputs.append(
            ev.ConsumedInput(lot_code=lot.code, item_code=component.code, quantity=used, uom=component.uom)
        )
    expires = data.expires_on
    if expires is None and item.shelf_life_days:
        expires = date.fromordinal(today().toordinal() + item.shelf_life_days)
    lot = Lot(
        id=uuid.uuid4(),
        code=data.code or await next_lot_code(session, item, data.work_order),
        item_id=item.id,
        location_id=location.id,
        quantity=Decimal(0),
        status="available",
        expires_on=expires,
        attributes={},
        work_order=data.work_order,
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
            tracking=item.tracking,
            expires_on=expires,
        ),
    )
    return await lot_read(session, lot)


async def unattributed(session: AsyncSession, lot: Lot, work_order: str) -> Decimal:
    """What the order consumed of a lot, at any of its operations, that no earlier output names.

    The lot's row is locked, so two outputs can't both take the same remainder.
    """
    consumed = await _consumed(session, lot.id, work_order)
    if consumed <= 0:
        raise LotNotConsumable(
            f"Lot {lot.code} was not consumed in {work_order}.",
            code="input_not_consumed",
            lot=lot.code,
        )
    attributed = await _attributed(session, lot.id, work_order)
    if attributed >= consumed:
        raise LotNotConsumable(
            f"What {work_order} consumed of lot {lot.code} is already in earlier outputs.",
            code="input_already_used",
            lot=lot.code,
        )
    return Decimal(consumed - attributed)


async def order_leftovers(session: AsyncSession, work_order: str) -> list[tuple[Lot, Decimal]]:
    """Every lot the order consumed with what of it no output names yet, each lot locked (in code order)."""
    lot_ids = await session.scalars(
        select(Movement.lot_id)
        .where(Movement.kind == "consume", Movement.work_order == work_order)
        .group_by(Movement.lot_id)
    )
    lots = await session.scalars(
        select(Lot).where(Lot.id.in_(list(lot_ids))).order_by(Lot.code).with_for_update()
    )
    left: list[tuple[Lot, Decimal]] = []
    for lot in lots:
        free = await _consumed(session, lot.id, work_order) - await _attributed(session, lot.id, work_order)
        if free > 0:
            left.append((lot, free))
    return left


async def _consumed(session: AsyncSession, lot_id: uuid.UUID, work_order: str) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(Movement.quantity), 0)).where(
            Movement.lot_id == lot_id, Movement.kind == "consume", Movement.work_order == work_order
        )
    )
    return -Decimal(total or 0)


async def _attributed(session: AsyncSession, lot_id: uuid.UUID, work_order: str) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(LotInput.quantity), 0)).where(
            LotInput.input_lot_id == lot_id, LotInput.work_order == work_order
        )
    )
    return Decimal(total or 0)
