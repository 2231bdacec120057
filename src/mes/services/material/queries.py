"""Read side of the material service: lots, the ledger, BOM explosion and FEFO/FIFO suggestions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mes.services.material.errors import (
    FractionalQuantity,
    IncompatibleUnits,
    InvalidBom,
    ItemNotFound,
    LocationNotFound,
    LotNotFound,
    NoBom,
    UnknownUnit,
)
from mes.services.material.models import Bom, BomLine, Item, Location, Lot, LotInput, Movement, Uom
from mes.services.material.schemas import (
    BomLineRead,
    BomRead,
    ConsumptionLine,
    ExplosionLine,
    ExplosionRead,
    ExplosionTotal,
    ItemRead,
    LocationRead,
    LotInputRead,
    LotRead,
    MovementRead,
    Suggestion,
    SuggestionRead,
    UnitRead,
)

SIX = Decimal("0.000001")


def _q(value: Decimal) -> Decimal:
    q = value.quantize(SIX)
    return q.quantize(Decimal(1)) if q == q.to_integral() else q.normalize()


async def lot_read(session: AsyncSession, lot: Lot) -> LotRead:
    item = await session.get(Item, lot.item_id)
    location = await session.get(Location, lot.location_id)
    parent = await session.get(Lot, lot.parent_lot_id) if lot.parent_lot_id else None
    assert item is not None
    assert location is not None
    return LotRead(
        code=lot.code,
        item=item.code,
        quantity=lot.quantity,
        uom=item.uom,
        status=lot.status,
        location=location.code,
        supplier=lot.supplier,
        supplier_lot=lot.supplier_lot,
        received_at=lot.received_at,
        expires_on=lot.expires_on,
        attributes=lot.attributes,
        hold_reason=lot.hold_reason,
        parent_lot=parent.code if parent else None,
        work_order=lot.work_order,
    )


async def get_item(session: AsyncSession, code: str) -> ItemRead:
    item = await item_by_code(session, code)
    unit = await uom(session, item.uom)
    return ItemRead.model_validate(item).model_copy(update={"uom_decimals": unit.decimals})


async def list_units(session: AsyncSession) -> list[UnitRead]:
    rows = await session.scalars(select(Uom).order_by(Uom.dimension, Uom.factor))
    return [UnitRead.model_validate(u) for u in rows]


async def check_precision(session: AsyncSession, quantity: Decimal, unit_code: str) -> None:
    """FractionalQuantity (422) when `quantity` is finer than its unit allows (1.5 pcs)."""
    unit = await uom(session, unit_code)
    refusal = unit.refusal(quantity)
    if refusal is not None:
        raise FractionalQuantity(
            refusal,
            code="fractional_quantity" if unit.decimals == 0 else "too_many_decimals",
            unit=unit.code,
            decimals=unit.decimals,
        )


def _order(sort: str, columns: dict[str, Any], tie: Any) -> list[Any]:
    """`code` sorts ascending, `-code` descending; the code breaks ties so pages never overlap."""
    column = columns[sort.lstrip("-")]
    first = column.desc() if sort.startswith("-") else column.asc()
    return [first] if column is tie else [first, tie.asc()]


def _matching(q: str | None, *columns: Any) -> Any:
    """Code or name containing `q`, ignoring case (LIKE wildcards in `q` are taken literally)."""
    if not q:
        return None
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


async def list_items(
    session: AsyncSession,
    *,
    kind: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    tracking: str | None = None,
    sort: str = "code",
) -> tuple[list[ItemRead], int]:
    query = select(Item)
    if kind is not None:
        query = query.where(Item.kind == kind)
    if tracking is not None:
        query = query.where(Item.tracking == tracking)
    if (match := _matching(q, Item.code, Item.name)) is not None:
        query = query.where(match)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    columns = {"code": Item.code, "name": Item.name, "kind": Item.kind, "uom": Item.uom}
    items = await session.scalars(
        query.order_by(*_order(sort, columns, Item.code)).limit(limit).offset(offset)
    )
    return [ItemRead.model_validate(i) for i in items], total


async def get_location(session: AsyncSession, code: str) -> LocationRead:
    return LocationRead.model_validate(await location_by_code(session, code))


async def list_locations(
    session: AsyncSession,
    *,
    kind: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    sort: str = "code",
) -> tuple[list[LocationRead], int]:
    query = select(Location) if kind is None else select(Location).where(Location.kind == kind)
    if (match := _matching(q, Location.code, Location.name)) is not None:
        query = query.where(match)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    columns = {"code": Location.code, "name": Location.name, "kind": Location.kind}
    rows = await session.scalars(
        query.order_by(*_order(sort, columns, Location.code)).limit(limit).offset(offset)
    )
    return [LocationRead.model_validate(loc) for loc in rows], total


async def item_boms(session: AsyncSession, code: str) -> list[BomRead]:
    """Every version of the item's bill of materials, oldest validity first."""
    item = await item_by_code(session, code)
    boms = await session.scalars(
        select(Bom).where(Bom.item_id == item.id).order_by(Bom.valid_from, Bom.version)
    )
    out = []
    for bom in boms:
        rows = await session.execute(
            select(BomLine, Item.code)
            .join(Item, BomLine.component_id == Item.id)
            .where(BomLine.bom_id == bom.id)
            .order_by(BomLine.position)
        )
        lines = [
            BomLineRead(
                position=line.position,
                component=component,
                quantity=line.quantity,
                uom=line.uom,
                scrap_factor=line.scrap_factor,
                alternate_group=line.alternate_group,
                priority=line.priority,
            )
            for line, component in rows
        ]
        out.append(
            BomRead(
                item=item.code,
                version=bom.version,
                base_quantity=bom.base_quantity,
                uom=item.uom,
                valid_from=bom.valid_from,
                valid_to=bom.valid_to,
                lines=lines,
            )
        )
    return out


