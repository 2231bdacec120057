"""Inspection plans and their SPC charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from mes.platform.db import SessionDep
from mes.services.quality.queries import plan_read, plan_version
from mes.services.quality.routes.common import CanPlan, CanRead, CodePath, problems
from mes.services.quality.schemas import ChartRead, LimitsRead, LimitsRequest, PlanCreate, PlanPage, PlanRead
from mes.services.quality.service import plans, spc

router = APIRouter()
Version = Annotated[int, Path(ge=1, le=100_000)]


@router.post(
    "/plans",
    status_code=201,
    response_model=PlanRead,
    responses=problems(422),
    summary="A new plan version (draft)",
)
async def create_plan(body: PlanCreate, session: SessionDep, who: CanPlan) -> PlanRead:
    return await plans.create_plan(session, body, who.subject)


@router.get("/plans", response_model=PlanPage)
async def list_plans(
    session: SessionDep,
    _: CanRead,
    item: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PlanPage:
    items, total = await plans.list_plans(session, item, limit, offset)
    return PlanPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/plans/{code}", response_model=PlanRead, summary="The released version (else the newest)")
async def get_plan(code: CodePath, session: SessionDep, _: CanRead) -> PlanRead:
    return await plan_read(session, await plan_version(session, code))


@router.post("/plans/{code}/versions/{version}/release", response_model=PlanRead, responses=problems(409))
async def release_plan(code: CodePath, version: Version, session: SessionDep, who: CanPlan) -> PlanRead:
    return await plans.release_plan(session, code, version, who.subject)


@router.get("/plans/{code}/characteristics/{characteristic}/chart", response_model=ChartRead)
async def chart(
    code: CodePath,
    characteristic: CodePath,
    session: SessionDep,
    _: CanRead,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ChartRead:
    return await spc.chart(session, code, characteristic, limit)


@router.post(
    "/plans/{code}/characteristics/{characteristic}/limits",
    status_code=201,
    response_model=LimitsRead,
    responses=problems(422),
    summary="Recompute control limits from a baseline window; the old limits are kept",
)
async def recompute_limits(
    code: CodePath, characteristic: CodePath, body: LimitsRequest, session: SessionDep, who: CanPlan
) -> LimitsRead:
    return await spc.recompute_limits(session, code, characteristic, body, who.subject)
