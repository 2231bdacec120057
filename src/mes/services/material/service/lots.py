"""Lots moved, split, scrapped, adjusted and merged."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.material import queries
from mes.services.material.errors import (
    InvalidMerge,
    InvalidStatusChange,
    SerialQuantity,
)
from mes.services.material.models import Item, Location
from mes.services.material.queries import lot_read
from mes.services.material.schemas import (
    Adjust,
    LotRead,
    Merge,
    Move,
    Scrap,
    Ship,
    Split,
)
from mes.services.material.service.ledger import (
    book,
    child_lot,
    lot_for_update,
    movable,
    today,
)


async def move_lot(session: AsyncSession, code: str, data: Move, actor: str) -> LotRead:
    lot = await lot_for_update(session, code)
    movable(lot)
    source = await session.get(Location, lot.location_id)
    target = await queries.location_by_code(session, data.to_location)
    assert source is not None
    await book(session, lot, "move", Decimal(0), actor, from_location_id=source.id, to_location_id=target.id)
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
    movable(lot)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    if item.tracking == "serial":
        raise SerialQuantity(f"A serial ({item.code}) can't be split.")
    child = await child_lot(session, lot, item, data.new_code, lot.location_id)
    await book(session, lot, "split", -data.quantity, actor, related_lot_id=child.id)
    await book(session, child, "split", data.quantity, actor, related_lot_id=lot.id)
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
    movable(lot)
    item = await session.get(Item, lot.item_id)
    assert item is not None
    await book(session, lot, "scrap", -data.quantity, actor, reason=data.reason)
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
    await book(session, lot, "adjust", data.delta, actor, reason=data.reason)
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
        await book(session, source, "merge", -quantity, actor, related_lot_id=target.id)
        await book(session, target, "merge", quantity, actor, related_lot_id=source.id)
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


RETURNABLE = ("available", "on_hold", "quarantine", "expired")


async def ship_lot(session: AsyncSession, code: str, data: Ship, actor: str) -> LotRead:
    """Stock out of the plant to a customer: only available stock ships (a lot on hold, in
    quarantine or expired stays); the lot is `shipped` once nothing is left of it."""
    lot = await lot_for_update(session, code)
    movable(lot)
    if data.return_to_supplier:
        # held or quarantined stock goes back to its supplier: that is why it is held (ADR 40)
        if lot.status not in RETURNABLE:
            raise InvalidStatusChange(f"Lot {lot.code} is {lot.status}; it can't go back to a supplier.")
    else:
        if lot.status != "available":
            raise InvalidStatusChange(f"Lot {lot.code} is {lot.status}; only available stock ships.")
        refusal = lot.refusal_to_consume(today())
        if refusal is not None:
            raise InvalidStatusChange(refusal)
    item = await session.get(Item, lot.item_id)
    source = await session.get(Location, lot.location_id)
    assert item is not None
    assert source is not None
    if item.tracking == "serial" and data.quantity != lot.quantity:
        raise SerialQuantity(f"A serial of {item.code} ships whole.")
    reason = ("Returned to supplier " if data.return_to_supplier else "Shipped to ") + data.customer
    reason += f" ({data.reference})" if data.reference else ""
    await book(
        session,
        lot,
        "ship",
        -data.quantity,
        actor,
        from_location_id=lot.location_id,
        reason=reason,
        customer=data.customer,
        destination=data.destination,
    )
    if lot.quantity == 0:
        lot.status = "shipped"
        lot.hold_reason = None
    await append_audit(
        session,
        actor=actor,
        action="lot.returned" if data.return_to_supplier else "lot.shipped",
        entity_type="lot",
        entity_id=lot.code,
        new={
            "quantity": str(data.quantity),
            "remaining": str(lot.quantity),
            "customer": data.customer,
            "destination": data.destination,
            "reference": data.reference,
            "return_to_supplier": data.return_to_supplier,
        },
        reason=reason,
    )
    await record_event(
        session,
        ev.LotShipped(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            quantity=data.quantity,
            remaining=lot.quantity,
            from_location=source.code,
            customer=data.customer,
            destination=data.destination,
            reference=data.reference,
            return_to_supplier=data.return_to_supplier,
        ),
    )
    return await lot_read(session, lot)
