"""Work orders and their life cycle."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.work_orders.queries import orders as queries
from mes.services.work_orders.routes.common import (
    CONFLICT,
    CanRead,
    CanRelease,
    CanWrite,
    Number,
    caller,
)
from mes.services.work_orders.schemas.orders import (
    AsBuiltRead,
    HistoryEntry,
    OrderSort,
    ReasonRequired,
    Transition,
    WorkOrderCreate,
    WorkOrderPage,
    WorkOrderRead,
    WorkOrderUpdate,
)
from mes.services.work_orders.service import orders
from mes.services.work_orders.vocabulary import OrderStatus

router = APIRouter(tags=["work-orders: orders"], responses={**PROTECTED_RESPONSES, **CONFLICT})


@router.post("/orders", status_code=201, response_model=WorkOrderRead, summary="Create a planned work order")
async def create_work_order(
    body: WorkOrderCreate, session: SessionDep, who: CanWrite, request: Request, idem: IdempotencyDep
) -> WorkOrderRead:
    # a retry whose first answer was lost (a replica killed after the commit) gets that answer,
    # not 409 duplicate_code
    return await idem.run(orders.create_work_order(session, body, caller(request, who)))


@router.get(
    "/orders",
    response_model=WorkOrderPage,
    summary="Work orders in every state: search, filters, sort (most urgent first by default)",
)
async def list_work_orders(
    session: SessionDep,
    _: CanRead,
    status: Annotated[list[OrderStatus] | None, Query(description="One or more statuses")] = None,
    product: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[
        str | None, Query(max_length=64, description="Part of the number, product or ERP reference")
    ] = None,
    erp_ref: Annotated[str | None, Query(max_length=64)] = None,
    due_from: Annotated[datetime | None, Query(description="Due at or after")] = None,
    due_to: Annotated[datetime | None, Query(description="Due before")] = None,
    late: bool | None = None,
    sort: Annotated[OrderSort | None, Query(description="A column, '-' first for descending")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> WorkOrderPage:
    items, total = await queries.list_orders(
        session,
        status=list(status) if status else None,
        product=product,
        q=q,
        erp_ref=erp_ref,
        due_from=due_from,
        due_to=due_to,
        late=late,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return WorkOrderPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/orders/{number}", response_model=WorkOrderRead)
async def get_work_order(number: Number, session: SessionDep, _: CanRead) -> WorkOrderRead:
    return await queries.get_order(session, number)


@router.patch("/orders/{number}", response_model=WorkOrderRead, summary="Edit a planned work order")
async def update_work_order(
    number: Number, body: WorkOrderUpdate, session: SessionDep, who: CanWrite, request: Request
) -> WorkOrderRead:
    return await orders.update_work_order(session, number, body, caller(request, who))


@router.get(
    "/orders/{number}/history",
    response_model=list[HistoryEntry],
    summary="The audit trail of the order and its operations, oldest first",
)
async def order_history(number: Number, session: SessionDep, _: CanRead) -> list[HistoryEntry]:
    return await queries.history(session, number)


@router.get(
    "/orders/{number}/as-built",
    response_model=AsBuiltRead,
    summary="Planned versus as built: the routing released, what was done, the changes, the genealogy",
)
async def as_built(number: Number, session: SessionDep, _: CanRead) -> AsBuiltRead:
    return await queries.as_built(session, number)


@router.post(
    "/orders/{number}/release",
    response_model=WorkOrderRead,
    summary="Release to the floor; the routing is snapshotted into the order",
)
async def release_work_order(
    number: Number,
    body: Transition,
    session: SessionDep,
    who: CanRelease,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(orders.release_work_order(session, number, body.reason, caller(request, who)))


@router.post("/orders/{number}/hold", response_model=WorkOrderRead)
async def hold_work_order(
    number: Number,
    body: ReasonRequired,
    session: SessionDep,
    who: CanRelease,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(orders.hold_work_order(session, number, body.reason, caller(request, who)))


@router.post(
    "/orders/{number}/resume", response_model=WorkOrderRead, summary="Back to where it was before the hold"
)
async def resume_work_order(
    number: Number,
    body: Transition,
    session: SessionDep,
    who: CanRelease,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(orders.resume_work_order(session, number, body.reason, caller(request, who)))


@router.post("/orders/{number}/close", response_model=WorkOrderRead)
async def close_work_order(
    number: Number,
    body: Transition,
    session: SessionDep,
    who: CanWrite,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(orders.close_work_order(session, number, body.reason, caller(request, who)))


@router.post("/orders/{number}/cancel", response_model=WorkOrderRead)
async def cancel_work_order(
    number: Number,
    body: ReasonRequired,
    session: SessionDep,
    who: CanWrite,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(orders.cancel_work_order(session, number, body.reason, caller(request, who)))
