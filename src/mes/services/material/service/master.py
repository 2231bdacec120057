"""Master data use cases of the material service: items, locations and bills of materials."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.db import add_unique
from mes.services.material import queries
from mes.services.material.errors import (
    DuplicateCode,
    InvalidBom,
    InvalidItem,
    ItemInUse,
    ItemNotFound,
    LocationNotFound,
    StaleVersion,
)
from mes.services.material.models import (
    Bom,
    BomLine,
    Item,
    Location,
    Lot,
    gtin_problem,
    pattern_problem,
)
from mes.services.material.schemas import (
    BomCreate,
    BomLineRead,
    BomRead,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    LocationCreate,
    LocationRead,
    LocationUpdate,
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


def _changes(row: Item | Location, data: ItemUpdate | LocationUpdate, what: str) -> dict[str, Any]:
    """The fields the edit sends with a value other than the stored one; StaleVersion (409) when
    the edit was made on another version than the stored one."""
    if row.version != data.version:
        raise StaleVersion(
            f"{what} {row.code} was changed meanwhile (version {row.version}, the edit was made on "
            f"version {data.version}): reload it and edit again.",
            current_version=row.version,
        )
    sent = data.model_dump(include=data.model_fields_set - {"version"})
    return {field: value for field, value in sent.items() if getattr(row, field) != value}


async def _apply(
    session: AsyncSession, row: Item | Location, changes: dict[str, Any], actor: str, what: str
) -> None:
    """Writes the changes, counts the version up and audits old and new values of what changed."""
    old = {field: getattr(row, field) for field in changes} | {"version": row.version}
    for field, value in changes.items():
        setattr(row, field, value)
    row.version += 1
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action=f"{what}.updated",
        entity_type=what,
        entity_id=row.code,
        old=old,
        new=changes | {"version": row.version},
    )


async def update_item(session: AsyncSession, code: str, data: ItemUpdate, actor: str) -> ItemRead:
    """Edits an item (ADR 39): name, kind, shelf life, lot pattern and GTIN at any time; the unit and
    the tracking only while no lot of the item exists (the unit also while no BOM uses it), since
    the quantities booked and the lots' shape depend on them. The code is never changed."""
    item = await session.scalar(select(Item).where(Item.code == code).with_for_update())
    if item is None:
        raise ItemNotFound(f"No item with code {code}.")
    changes = _changes(item, data, "Item")
    if changes.get("uom") is not None:
        await queries.uom(session, changes["uom"])  # UnknownUnit (422)
    problem = (pattern_problem(changes["lot_pattern"]) if changes.get("lot_pattern") else None) or (
        gtin_problem(changes["gtin"]) if changes.get("gtin") else None
    )
    if problem:
        raise InvalidItem(f"{code}: {problem}.")
    if {"uom", "tracking"} & changes.keys():
        has_lots = await session.scalar(select(Lot.id).where(Lot.item_id == item.id).limit(1))
        if has_lots is not None:
            fields = " and ".join(f for f in ("uom", "tracking") if f in changes)
            raise ItemInUse(f"{code} has lots: its {fields} can't be changed any more.")
    if "uom" in changes:
        in_bom = await session.scalar(
            select(Bom.id)
            .outerjoin(BomLine, BomLine.bom_id == Bom.id)
            .where(or_(Bom.item_id == item.id, BomLine.component_id == item.id))
            .limit(1)
        )
        if in_bom is not None:
            raise ItemInUse(f"{code} is in a bill of materials: its uom can't be changed any more.")
    if changes:
        await _apply(session, item, changes, actor, "item")
    return await queries.get_item(session, code)


async def update_location(session: AsyncSession, code: str, data: LocationUpdate, actor: str) -> LocationRead:
    """Edits a location's name or kind (ADR 39); the code is never changed."""
    location = await session.scalar(select(Location).where(Location.code == code).with_for_update())
    if location is None:
        raise LocationNotFound(f"No location with code {code}.")
    changes = _changes(location, data, "Location")
    if changes:
        await _apply(session, location, changes, actor, "location")
    return LocationRead.model_validate(location)


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
