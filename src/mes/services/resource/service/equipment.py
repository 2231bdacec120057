"""The equipment hierarchy and its attributes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mes.contracts.resource import EquipmentDetailsChanged, EquipmentRegistered
from mes.platform.audit import append_audit
from mes.platform.auth import Principal
from mes.platform.db import Reads, ordered
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import DuplicateEquipmentCode, EquipmentNotFound, InvalidHierarchy
from mes.services.resource.models import CycleTime, Equipment, UsageCounter
from mes.services.resource.schemas import (
    CycleTimeRead,
    CycleTimeSet,
    EquipmentAttributes,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentRead,
)

Parent = aliased(Equipment)
_EQUIPMENT_SORT = {
    "path": Equipment.path,
    "code": Equipment.code,
    "name": Equipment.name,
    "level": Equipment.level,
}


def _read(eq: Equipment, parent_code: str | None) -> EquipmentRead:
    return EquipmentRead(
        code=eq.code,
        name=eq.name,
        level=eq.level,
        parent_code=parent_code,
        path=eq.path,
        created_at=eq.created_at,
        created_by=eq.created_by,
    )


async def register_equipment(session: AsyncSession, data: EquipmentCreate, actor: Principal) -> EquipmentRead:
    exists = await session.scalar(select(Equipment.id).where(Equipment.code == data.code))
    if exists is not None:
        raise DuplicateEquipmentCode(f"Equipment {data.code} already exists.")
    parent = None
    if data.parent_code is not None:
        parent = await session.scalar(select(Equipment).where(Equipment.code == data.parent_code))
        if parent is None:
            raise InvalidHierarchy(f"Parent {data.parent_code} does not exist.", code="parent_not_found")
    try:
        eq = Equipment.place(
            code=data.code, name=data.name, level=data.level, parent=parent, created_by=actor.subject
        )
    except ValueError as e:
        raise InvalidHierarchy(str(e)) from None
    session.add(eq)
    await session.flush()
    await session.refresh(eq)
    read = _read(eq, data.parent_code)
    await append_audit(
        session,
        actor=actor.subject,
        action="equipment.registered",
        entity_type="equipment",
        entity_id=eq.code,
        new=read.model_dump(mode="json"),
    )
    await record_event(
        session,
        EquipmentRegistered(
            code=eq.code, name=eq.name, level=eq.level, parent_code=data.parent_code, path=eq.path
        ),
    )
    return read


# the columns of an EquipmentRead, in one Core statement built once (no ORM object is loaded)
_READ = (
    select(
        Equipment.code,
        Equipment.name,
        Equipment.level,
        Parent.code.label("parent_code"),
        Equipment.path,
        Equipment.created_at,
        Equipment.created_by,
    )
    .outerjoin(Parent, Equipment.parent_id == Parent.id)
    .where(Equipment.code == bindparam("code"))
)


def _found(row: Any, code: str) -> EquipmentRead:  # a Row of _READ, or None
    if row is None:
        raise EquipmentNotFound(f"No equipment with code {code}.")
    return EquipmentRead.model_validate(row._mapping)


async def get_equipment(session: AsyncSession, code: str) -> EquipmentRead:
    return _found((await session.execute(_READ, {"code": code})).first(), code)


async def read_equipment(reads: Reads, code: str) -> EquipmentRead:
    """`GET /equipment/{code}`, the hot read: one statement, one round trip (ADR 47)."""
    return _found(await reads.one(_READ, {"code": code}), code)


async def list_equipment(
    session: AsyncSession, *, level: str | None, limit: int, offset: int, sort: str = "path"
) -> tuple[list[EquipmentRead], int]:
    query = select(Equipment, Parent.code).outerjoin(Parent, Equipment.parent_id == Parent.id)
    count = select(func.count()).select_from(Equipment)
    if level is not None:
        query = query.where(Equipment.level == level)
        count = count.where(Equipment.level == level)
    rows = (
        await session.execute(
            query.order_by(*ordered(sort, _EQUIPMENT_SORT, Equipment.path)).limit(limit).offset(offset)
        )
    ).all()
    total = await session.scalar(count) or 0
    return [_read(r[0], r[1]) for r in rows], total


async def detail(session: AsyncSession, code: str) -> EquipmentDetail:
    base = await get_equipment(session, code)
    eq = await queries.equipment(session, code)
    micro, silent = await queries.thresholds(session, eq)
    cycles = await session.scalars(
        select(CycleTime).where(CycleTime.equipment_id == eq.id).order_by(CycleTime.product_code)
    )
    counters = await session.scalars(select(UsageCounter).where(UsageCounter.equipment_id == eq.id))
    return EquipmentDetail(
        **base.model_dump(),
        time_zone=eq.time_zone,
        capacity=eq.capacity,
        capacity_uom=eq.capacity_uom,
        micro_stop_s=micro,
        no_signal_s=silent,
        cycle_times=[
            CycleTimeRead(
                equipment_code=code, product_code=c.product_code, ideal_cycle_time_s=c.ideal_cycle_time_s
            )
            for c in cycles
        ],
        counters={c.counter: c.value for c in counters},
    )


async def set_attributes(
    session: AsyncSession, code: str, data: EquipmentAttributes, actor: Principal
) -> EquipmentDetail:
    eq = await queries.equipment(session, code, lock=True)
    changes = data.model_dump(exclude_unset=True)
    if "time_zone" in changes and changes["time_zone"] is not None:
        try:
            queries.zone(changes["time_zone"])
        except ValueError as e:
            raise InvalidHierarchy(str(e), code="invalid_time_zone") from None
    old = {k: getattr(eq, k) for k in changes}
    for k, v in changes.items():
        setattr(eq, k, v)
    await session.flush()
    await append_audit(
        session,
        actor=actor.subject,
        action="equipment.attributes_changed",
        entity_type="equipment",
        entity_id=code,
        old={k: str(v) if v is not None else None for k, v in old.items()},
        new={k: str(v) if v is not None else None for k, v in changes.items()},
    )
    await record_event(session, EquipmentDetailsChanged(equipment_code=code, change="attributes"))
    return await detail(session, code)


async def set_cycle_time(
    session: AsyncSession, code: str, product: str, data: CycleTimeSet, actor: Principal
) -> CycleTimeRead:
    eq = await queries.equipment(session, code)
    row = await session.get(CycleTime, (eq.id, product))
    old = str(row.ideal_cycle_time_s) if row else None
    if row is None:
        row = CycleTime(equipment_id=eq.id, product_code=product, ideal_cycle_time_s=data.ideal_cycle_time_s)
        session.add(row)
    else:
        row.ideal_cycle_time_s = data.ideal_cycle_time_s
    await session.flush()
    await append_audit(
        session,
        actor=actor.subject,
        action="equipment.cycle_time_set",
        entity_type="equipment",
        entity_id=code,
        old={"product": product, "ideal_cycle_time_s": old},
        new={"product": product, "ideal_cycle_time_s": str(data.ideal_cycle_time_s)},
    )
    await record_event(session, EquipmentDetailsChanged(equipment_code=code, change="cycle_time"))
    return CycleTimeRead(
        equipment_code=code, product_code=product, ideal_cycle_time_s=data.ideal_cycle_time_s
    )
