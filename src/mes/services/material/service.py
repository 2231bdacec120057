"""Use cases of the material service that change stock: every one books the ledger under the lot's lock."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.material import catalog
from mes.services.material.errors import (
    DuplicateCode,
    InsufficientQuantity,
    InvalidMerge,
    InvalidStatusChange,
    LotNotConsumable,
    LotNotFound,
    SerialQuantity,
    WrongItem,
)
from mes.services.material.models import Item, Location, Lot, Movement
from mes.services.material.queries import lot_read
from mes.services.material.schemas import (
    Adjust,
    Consume,
    ConsumptionRead,
    Issue,
    LotRead,
    LotReceive,
    Merge,
    Move,
    Produce,
    Scrap,
    Split,
)


def today() -> date:
    return datetime.now(UTC).date()


def new_lot_code(item: Item) -> str:
    return f"{item.code}-{today():%y%m%d}-{secrets.token_hex(3).upper()}"


def _one_unit_per_serial(item: Item, quantity: Decimal) -> None:
    if item.tracking == "serial" and quantity != 1:
        raise SerialQuantity(
            f"{item.code} is serial-tracked: each serial is one lot of exactly 1 {item.uom}."
        )


async def lot_for_update(session: AsyncSession, code: str) -> Lot:
    """The lot, locked until the transaction ends: concurrent bookings on it queue here."""
    lot = await session.scalar(select(Lot).where(Lot.code == code).with_for_update())
    if lot is None:
        raise LotNotFound(f"No lot with code {code}.")
    return lot


async def _book(
    session: AsyncSession, lot: Lot, kind: str, delta: Decimal, actor: str, **fields: object
) -> Movement:
    if lot.quantity + delta < 0:
        raise InsufficientQuantity(f"Lot {lot.code} holds {lot.quantity}; {-delta} can't be taken from it.")
    lot.quantity += delta
    movement = Movement(kind=kind, lot_id=lot.id, quantity=delta, actor=actor, **fields)
    session.add(movement)
    await session.flush()
    return movement


async def _new_lot(session: AsyncSession, lot: Lot) -> None:
    session.add(lot)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise DuplicateCode(f"Lot {lot.code} already exists.") from None


async def receive_lot(session: AsyncSession, data: LotReceive, actor: str) -> LotRead:
    item = await catalog.item_by_code(session, data.item)
    location = await catalog.location_by_code(session, data.location)
    qty = await catalog.convert(session, data.quantity, data.uom or item.uom, item.uom)
    _one_unit_per_serial(item, qty)
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
    await _new_lot(session, lot)
    await _book(session, lot, "receive", qty, actor, to_location_id=location.id)
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


async def _take(
    session: AsyncSession, lot: Lot, item: Item, qty: Decimal, actor: str, work_order: str, operation: str
) -> Movement:
    refusal = lot.refusal_to_consume(today())
    if refusal is not None:
        raise LotNotConsumable(refusal, lot=lot.code, lot_status=lot.status)
    if qty > lot.quantity:
        raise InsufficientQuantity(
            f"Lot {lot.code} holds {lot.quantity} {item.uom}; {qty} {item.uom} requested.",
            lot=lot.code,
            available=str(lot.quantity),
        )
    movement = await _book(
        session,
        lot,
        "consume",
        -qty,
        actor,
        from_location_id=lot.location_id,
        work_order=work_order,
        operation=operation,
    )
    if lot.quantity == 0:
        lot.status = "consumed"
    location = await session.get(Location, lot.location_id)
    assert location is not None
    await record_event(
        session,
        ev.LotConsumed(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            quantity=qty,
            remaining=lot.quantity,
            work_order=work_order,
            operation=operation,
            location=location.code,
        ),
    )
    return movement


async def consume_lot(session: AsyncSession, code: str, data: Consume, actor: str) -> ConsumptionRead:
    lot = await lot_for_update(session, code)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    if data.item is not None and data.item != item.code:
        raise WrongItem(f"Lot {code} holds {item.code}, not {data.item}.", lot=code, item=item.code)
    qty = await catalog.convert(session, data.quantity, data.uom or item.uom, item.uom)
    movement = await _take(session, lot, item, qty, actor, data.work_order, data.operation)
    return ConsumptionRead(
        lot=lot.code,
        item=item.code,
        consumed=qty,
        remaining=lot.quantity,
        uom=item.uom,
        work_order=data.work_order,
        operation=data.operation,
        movement_id=movement.id,
    )


async def produce_lot(session: AsyncSession, data: Produce, actor: str) -> LotRead:
    item = await catalog.item_by_code(session, data.item)
    location = await catalog.location_by_code(session, data.location)
    qty = await catalog.convert(session, data.quantity, data.uom or item.uom, item.uom)
    _one_unit_per_serial(item, qty)
    inputs: list[ev.ConsumedInput] = []
    for given in data.inputs:
        lot = await lot_for_update(session, given.lot)
        component = await session.get(Item, lot.item_id)
        assert component is not None
        if given.quantity is not None:
            await _take(session, lot, component, given.quantity, actor, data.work_order, data.operation)
            used = given.quantity
        else:  # consumed earlier in this operation: the ledger says how much
            used = -(
                await session.scalar(
                    select(func.coalesce(func.sum(Movement.quantity), 0)).where(
                        Movement.lot_id == lot.id,
                        Movement.kind == "consume",
                        Movement.work_order == data.work_order,
                        Movement.operation == data.operation,
                    )
                )
                or Decimal(0)
            )
            if used <= 0:
                raise LotNotConsumable(
                    f"Lot {lot.code} was not consumed in {data.work_order}/{data.operation}.",
                    code="input_not_consumed",
                    lot=lot.code,
                )
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
    await _new_lot(session, lot)
    await _book(
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


async def _child_lot(
    session: AsyncSession, lot: Lot, item: Item, code: str | None, location_id: uuid.UUID
) -> Lot:
    """A new, empty lot carrying its parent's identity (supplier, expiry, status, attributes)."""
    child = Lot(
        id=uuid.uuid4(),
        code=code or new_lot_code(item),
        item_id=lot.item_id,
        location_id=location_id,
        quantity=Decimal(0),
        status=lot.status,
        supplier=lot.supplier,
        supplier_lot=lot.supplier_lot,
        expires_on=lot.expires_on,
        attributes=dict(lot.attributes),
        hold_reason=lot.hold_reason,
        parent_lot_id=lot.id,
        received_at=lot.received_at,
    )
    await _new_lot(session, child)
    return child


