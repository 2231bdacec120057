"""Master data of the material service: units, items, locations and bills of materials."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.material.errors import (
    DuplicateCode,
    IncompatibleUnits,
    InvalidBom,
    ItemNotFound,
    LocationNotFound,
    UnknownUnit,
)
from mes.services.material.models import Bom, BomLine, Item, Location, Uom
from mes.services.material.schemas import (
    BomCreate,
    BomLineRead,
    BomRead,
    ItemCreate,
    ItemRead,
    LocationCreate,
    LocationRead,
)


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


async def _insert(session: AsyncSession, row: Item | Location, what: str) -> None:
    session.add(row)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise DuplicateCode(f"{what} {row.code} already exists.") from None


async def create_item(session: AsyncSession, data: ItemCreate, actor: str) -> ItemRead:
    await uom(session, data.uom)
    item = Item(
        code=data.code,
        name=data.name,
        kind=data.kind,
        uom=data.uom,
        shelf_life_days=data.shelf_life_days,
        tracking=data.tracking,
    )
    await _insert(session, item, "Item")
    read = ItemRead.model_validate(item)
    await append_audit(
        session,
        actor=actor,
        action="item.created",
        entity_type="item",
        entity_id=item.code,
        new=read.model_dump(mode="json"),
    )
    return read


async def create_location(session: AsyncSession, data: LocationCreate, actor: str) -> LocationRead:
    location = Location(code=data.code, name=data.name, kind=data.kind)
    await _insert(session, location, "Location")
    read = LocationRead.model_validate(location)
    await append_audit(
        session,
        actor=actor,
        action="location.created",
        entity_type="location",
        entity_id=location.code,
        new=read.model_dump(mode="json"),
    )
    return read


async def create_bom(session: AsyncSession, item_code: str, data: BomCreate, actor: str) -> BomRead:
    item = await item_by_code(session, item_code)
    if data.valid_to is not None and data.valid_to <= data.valid_from:
        raise InvalidBom("valid_to must be after valid_from.")
    exists = await session.scalar(select(Bom.id).where(Bom.item_id == item.id, Bom.version == data.version))
    if exists is not None:
        raise DuplicateCode(f"{item.code} already has a BOM version {data.version}.")
    bom = Bom(
        item_id=item.id,
        version=data.version,
        base_quantity=data.base_quantity,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    session.add(bom)
    await session.flush()
    lines = []
    for position, line in enumerate(data.lines, start=1):
        component = await item_by_code(session, line.component)
        if component.id == item.id:
            raise InvalidBom(f"{item.code} can't contain itself.")
        await convert(
            session, Decimal(1), line.uom, component.uom
        )  # refuses grams for a part counted in pieces
        session.add(
            BomLine(
                bom_id=bom.id,
                position=position,
                component_id=component.id,
                quantity=line.quantity,
                uom=line.uom,
                scrap_factor=line.scrap_factor,
                alternate_group=line.alternate_group,
                priority=line.priority,
            )
        )
        lines.append(BomLineRead(position=position, **line.model_dump()))
    await session.flush()
    read = BomRead(
        item=item.code,
        version=bom.version,
        base_quantity=bom.base_quantity,
        uom=item.uom,
        valid_from=bom.valid_from,
        valid_to=bom.valid_to,
        lines=lines,
    )
    await append_audit(
        session,
        actor=actor,
        action="bom.created",
        entity_type="bom",
        entity_id=f"{item.code}/{bom.version}",
        new=read.model_dump(mode="json"),
    )
    return read
