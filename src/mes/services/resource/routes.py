"""HTTP routes of the resource service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.resource import service
from mes.services.resource.schemas import EquipmentCreate, EquipmentPage, EquipmentRead, Level

router = APIRouter(tags=["resource"], responses=PROTECTED_RESPONSES)

CanRead = Annotated[Principal, require("resource:read")]
CanWriteEquipment = Annotated[Principal, require("resource:equipment:write")]


@router.post(
    "/equipment",
    status_code=201,
    response_model=EquipmentRead,
    responses={409: {"description": "Code already used", "content": {"application/problem+json": {}}}},
)
async def register_equipment(
    body: EquipmentCreate, session: SessionDep, who: CanWriteEquipment
) -> EquipmentRead:
    return await service.register_equipment(session, body, who)


@router.get("/equipment", response_model=EquipmentPage)
async def list_equipment(
    session: SessionDep,
    _: CanRead,
    level: Level | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EquipmentPage:
    items, total = await service.list_equipment(session, level=level, limit=limit, offset=offset)
    return EquipmentPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/equipment/{code}", response_model=EquipmentRead)
async def get_equipment(
    code: Annotated[str, Path(max_length=64)], session: SessionDep, _: CanRead
) -> EquipmentRead:
    return await service.get_equipment(session, code)
