"""HTTP routes of the work orders service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.work_orders import service
from mes.services.work_orders.schemas import WorkCenterPage

router = APIRouter(tags=["work-orders"], responses=PROTECTED_RESPONSES)

CanRead = Annotated[Principal, require("workorder:read")]


@router.get(
    "/work-centers",
    response_model=WorkCenterPage,
    summary="Work centers operations can be routed to (as announced by the resource service)",
)
async def list_work_centers(
    session: SessionDep,
    _: CanRead,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> WorkCenterPage:
    items, total = await service.list_work_centers(session, limit=limit, offset=offset)
    return WorkCenterPage(items=items, total=total, limit=limit, offset=offset)
