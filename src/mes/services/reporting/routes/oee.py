"""HTTP routes: OEE per ISO 22400-2 and the supervisor board."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mes.platform.db import SessionDep
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
    resource,
)
from mes.services.reporting.schemas import Board, OeePage, OeeRow, ShiftRecord
from mes.services.reporting.service import reports, shift_record
from mes.services.reporting.vocabulary import Grain, Group

router = APIRouter()


@router.get(
    "/oee",
    response_model=OeePage,
    responses=CSV_RESPONSE,
    summary="OEE per ISO 22400-2 of a scope over [start, end), per shift, day, week or month",
    description=(
        "Availability = APT / PBT; effectiveness (performance) = PRI x PQ / APT, micro-stops counting as "
        "performance loss; quality ratio = GQ / PQ; OEE index = their product (ISO 22400-2). PBT is the "
        "planned operation time of resource's shift calendar (breaks, holidays and planned non-production "
        "excluded) less planned downtime. A shift belongs to the production day it starts on. `group` gives "
        "one row per period for the whole scope, per child of the scope (drill-down) or per equipment."
    ),
)
async def oee(
    request: Request,
    session: SessionDep,
    _: CanRead,
    scope: Scope,
    start: Start,
    end: End,
    grain: Grain = "total",
    group: Group = "scope",
    limit: Limit = 200,
    offset: Offset = 0,
    format: Format = "json",
) -> OeePage | Response:
    rows = await reports.oee_rows(session, resource(request), scope, start, end, grain, group)
    page = rows[offset : offset + limit]
    if format == "csv":
        return csv_response(page, "oee", list(OeeRow.model_fields))
    return OeePage(scope=scope, items=page, total=len(rows), limit=limit, offset=offset)


@router.get(
    "/board",
    response_model=Board,
    summary="Each machine now: state, the stop's reason, good and scrap this shift against target",
)
async def board(
    request: Request,
    session: SessionDep,
    _: CanRead,
    scope: Annotated[str, Query(min_length=1, max_length=64)],
) -> Board:
    return await reports.board(session, resource(request), scope)


@router.get(
    "/shift-record",
    response_model=ShiftRecord,
    summary="A past shift replayed: its OEE figures now, as they stood at its end, and what changed since",
    description=(
        "The figures of [start, end) for the scope (as /oee, grain total). The reporting worker keeps them "
        "as the shift's figures at its end, within a minute of it, for every scope whose shift record was "
        "read before (with the last reader's token); failing that, the first read after `end` keeps them. "
        "Later reads list the figures that differ now and the late "
        "and corrected events received since (a machine report placed in the past, a reclassified or "
        "corrected stop, a late or corrected yield, a late machine counter) that are about the shift."
    ),
)
async def shift_record_(
    request: Request, session: SessionDep, _: CanRead, scope: Scope, start: Start, end: End
) -> ShiftRecord:
    return await shift_record.shift_record(session, resource(request), scope, start, end)