async def order_consumptions(
    session: AsyncSession, work_order: str, *, limit: int, offset: int
) -> tuple[list[ConsumptionLine], int]:
    """What a work order consumed, lot by lot, as the ledger booked it (corrections included)."""
    query = (
        select(Movement, Lot.code, Item.code, Item.uom)
        .join(Lot, Movement.lot_id == Lot.id)
        .join(Item, Lot.item_id == Item.id)
        .where(Movement.work_order == work_order, Movement.kind == "consume")
    )
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.execute(query.order_by(Movement.id).limit(limit).offset(offset))
    return [
        ConsumptionLine(
            movement_id=m.id,
            at=m.at,
            lot=lot,
            item=item,
            quantity=-m.quantity,  # the ledger books a consumption as a negative movement
            uom=uom,
            operation=m.operation,
            actor=m.actor,
        )
        for m, lot, item, uom in rows
    ], total


async def get_lot(session: AsyncSession, code: str) -> LotRead:
    lot = await session.scalar(select(Lot).where(Lot.code == code))
    if lot is None:
        raise LotNotFound(f"No lot with code {code}.")
    return await lot_read(session, lot)


async def list_lots(
    session: AsyncSession,
    *,
    item: str | None,
    location: str | None,
    status: str | None,
    limit: int,
    offset: int,
    work_order: str | None = None,
) -> tuple[list[LotRead], int]:
    query = select(Lot)
    if work_order is not None:  # lots issued to the order, and lots it made
        query = query.where(Lot.work_order == work_order)
    if item is not None:
        query = query.join(Item, Lot.item_id == Item.id).where(Item.code == item)
    if location is not None:
        query = query.join(Location, Lot.location_id == Location.id).where(Location.code == location)
    if status is not None:
        query = query.where(Lot.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    lots = await session.scalars(query.order_by(Lot.received_at, Lot.code).limit(limit).offset(offset))
    return [await lot_read(session, lot) for lot in lots], total


async def lot_movements(session: AsyncSession, code: str) -> list[MovementRead]:
    lot = await session.scalar(select(Lot).where(Lot.code == code))
    if lot is None:
        raise LotNotFound(f"No lot with code {code}.")
    src, dst, rel = aliased(Location), aliased(Location), aliased(Lot)
    rows = await session.execute(
        select(Movement, src.code, dst.code, rel.code)
        .outerjoin(src, Movement.from_location_id == src.id)
        .outerjoin(dst, Movement.to_location_id == dst.id)
        .outerjoin(rel, Movement.related_lot_id == rel.id)
        .where(Movement.lot_id == lot.id)
        .order_by(Movement.id)
    )
    return [
        MovementRead(
            id=m.id,
            at=m.at,
            kind=m.kind,
            quantity=m.quantity,
            from_location=f,
            to_location=t,
            work_order=m.work_order,
            operation=m.operation,
            reason=m.reason,
            actor=m.actor,
            related_lot=r,
            customer=m.customer,
            destination=m.destination,
        )
        for m, f, t, r in rows
    ]


async def ledger_balance(session: AsyncSession, code: str) -> Decimal:
    lot = await session.scalar(select(Lot).where(Lot.code == code))
    if lot is None:
        raise LotNotFound(f"No lot with code {code}.")
    total = await session.scalar(
        select(func.coalesce(func.sum(Movement.quantity), 0)).where(Movement.lot_id == lot.id)
    )
    return Decimal(total or 0)


async def _effective_bom(session: AsyncSession, item: Item, on: date) -> Bom | None:
    return await session.scalar(
        select(Bom)
        .where(Bom.item_id == item.id, Bom.valid_from <= on, or_(Bom.valid_to.is_(None), Bom.valid_to > on))
        .order_by(Bom.valid_from.desc())
        .limit(1)
    )


async def explode_bom(
    session: AsyncSession, code: str, quantity: Decimal, uom: str | None, on: date
) -> ExplosionRead:
    """Multi-level explosion: quantities per line scaled to the parent's need, with scrap, in each component's unit."""
    top = await item_by_code(session, code)
    qty = await convert(session, quantity, uom or top.uom, top.uom)
    lines: list[ExplosionLine] = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    units: dict[str, str] = {}

    async def walk(item: Item, need: Decimal, level: int, path: str, seen: frozenset[str]) -> None:
        bom = await _effective_bom(session, item, on)
        if bom is None:
            if level == 0:
                raise NoBom(f"{item.code} has no BOM effective on {on.isoformat()}.")
            totals[item.code] += need
            units[item.code] = item.uom
            return
        if item.code in seen:
            raise InvalidBom(f"The BOM of {item.code} contains itself through {path}.")
        bom_lines = await session.scalars(
            select(BomLine)
            .where(BomLine.bom_id == bom.id, or_(BomLine.alternate_group.is_(None), BomLine.priority == 1))
            .order_by(BomLine.position)
        )
        for line in bom_lines:
            component = await session.get(Item, line.component_id)
            assert component is not None
            in_line_unit = line.quantity * need / bom.base_quantity * (1 + line.scrap_factor)
            component_need = await convert(session, in_line_unit, line.uom, component.uom)
            child_path = f"{path}/{component.code}"
            lines.append(
                ExplosionLine(
                    level=level + 1,
                    path=child_path,
                    component=component.code,
                    quantity=_q(component_need),
                    uom=component.uom,
                    bom_version=bom.version,
                )
            )
            await walk(component, component_need, level + 1, child_path, seen | {item.code})

    await walk(top, qty, 0, top.code, frozenset())
    return ExplosionRead(
        item=top.code,
        quantity=_q(qty),
        uom=top.uom,
        on=on,
        lines=lines,
        totals=[ExplosionTotal(component=c, quantity=_q(q), uom=units[c]) for c, q in sorted(totals.items())],
    )


async def suggest_lots(
    session: AsyncSession,
    item_code: str,
    location_code: str | None,
    quantity: Decimal,
    strategy: str,
    today: date,
) -> SuggestionRead:
    """Which available, unexpired lots to take, first-expiring-first-out or first-in-first-out."""
    item = await item_by_code(session, item_code)
    query = select(Lot).where(
        Lot.item_id == item.id,
        Lot.status == "available",
        Lot.quantity > 0,
        or_(Lot.expires_on.is_(None), Lot.expires_on >= today),
    )
    if location_code is not None:
        location = await location_by_code(session, location_code)
        query = query.where(Lot.location_id == location.id)
    order: list[Any] = [Lot.received_at, Lot.code]
    if strategy == "fefo":
        order = [Lot.expires_on.asc().nulls_last(), *order]
    picked: list[Suggestion] = []
    covered = Decimal(0)
    for lot in await session.scalars(query.order_by(*order).limit(200)):
        if covered >= quantity:
            break
        take = min(lot.quantity, quantity - covered)
        covered += take
        picked.append(
            Suggestion(
                lot=lot.code,
                quantity=lot.quantity,
                take=take,
                uom=item.uom,
                expires_on=lot.expires_on,
                received_at=lot.received_at,
            )
        )
    return SuggestionRead(
        item=item.code,
        location=location_code,
        strategy=strategy,
        requested=quantity,
        covered=covered,
        lots=picked,
    )


# ---------------------------------------------------------------- lookups the use cases share


async def uom(session: AsyncSession, code: str) -> Uom:
    unit = await session.get(Uom, code)
    if unit is None:
        raise UnknownUnit(f"Unknown unit of measure {code!r}.")
    return unit


async def convert(session: AsyncSession, quantity: Decimal, from_code: str, to_code: str) -> Decimal:
    """Exact conversion between units of one dimension (grams to kilograms, never grams to metres)."""
    if from_code == to_code:
        return quantity
    source, target = await uom(session, from_code), await uom(session, to_code)
    if source.dimension != target.dimension:
        raise IncompatibleUnits(
            f"{from_code} ({source.dimension}) can't be converted to {to_code} ({target.dimension})."
        )
    return quantity * source.factor / target.factor


async def item_by_code(session: AsyncSession, code: str) -> Item:
    item = await session.scalar(select(Item).where(Item.code == code))
    if item is None:
        raise ItemNotFound(f"No item with code {code}.")
    return item


async def location_by_code(session: AsyncSession, code: str) -> Location:
    location = await session.scalar(select(Location).where(Location.code == code))
    if location is None:
        raise LocationNotFound(f"No location with code {code}.")
    return location


async def lot_inputs(session: AsyncSession, code: str) -> list[LotInputRead]:
    """The lots that went into this one, with how much of each (one level of its genealogy)."""
    lot = await session.scalar(select(Lot).where(Lot.code == code))
    if lot is None:
        raise LotNotFound(f"No lot with code {code}.")
    source = aliased(Lot)
    rows = await session.execute(
        select(LotInput, source.code, Item.code, Item.uom)
        .join(source, source.id == LotInput.input_lot_id)
        .join(Item, Item.id == source.item_id)
        .where(LotInput.output_lot_id == lot.id)
        .order_by(source.code, LotInput.id)
    )
    return [
        LotInputRead(
            lot=lot_code,
            item=item,
            quantity=li.quantity,
            uom=uom,
            work_order=li.work_order,
            operation=li.operation,
        )
        for li, lot_code, item, uom in rows
    ]
