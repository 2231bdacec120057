"""Master data use cases of the material service: items, locations and bills of materials."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.db import add_unique
from mes.services.material import queries
from mes.services.material.errors import DuplicateCode, InvalidBom, InvalidItem
from mes.services.material.models import Bom, BomLine, Item, Location, gtin_problem, pattern_problem
from mes.services.material.schemas import (
    BomCreate,
    BomLineRead,
    BomRead,
    ItemCreate,
    ItemRead,
    LocationCreate,
    LocationRead,
)


async def _insert(session: AsyncSession, row: Item | Location, what: str) -> None:
    await add_unique(session, row, DuplicateCode(f"{what} {row.code} already exists."))


async def create_item(session: AsyncSession, data: ItemCreate, actor: str) -> ItemRead:
    await queries.uom(session, data.uom)
    problem = (pattern_problem(data.lot_pattern) if data.lot_pattern else None) or (
        gtin_problem(data.gtin) if data.gtin else None
    )
    if problem:
        raise InvalidItem(f"{data.code}: {problem}.")
    item = Item(
        code=data.code,
        name=data.name,
        kind=data.kind,
        uom=data.uom,
        shelf_life_days=data.shelf_life_days,
        tracking=data.tracking,
        lot_pattern=data.lot_pattern,
        gtin=data.gtin,
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
    item = await queries.item_by_code(session, item_code)
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
        component = await queries.item_by_code(session, line.component)
        if component.id == item.id:
            raise InvalidBom(f"{item.code} can't contain itself.")
        await queries.convert(
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


async def set_inspect_on_receipt(session: AsyncSession, item_code: str, required: bool, actor: str) -> None:
    """Quality released (or withdrew) an incoming inspection plan for the item; an item material
    doesn't know yet is skipped (the plan's event is not retried forever)."""
    item = await session.scalar(select(Item).where(Item.code == item_code).with_for_update())
    if item is None or item.inspect_on_receipt == required:
        return
    item.inspect_on_receipt = required
    await append_audit(
        session,
        actor=actor,
        action="item.inspect_on_receipt",
        entity_type="item",
        entity_id=item.code,
        old={"inspect_on_receipt": not required},
        new={"inspect_on_receipt": required},
    )
