"""HTTP routes: maintenance plans and orders."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from mes.platform.db import SessionDep
from mes.platform.schemas import TOTAL_HEADER, TOTAL_RESPONSES
from mes.services.resource.routes.common import CONFLICT, CanRead, CanWriteMaintenance, Code64
from mes.services.resource.schemas.maintenance import (
    OrderAssign,
    OrderComplete,
    OrderCreate,
    OrderList,
    OrderRead,
    PlanCreate,
    PlanRead,
)
from mes.services.resource.service import maintenance as service

router = APIRouter()


@router.post("/maintenance/plans", status_code=201, response_model=PlanRead, responses=CONFLICT)
async def create_plan(body: PlanCreate, session: SessionDep, who: CanWriteMaintenance) -> PlanRead:
    return await service.create_plan(session, body, who.subject)


@router.get("/maintenance/plans", response_model=list[PlanRead], responses=TOTAL_RESPONSES)
async def list_plans(
    session: SessionDep,
    _: CanRead,
    response: Response,
    equipment: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[
        Literal[
            "code",
            "-code",
            "name",
            "-name",
            "trigger",
            "-trigger",
            "last_done_at",
            "-last_done_at",
            "active",
            "-active",
        ],
        Query(description="Sort column; a leading - sorts descending (default: by code)"),
    ] = "code",
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PlanRead]:
    """A page of plans, still a bare list (as before paging existed: without `limit` the first
    1000 by code); how many match over all pages is in the `X-Total-Count` header."""
    items, total = await service.list_plans(session, equipment, sort=sort, limit=limit, offset=offset)
    response.headers[TOTAL_HEADER] = str(total)
    return items


@router.get("/maintenance/plans/{code}", response_model=PlanRead)
async def get_plan(code: Code64, session: SessionDep, _: CanRead) -> PlanRead:
    return await service.get_plan(session, code)


@router.post("/maintenance/orders", status_code=201, response_model=OrderRead, summary="A corrective order")
async def create_order(body: OrderCreate, session: SessionDep, who: CanWriteMaintenance) -> OrderRead:
    return await service.create_order(session, body, who.subject)


@router.get("/maintenance/orders", response_model=OrderList)
async def list_orders(
    session: SessionDep,
    _: CanRead,
    equipment: Annotated[str | None, Query(max_length=64)] = None,
    status: Literal["open", "assigned", "in_progress", "completed"] | None = None,
    sort: Annotated[
        Literal[
            "created_at",
            "-created_at",
            "due_at",
            "-due_at",
            "number",
            "-number",
            "status",
            "-status",
            "assigned_to",
            "-assigned_to",
            "completed_at",
            "-completed_at",
        ],
        Query(description="Sort column; a leading - sorts descending (default: oldest first)"),
    ] = "created_at",
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> OrderList:
    """A page of orders with `total`; without `limit` the first 1000, as before paging existed."""
    items, total = await service.list_orders(
        session, equipment, status, sort=sort, limit=limit, offset=offset
    )
    return OrderList(items=items, total=total, limit=limit, offset=offset)


@router.post("/maintenance/orders/{number}/assign", response_model=OrderRead, responses=CONFLICT)
async def assign_order(
    number: Code64, body: OrderAssign, session: SessionDep, who: CanWriteMaintenance
) -> OrderRead:
    return await service.advance(session, number, "assigned", who.subject, assignee=body.assignee)


@router.post(
    "/maintenance/orders/{number}/start",
    response_model=OrderRead,
    responses=CONFLICT,
    summary="Start: the equipment goes into maintenance and is unavailable",
)
async def start_order(number: Code64, session: SessionDep, who: CanWriteMaintenance) -> OrderRead:
    return await service.advance(session, number, "in_progress", who.subject)


@router.post("/maintenance/orders/{number}/complete", response_model=OrderRead, responses=CONFLICT)
async def complete_order(
    number: Code64, body: OrderComplete, session: SessionDep, who: CanWriteMaintenance
) -> OrderRead:
    return await service.advance(session, number, "completed", who.subject, comment=body.comment)
