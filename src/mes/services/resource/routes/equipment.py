"""HTTP routes: the equipment hierarchy and its attributes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from mes.platform.db import ReadsDep, SessionDep
from mes.services.resource.routes.common import CONFLICT, CanRead, CanWriteEquipment, Code64, EquipmentCode
from mes.services.resource.schemas import (
    CycleTimeRead,
    CycleTimeSet,
    EquipmentAttributes,
    EquipmentCreate,
    EquipmentDetail,
    EquipmentPage,
    EquipmentRead,
    Level,
)
from mes.services.resource.service import equipment as service

router = APIRouter()

EquipmentSort = Annotated[
    Literal["path", "-path", "code", "-code", "name", "-name", "level", "-level"],
    Query(description="Sort column; a leading - sorts descending (default: the hierarchy's order)"),
]


@router.post("/equipment", status_code=201, response_model=EquipmentRead, responses=CONFLICT)
async def register_equipment(
    body: EquipmentCreate, session: SessionDep, who: CanWriteEquipment
) -> EquipmentRead:
    return await service.register_equipment(session, body, who)


@router.get("/equipment", response_model=EquipmentPage)
async def list_equipment(
    session: SessionDep,
    _: CanRead,
    level: Level | None = None,
    sort: EquipmentSort = "path",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EquipmentPage:
    items, total = await service.list_equipment(session, level=level, limit=limit, offset=offset, sort=sort)
    return EquipmentPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/equipment/{code}", response_model=EquipmentRead)
async def get_equipment(code: EquipmentCode, reads: ReadsDep, _: CanRead) -> EquipmentRead:
    return await service.read_equipment(reads, code)


@router.get("/equipment/{code}/details", response_model=EquipmentDetail)
async def get_equipment_details(code: EquipmentCode, session: SessionDep, _: CanRead) -> EquipmentDetail:
    return await service.detail(session, code)


@router.patch("/equipment/{code}", response_model=EquipmentDetail, summary="Set attributes")
async def set_attributes(
    code: EquipmentCode, body: EquipmentAttributes, session: SessionDep, who: CanWriteEquipment
) -> EquipmentDetail:
    return await service.set_attributes(session, code, body, who)


@router.put("/equipment/{code}/cycle-times/{product}", response_model=CycleTimeRead)
async def set_cycle_time(
    code: EquipmentCode, product: Code64, body: CycleTimeSet, session: SessionDep, who: CanWriteEquipment
) -> CycleTimeRead:
    return await service.set_cycle_time(session, code, product, body, who)
