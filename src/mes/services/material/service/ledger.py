"""Shared steps of every stock change: the lot lock, the ledger booking, new lots."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from mes.contracts import material as ev
from mes.platform.db import add_unique
from mes.platform.events import record_event
from mes.platform.schemas import format_decimal as fmt
from mes.services.material.errors import (
    DuplicateCode,
    InsufficientQuantity,
    InvalidStatusChange,
    LotNotConsumable,
    LotNotFound,
    SerialQuantity,
)
from mes.services.material.models import Item, Location, Lot, Movement, Uom
from mes.services.material.vocabulary import MovementKind


def today() -> date:
    return datetime.now(UTC).date()


def new_lot_code(item: Item) -> str:
    return f"{item.code}-{today():%y%m%d}-{secrets.token_hex(3).upper()}"


def one_unit_per_serial(item: Item, quantity: Decimal) -> None:
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


async def lot_to_consume(session: AsyncSession, code: str) -> tuple[Lot, Item, Location, Uom]:
    """The lot locked as `lot_for_update` does, with its item, its location and the item's unit
    read in the same round trip: a consumption needs all four, and the session's identity map then
    answers `session.get` for them (the caller keeps the four, as the map holds them weakly)."""
    row = (
        await session.execute(
            select(Lot, Item, Location, Uom)
            .join(Item, Item.id == Lot.item_id)
            .join(Location, Location.id == Lot.location_id)
            .join(Uom, Uom.code == Item.uom)
            .where(Lot.code == code)
            .with_for_update(of=Lot)
        )
    ).one_or_none()
    if row is None:
        raise LotNotFound(f"No lot with code {code}.")
    lot, item, location, unit = row
    return lot, item, location, unit


async def book(
    session: AsyncSession, lot: Lot, kind: MovementKind, delta: Decimal, actor: str, **fields: object
) -> Movement:
    if lot.quantity + delta < 0:
        raise InsufficientQuantity(
            f"Lot {lot.code} holds {fmt(lot.quantity)}; {fmt(-delta)} can't be taken from it."
        )
    lot.quantity += delta
    movement = Movement(kind=kind, lot_id=lot.id, quantity=delta, actor=actor, **fields)
    session.add(movement)
    await session.flush()
    return movement


async def new_lot(session: AsyncSession, lot: Lot) -> None:
    await add_unique(session, lot, DuplicateCode(f"Lot {lot.code} already exists."))


async def child_lot(
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
    await new_lot(session, child)
    return child


def movable(lot: Lot) -> None:
    if lot.status in ("consumed", "scrapped"):
        raise InvalidStatusChange(f"Lot {lot.code} is {lot.status}; nothing is left to book.")


# A consumption's booking in one round trip, without the unit of work: the balance lowered (the
# lot is consumed when nothing is left) and the ledger line appended; the lot's row is locked
# already (`lot_to_consume`), so the relative UPDATE and the Python-side balance agree.
_CONSUME = text(
    "WITH taken AS (UPDATE lot SET quantity = quantity - :qty,"
    " status = CASE WHEN quantity = :qty THEN 'consumed' ELSE status END"
    " WHERE id = :lot RETURNING id, location_id)"
    " INSERT INTO movement (kind, lot_id, quantity, from_location_id, work_order, operation, actor)"
    " SELECT 'consume', id, -CAST(:qty AS numeric), location_id, :work_order, :operation, :actor"
    " FROM taken RETURNING id"
).bindparams(bindparam("qty", type_=Numeric()))


async def take(
    session: AsyncSession, lot: Lot, item: Item, qty: Decimal, actor: str, work_order: str, operation: str
) -> int:
    """Consume `qty` of the locked `lot` in an operation: the ledger line (its id is returned), the
    balance and the LotConsumed event."""
    refusal = lot.refusal_to_consume(today())
    if refusal is not None:
        raise LotNotConsumable(refusal, lot=lot.code, lot_status=lot.status)
    if qty > lot.quantity:
        raise InsufficientQuantity(
            f"Lot {lot.code} holds {fmt(lot.quantity)} {item.uom}; {fmt(qty)} {item.uom} requested.",
            lot=lot.code,
            available=fmt(lot.quantity),
        )
    movement_id = (
        await session.execute(
            _CONSUME,
            {"qty": qty, "lot": lot.id, "work_order": work_order, "operation": operation, "actor": actor},
        )
    ).scalar_one()
    # the session's copy follows the row without becoming dirty (no second UPDATE at commit)
    set_committed_value(lot, "quantity", lot.quantity - qty)
    if lot.quantity == 0:
        set_committed_value(lot, "status", "consumed")
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
    return int(movement_id)
