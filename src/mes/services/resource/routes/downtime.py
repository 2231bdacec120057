"""HTTP routes: reason-code trees and downtime records."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.resource.routes.common import CONFLICT, CanRead, CanWriteDowntime, EquipmentCode
from mes.services.resource.schemas.states import (
    DowntimeClassify,
    DowntimeComment,
    DowntimeList,
    DowntimeRead,
    DowntimeSplit,
    ReasonCodeCreate,
    ReasonCodeRead,
)
from mes.services.resource.service import downtime as service

router = APIRouter()


async def _split(
    session: AsyncSession, downtime_id: uuid.UUID, body: DowntimeSplit, actor: str
) -> DowntimeList:
    return DowntimeList(items=await service.split(session, downtime_id, body, actor))


@router.post("/sites/{code}/reason-codes", status_code=201, response_model=ReasonCodeRead, responses=CONFLICT)
async def add_reason_code(
    code: EquipmentCode, body: ReasonCodeCreate, session: SessionDep, who: CanWriteDowntime
) -> ReasonCodeRead:
    return await service.add_reason(session, code, body, who.subject)


@router.get("/sites/{code}/reason-codes", response_model=list[ReasonCodeRead])
async def reason_codes(
    code: EquipmentCode,
    session: SessionDep,
    _: CanRead,
    parent: Annotated[str | None, Query(max_length=64, description="Only the codes below this one")] = None,
    q: Annotated[
        str | None, Query(max_length=64, description="Code or name containing this, any case")
    ] = None,
) -> list[ReasonCodeRead]:
    """The site's tree in path order, whole unless filtered on the server by `parent` and `q`."""
    return await service.reason_tree(session, code, parent=parent, q=q)


@router.get("/equipment/{code}/downtimes", response_model=DowntimeList)
async def list_downtimes(
    code: EquipmentCode,
    session: SessionDep,
    _: CanRead,
    start: AwareDatetime | None = None,
    end: AwareDatetime | None = None,
    classified: Annotated[
        bool | None, Query(description="Only stops with (true) or without (false) a reason code")
    ] = None,
    sort: Annotated[
        Literal[
            "started_at",
            "-started_at",
            "ended_at",
            "-ended_at",
            "duration_s",
            "-duration_s",
            "reason_code",
            "-reason_code",
        ],
        Query(description="Sort column; a leading - sorts descending (default: oldest first)"),
    ] = "started_at",
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DowntimeList:
    """A page of the machine's stops with `total`; without `limit` the first 5000, as before."""
    items, total = await service.list_downtimes(
        session, code, start, end, classified=classified, sort=sort, limit=limit, offset=offset
    )
    return DowntimeList(items=items, total=total, limit=limit, offset=offset)


@router.post("/downtimes/{downtime_id}/classify", response_model=DowntimeRead)
async def classify_downtime(
    downtime_id: uuid.UUID,
    body: DowntimeClassify,
    session: SessionDep,
    who: CanWriteDowntime,
    idem: IdempotencyDep,
) -> DowntimeRead:
    return await idem.run(service.classify(session, downtime_id, body, who.subject))


@router.post("/downtimes/{downtime_id}/comment", response_model=DowntimeRead)
async def comment_downtime(
    downtime_id: uuid.UUID,
    body: DowntimeComment,
    session: SessionDep,
    who: CanWriteDowntime,
    idem: IdempotencyDep,
) -> DowntimeRead:
    return await idem.run(service.comment(session, downtime_id, body.comment, who.subject))


@router.post("/downtimes/{downtime_id}/split", response_model=DowntimeList, summary="Split a stop in two")
async def split_downtime(
    downtime_id: uuid.UUID,
    body: DowntimeSplit,
    session: SessionDep,
    who: CanWriteDowntime,
    idem: IdempotencyDep,
) -> DowntimeList:
    return await idem.run(_split(session, downtime_id, body, who.subject))
