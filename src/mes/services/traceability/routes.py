"""HTTP routes of the traceability service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, bearer_token, require
from mes.platform.db import SessionDep
from mes.services.traceability import queries
from mes.services.traceability.clients import Material
from mes.services.traceability.schemas import (
    AsBuiltRead,
    HoldAllRead,
    RecallCreate,
    RecallRead,
    TraceRead,
    WhereUsedRead,
)
from mes.services.traceability.service import exports, recalls

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the current state", "content": {"application/problem+json": {}}}
}
router = APIRouter(tags=["traceability"], responses={**PROTECTED_RESPONSES, **_CONFLICT})

CanRead = Annotated[Principal, require("traceability:read")]
CanRecall = Annotated[Principal, require("traceability:recall")]
LotCode = Annotated[str, Path(max_length=64, description="A lot or serial code, as scanned from its label")]
Depth = Annotated[int, Query(ge=1, le=100, description="Lot levels to walk")]
Since = Annotated[datetime | None, Query(description="Only flows at or after this time")]
Until = Annotated[datetime | None, Query(description="Only flows before this time")]
Item = Annotated[str | None, Query(max_length=64, description="Show only lots of this item")]


def _material(request: Request) -> Material:
    rid = getattr(request.state, "request_id", None)
    return Material(request.app.state.directory, bearer_token(request), rid if isinstance(rid, str) else None)


@router.get(
    "/trace/{code}/backward",
    response_model=TraceRead,
    summary="Everything a lot or serial was made from, down to the supplier lots, with quantities",
)
async def backward(
    code: LotCode,
    session: SessionDep,
    _: CanRead,
    depth: Depth = 50,
    since: Since = None,
    until: Until = None,
    item: Item = None,
) -> Response:
    # written straight from the rows (the TraceRead JSON), not validated again: a trace can be 50 k nodes
    body = await queries.trace_json(
        session, code, "backward", depth=depth, since=since, until=until, item=item
    )
    return Response(body, media_type="application/json")


@router.get(
    "/trace/{code}/forward",
    response_model=TraceRead,
    summary="Everything a lot went into, up to the finished lots and serials",
)
async def forward(
    code: LotCode,
    session: SessionDep,
    _: CanRead,
    depth: Depth = 50,
    since: Since = None,
    until: Until = None,
    item: Item = None,
) -> Response:
    # written straight from the rows (the TraceRead JSON), not validated again: a trace can be 50 k nodes
    body = await queries.trace_json(
        session, code, "forward", depth=depth, since=since, until=until, item=item
    )
    return Response(body, media_type="application/json")


@router.get(
    "/lots/{code}/where-used", response_model=WhereUsedRead, summary="The orders and lots a lot went into"
)
async def where_used(code: LotCode, session: SessionDep, _: CanRead) -> WhereUsedRead:
    return await queries.where_used(session, code)


@router.get(
    "/as-built/{code}",
    response_model=AsBuiltRead,
    summary="How a serial or produced lot was built: operations planned and as built, material, steps, inspections",
)
async def as_built(code: LotCode, session: SessionDep, _: CanRead) -> AsBuiltRead:
    return await queries.as_built(session, code)


@router.post(
    "/recalls", status_code=201, response_model=RecallRead, summary="Start a recall from a suspect lot"
)
async def start_recall(
    request: Request, body: RecallCreate, session: SessionDep, who: CanRecall
) -> RecallRead:
    recall_id = await recalls.start_recall(session, body, who.subject)
    return await recalls.recall_report(session, recall_id, _material(request))


@router.get(
    "/recalls/{recall_id}",
    response_model=RecallRead,
    summary="The affected lots, where they are now and their mass balance",
)
async def get_recall(request: Request, recall_id: uuid.UUID, session: SessionDep, _: CanRecall) -> RecallRead:
    return await recalls.recall_report(session, recall_id, _material(request))


@router.post(
    "/recalls/{recall_id}/hold-all",
    response_model=HoldAllRead,
    summary="Put every affected lot still in stock on hold, with the recall as reason",
)
async def hold_all(
    request: Request, recall_id: uuid.UUID, session: SessionDep, who: CanRecall
) -> HoldAllRead:
    return await recalls.hold_all(session, recall_id, _material(request), who.subject)


_FILES = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}


@router.get(
    "/recalls/{recall_id}/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, _FILES["xlsx"][0]: {}}, "description": "The table"}},
    summary="The recall as CSV or XLSX, FSMA 204 key data elements first",
)
async def export_recall(
    request: Request,
    recall_id: uuid.UUID,
    session: SessionDep,
    _: CanRecall,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
) -> Response:
    report = await recalls.recall_report(session, recall_id, _material(request))
    media, render = _FILES[format]
    name = f"recall-{report.lot}.{format}".replace("/", "_")
    return Response(
        render(report), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