def _movable(lot: Lot) -> None:
    if lot.status in ("consumed", "scrapped"):
        raise InvalidStatusChange(f"Lot {lot.code} is {lot.status}; nothing is left to book.")


async def move_lot(session: AsyncSession, code: str, data: Move, actor: str) -> LotRead:
    lot = await lot_for_update(session, code)
    _movable(lot)
    source = await session.get(Location, lot.location_id)
    target = await catalog.location_by_code(session, data.to_location)
    assert source is not None
    await _book(session, lot, "move", Decimal(0), actor, from_location_id=source.id, to_location_id=target.id)
    lot.location_id = target.id
    read = await lot_read(session, lot)
    await record_event(
        session,
        ev.LotMoved(
            lot_code=lot.code,
            item_code=read.item,
            uom=read.uom,
            actor=actor,
            quantity=lot.quantity,
            from_location=source.code,
            to_location=target.code,
        ),
    )
    return read


async def split_lot(session: AsyncSession, code: str, data: Split, actor: str) -> LotRead:
    lot = await lot_for_update(session, code)
    _movable(lot)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    if item.tracking == "serial":
        raise SerialQuantity(f"A serial ({item.code}) can't be split.")
    child = await _child_lot(session, lot, item, data.new_code, lot.location_id)
    await _book(session, lot, "split", -data.quantity, actor, related_lot_id=child.id)
    await _book(session, child, "split", data.quantity, actor, related_lot_id=lot.id)
    await record_event(
        session,
        ev.LotSplit(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            new_lot_code=child.code,
            quantity=data.quantity,
        ),
    )
    return await lot_read(session, child)


async def scrap_lot(session: AsyncSession, code: str, data: Scrap, actor: str) -> LotRead:
    lot = await lot_for_update(session, code)
    _movable(lot)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    await _book(session, lot, "scrap", -data.quantity, actor, reason=data.reason)
    if lot.quantity == 0:
        lot.status = "scrapped"
    await append_audit(
        session,
        actor=actor,
        action="lot.scrapped",
        entity_type="lot",
        entity_id=lot.code,
        new={"quantity": str(data.quantity), "remaining": str(lot.quantity)},
        reason=data.reason,
    )
    await record_event(
        session,
        ev.LotScrapped(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            quantity=data.quantity,
            remaining=lot.quantity,
            reason=data.reason,
        ),
    )
    return await lot_read(session, lot)


