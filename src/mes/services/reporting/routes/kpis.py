"""HTTP routes: Paretos, stops, yields, WIP and the hourly read models."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from mes.platform.db import SessionDep
from mes.services.reporting import queries
from mes.services.reporting.routes.common import (
    CSV_RESPONSE,
    CanRead,
    End,
    Format,
    Limit,
    Offset,
    Scope,
    Start,
    csv_response,
)
from mes.services.reporting.schemas import (
    LabourReport,
    LabourRow,
    ParetoPage,
    ParetoRow,
    ProductionPage,
    ProductionRow,
    ScheduleReport,
    StateHourPage,
    StateHourRow,
    StopPage,
    StopRow,
    WipRow,
    YieldReport,
)
from mes.services.reporting.service import reports
from mes.services.reporting.vocabulary import LabourBy, ParetoBy

router = APIRouter()
IncludeMicro = Annotated[bool, Query(description="count micro-stops too (they are performance loss)")]


@router.get(
    "/paretos/scrap", response_model=ParetoPage, responses=CSV_RESPONSE, summary="Scrap Pareto by reason"
)
async def scrap_pareto(
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> ParetoPage | Response:
    rows = await reports.scrap_pareto(session, scope, start, end)
    page = rows[offset : offset + limit]
    if format == "csv":
        return csv_response(page, "scrap-pareto", list(ParetoRow.model_fields))
    return ParetoPage(scope=scope, items=page, total=len(rows), limit=limit, offset=offset)


@router.get(
    "/paretos/downtime",
    response_model=ParetoPage,
    responses=CSV_RESPONSE,
    summary="Downtime Pareto (minutes within the interval) by reason or by machine",
)
async def downtime_pareto(
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    by: ParetoBy = "reason",
    include_micro: IncludeMicro = False,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> ParetoPage | Response:
    rows = await reports.downtime_pareto(session, scope, start, end, by, include_micro)
    page = rows[offset : offset + limit]
    if format == "csv":
        return csv_response(page, "downtime-pareto", list(ParetoRow.model_fields))
    return ParetoPage(scope=scope, items=page, total=len(rows), limit=limit, offset=offset)


@router.get(
    "/stops", response_model=StopPage, responses=CSV_RESPONSE, summary="The stops of a scope, latest first"
)
async def stops(
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    include_micro: IncludeMicro = False,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = "json",
) -> StopPage | Response:
    rows = await reports.scope_stops(session, scope, start, end, include_micro)
    page = rows[offset : offset + limit]
    if format == "csv":
        return csv_response(page, "stops", list(StopRow.model_fields))
    return StopPage(scope=scope, items=page, total=len(rows), limit=limit, offset=offset)


@router.get(
    "/yields",
    response_model=YieldReport,
    summary="First pass yield per operation, rolled throughput yield and final yield per product",
    description="FPY = good / (good + scrap + rework) at an operation; RTY = product of a routing's FPYs; "
    "final yield = good at the last operation / processed at the first. Completed operations within [start, end).",
)
async def yields(
    session: SessionDep,
    _: CanRead,
    start: Start,
    end: End,
    product: Annotated[str | None, Query(max_length=64)] = None,
) -> YieldReport:
    reports.check_interval(start, end)
    return await queries.yields(session, start, end, product)


@router.get(
    "/schedule",
    response_model=ScheduleReport,
    summary="On-time completion and schedule start adherence, in total and per work center",
    description="On-time completion = orders completed by their due date / orders completed in [start, end). "
    "Schedule start adherence = operations started within ±tolerance_min of the schedule's planned start / "
    "operations (started) whose planned start lies in [start, end). ISO 22400-2 defines neither KPI; the "
    "names are ours. Due dates and planned starts come from work orders' events.",
)
async def schedule(
    session: SessionDep,
    _: CanRead,
    start: Start,
    end: End,
    tolerance_min: Annotated[
        int, Query(ge=0, le=1440, description="minutes either side of the planned start")
    ] = 15,
    work_center: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> ScheduleReport:
    reports.check_interval(start, end)
    return await queries.schedule(session, start, end, timedelta(minutes=tolerance_min), work_center)


@router.get(
    "/labour-efficiency",
    response_model=LabourReport,
    responses=CSV_RESPONSE,
    summary="Labour efficiency: earned (standard) labour minutes / actual labour minutes, in total and per "
    "work center, equipment or operator",
    description="Labour efficiency = earned minutes / actual labour minutes, over the operations completed in "
    "[start, end). Earned minutes of an operation = its standard setup minutes + its standard run minutes per "
    "unit x the units it processed (good + scrap + rework, ISO 22400-2's PQ); actual minutes = the sum of its "
    "operators' labour minutes (each on their own clock). Per operator, each operator is credited with the "
    "part of an operation's earned minutes that their minutes are of its labour. Imported history lines "
    "(POST /imports/yields) with labour and standard_minutes dated in [start, end) count as operations of "
    "their work center and equipment, earning their standard_minutes. Operations whose completion "
    "event carried no standard times (published before they were added) are excluded and counted in "
    "operations_without_standard. This is the industrial-engineering labour (performance) efficiency, not "
    "ISO 22400-2's worker efficiency (APWT / APAT): that needs the workers' attendance time, which the MES "
    "does not record. format=csv: the total row (key *) and then one row per group.",
)
async def labour_efficiency(
    session: SessionDep,
    _: CanRead,
    start: Start,
    end: End,
    by: Annotated[LabourBy, Query(description="group the items by work_center, equipment or operator")] = (
        "work_center"
    ),
    work_center: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    equipment: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    operator: Annotated[
        str | None, Query(min_length=1, max_length=200, description="only this operator's share")
    ] = None,
    format: Format = "json",
) -> LabourReport | Response:
    reports.check_interval(start, end)
    report = await queries.labour(session, start, end, by, work_center, equipment, operator)
    if format == "csv":
        return csv_response([report.total, *report.items], "labour-efficiency", list(LabourRow.model_fields))
    return report


@router.get(
    "/wip", response_model=list[WipRow], summary="Work in process: operations in progress per work center"
)
async def wip(session: SessionDep, _: CanRead) -> list[WipRow]:
    return await queries.wip(session)


@router.get(
    "/production",
    response_model=ProductionPage,
    responses=CSV_RESPONSE,
    summary="Equipment x product x hour: good, scrap by reason, rework, machine cycles",
)
async def production(
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> ProductionPage | Response:
    reports.check_interval(start, end)
    total, rows = await queries.production(
        session, await reports.codes(session, scope), start, end, limit, offset
    )
    if format == "csv":
        return csv_response(rows, "production", list(ProductionRow.model_fields))
    return ProductionPage(scope=scope, items=rows, total=total, limit=limit, offset=offset)


@router.get(
    "/state-hours",
    response_model=StateHourPage,
    responses=CSV_RESPONSE,
    summary="Minutes per ISO 22400 time element per equipment and hour",
)
async def state_hours(
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> StateHourPage | Response:
    reports.check_interval(start, end)
    total, rows = await queries.state_hours(
        session, await reports.codes(session, scope), start, end, limit, offset
    )
    if format == "csv":
        return csv_response(rows, "state-hours", list(StateHourRow.model_fields))
    return StateHourPage(scope=scope, items=rows, total=total, limit=limit, offset=offset)
