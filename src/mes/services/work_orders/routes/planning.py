"""Floor changes, dispatch lists and the schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.work_orders.queries.dispatch import dispatch_list
from mes.services.work_orders.routes.common import (
    CONFLICT,
    CanDispatch,
    CanRead,
    Number,
    OpKey,
    caller,
)
from mes.services.work_orders.schemas.orders import ReasonRequired, WorkOrderRead
from mes.services.work_orders.schemas.planning import (
    DispatchList,
    InsertOperation,
    Rework,
    ScheduleRead,
    ScheduleRecompute,
    Split,
)
from mes.services.work_orders.service import floor, schedule

router = APIRouter(tags=["work-orders: floor and planning"], responses={**PROTECTED_RESPONSES, **CONFLICT})
OP = "/orders/{number}/operations/{key}"


@router.post(
    "/orders/{number}/operations",
    status_code=201,
    response_model=WorkOrderRead,
    summary="Insert an extra operation",
)
async def insert_operation(
    number: Number,
    body: InsertOperation,
    session: SessionDep,
    who: CanDispatch,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(floor.insert_operation(session, number, body, caller(request, who)))


@router.post(f"{OP}/skip", response_model=WorkOrderRead)
async def skip_operation(
    number: Number,
    key: OpKey,
    body: ReasonRequired,
    session: SessionDep,
    who: CanDispatch,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(floor.skip_operation(session, number, key, body.reason, caller(request, who)))


@router.post(f"{OP}/split", response_model=WorkOrderRead, summary="Split across parallel machines")
async def split_operation(
    number: Number,
    key: OpKey,
    body: Split,
    session: SessionDep,
    who: CanDispatch,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(floor.split_operation(session, number, key, body, caller(request, who)))


@router.post(f"{OP}/rework", response_model=WorkOrderRead, summary="Send parts back to an earlier operation")
async def rework(
    number: Number,
    key: OpKey,
    body: Rework,
    session: SessionDep,
    who: CanDispatch,
    request: Request,
    idem: IdempotencyDep,
) -> WorkOrderRead:
    return await idem.run(floor.rework(session, number, key, body, caller(request, who)))


@router.get(
    "/dispatch",
    response_model=DispatchList,
    summary="A work center's dispatch list: priority, due date, material, why not startable yet",
)
async def get_dispatch_list(
    session: SessionDep,
    who: CanRead,
    request: Request,
    work_center: Annotated[str, Query(max_length=64)],
) -> DispatchList:
    return await dispatch_list(session, work_center, caller(request, who))


@router.get("/schedule", response_model=ScheduleRead, summary="Planned start and end of released work")
async def get_schedule(session: SessionDep, _: CanRead) -> ScheduleRead:
    return await schedule.current(session)


@router.post(
    "/schedule/recompute",
    response_model=ScheduleRead,
    summary="Plan released work on the work centers' shift calendars (finite capacity)",
)
async def recompute_schedule(
    body: ScheduleRecompute, session: SessionDep, who: CanDispatch, request: Request
) -> ScheduleRead:
    return await schedule.recompute(session, caller(request, who), body.start, body.horizon_days)