async def adjust_lot(session: AsyncSession, code: str, data: Adjust, actor: str) -> LotRead:
    lot = await lot_for_update(session, code)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    old = lot.quantity
    if item.tracking == "serial" and lot.quantity + data.delta not in (0, 1):
        raise SerialQuantity(f"A serial of {item.code} holds 0 or 1 {item.uom}.")
    await _book(session, lot, "adjust", data.delta, actor, reason=data.reason)
    await append_audit(
        session,
        actor=actor,
        action="lot.adjusted",
        entity_type="lot",
        entity_id=lot.code,
        old={"quantity": str(old)},
        new={"quantity": str(lot.quantity)},
        reason=data.reason,
    )
    await record_event(
        session,
        ev.LotAdjusted(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            delta=data.delta,
            remaining=lot.quantity,
            reason=data.reason,
        ),
    )
    return await lot_read(session, lot)


_TRANSITIONS = {
    "hold": ({"available", "quarantine"}, "on_hold"),
    "release": ({"on_hold", "quarantine"}, "available"),
}


async def change_status(session: AsyncSession, code: str, action: str, reason: str, actor: str) -> LotRead:
    """Hold or release a lot; holding a held lot again, or releasing a free one, is a no-op."""
    allowed, target = _TRANSITIONS[action]
    lot = await lot_for_update(session, code)
    if lot.status == target:
        return await lot_read(session, lot)
    if lot.status not in allowed:
        raise InvalidStatusChange(f"A {lot.status.replace('_', ' ')} lot can't be {action}ed.")
    old = lot.status
    lot.status = target
    lot.hold_reason = reason if target == "on_hold" else None
    item = await session.get(Item, lot.item_id)
    assert item is not None
    await append_audit(
        session,
        actor=actor,
        action=f"lot.{action}",
        entity_type="lot",
        entity_id=lot.code,
        old={"status": old},
        new={"status": target},
        reason=reason,
    )
    await record_event(
        session,
        ev.LotStatusChanged(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            old_status=old,
            new_status=target,
            reason=reason,
        ),
    )
    return await lot_read(session, lot)


async def issue_lot(session: AsyncSession, code: str, data: Issue, actor: str) -> LotRead:
    """Hand stock to a work order at the line: the whole lot moves, or the issued part becomes its own lot."""
    lot = await lot_for_update(session, code)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    refusal = lot.refusal_to_consume(today())
    if refusal is not None:
        raise LotNotConsumable(refusal, lot=lot.code, lot_status=lot.status)
    source = await session.get(Location, lot.location_id)
    target = await catalog.location_by_code(session, data.to_location)
    assert source is not None
    quantity = lot.quantity if data.quantity is None else data.quantity
    if quantity > lot.quantity:
        raise InsufficientQuantity(f"Lot {lot.code} holds {lot.quantity} {item.uom}; {quantity} requested.")
    if quantity == lot.quantity:
        issued = lot
        await _book(
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
        issued = await _child_lot(session, lot, item, data.new_code, target.id)
        await _book(
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
        await _book(
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


async def merge_lots(session: AsyncSession, code: str, data: Merge, actor: str) -> LotRead:
    """Pour other lots of the same item into this one; each source's quantity stays on record."""
    if code in data.sources or len(set(data.sources)) != len(data.sources):
        raise InvalidMerge("A lot can't be merged into itself, and each source is named once.")
    # lock in code order, so two merges over the same lots can't deadlock
    locked = {c: await lot_for_update(session, c) for c in sorted([code, *data.sources])}
    target = locked[code]
    item = await session.get(Item, target.item_id)
    assert item is not None
    if item.tracking == "serial":
        raise InvalidMerge(f"Serials of {item.code} can't be merged.")
    merged: list[ev.MergedSource] = []
    for source_code in data.sources:
        source = locked[source_code]
        if source.item_id != target.item_id:
            raise InvalidMerge(f"Lot {source_code} holds another item than {code}.")
        if source.status != target.status or source.status not in ("available", "quarantine"):
            raise InvalidMerge(
                f"Lot {source_code} is {source.status}; only lots of the same usable status merge."
            )
        quantity = source.quantity
        await _book(session, source, "merge", -quantity, actor, related_lot_id=target.id)
        await _book(session, target, "merge", quantity, actor, related_lot_id=source.id)
        source.status = "consumed"
        merged.append(ev.MergedSource(lot_code=source_code, quantity=quantity))
    await record_event(
        session,
        ev.LotMerged(
            lot_code=target.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            sources=merged,
            quantity=target.quantity,
        ),
    )
    return await lot_read(session, target)
