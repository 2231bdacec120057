"""Non-conformances: list, raise by hand, disposition under signature, close."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from mes.platform.db import SessionDep
from mes.services.quality import queries
from mes.services.quality.routes.common import CanDisposition, CanNcr, CanRead, CodePath, caller, problems
from mes.services.quality.schemas import DispositionIn, NcrClose, NcrCreate, NcrPage, NcrRead
from mes.services.quality.service import ncrs

router = APIRouter()


@router.get("/ncrs", response_model=NcrPage)
async def list_ncrs(
    session: SessionDep,
    _: CanRead,
    status: Annotated[Literal["open", "dispositioned", "closed"] | None, Query()] = None,
    lot_code: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NcrPage:
    return await queries.list_ncrs(session, status=status, lot_code=lot_code, limit=limit, offset=offset)


@router.post("/ncrs", status_code=201, response_model=NcrRead)
async def raise_ncr(body: NcrCreate, request: Request, session: SessionDep, who: CanNcr) -> NcrRead:
    """Raised by hand; the lots named are put on hold (they must exist in material)."""
    return await ncrs.raise_ncr(session, body, caller(request, who))


@router.get("/ncrs/{number}", response_model=NcrRead)
async def get_ncr(number: CodePath, session: SessionDep, _: CanRead) -> NcrRead:
    return queries.ncr_read(await queries.ncr_by_number(session, number))


@router.post("/ncrs/{number}/disposition", response_model=NcrRead, responses=problems(403, 409, 422))
async def disposition(
    number: CodePath, body: DispositionIn, request: Request, session: SessionDep, who: CanDisposition
) -> NcrRead:
    """Needs the caller's own e-signature (record type `quality.ncr`, record id the NCR number) over
    the NCR's `content` as shown; any other signature is refused and nothing changes."""
    return await ncrs.disposition_ncr(session, number, body, caller(request, who))


@router.post("/ncrs/{number}/close", response_model=NcrRead, responses=problems(409))
async def close(number: CodePath, body: NcrClose, session: SessionDep, who: CanNcr) -> NcrRead:
    return await ncrs.close_ncr(session, number, body, who.subject)
