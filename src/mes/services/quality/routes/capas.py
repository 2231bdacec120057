"""Corrective and preventive actions: list (and the overdue list), open, actions, effectiveness,
signed closure."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from mes.platform.db import SessionDep
from mes.services.quality import queries
from mes.services.quality.routes.common import CanCapa, CanCapaClose, CanRead, CodePath, caller, problems
from mes.services.quality.schemas import (
    CapaActionDone,
    CapaActionIn,
    CapaCloseIn,
    CapaCreate,
    CapaPage,
    CapaRead,
    EffectivenessIn,
)
from mes.services.quality.service import capas

router = APIRouter()


@router.get("/capas", response_model=CapaPage)
async def list_capas(
    session: SessionDep,
    _: CanRead,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    ncr: Annotated[str | None, Query(max_length=64)] = None,
    overdue: Annotated[bool, Query(description="Only open CAPAs past their due date or an action's")] = False,
    on: Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2099, 12, 31))] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CapaPage:
    return await queries.list_capas(
        session, status=status, ncr=ncr, overdue=overdue, on=on, limit=limit, offset=offset
    )


@router.post("/capas", status_code=201, response_model=CapaRead, responses=problems(404, 422))
async def open_capa(body: CapaCreate, session: SessionDep, who: CanCapa) -> CapaRead:
    """Opened for existing NCRs, with an owner, a due date and (optionally) the first actions."""
    return await capas.open_capa(session, body, who.subject)


@router.get("/capas/{number}", response_model=CapaRead)
async def get_capa(number: CodePath, session: SessionDep, _: CanRead) -> CapaRead:
    capa = await queries.capa_by_number(session, number)
    return queries.capa_read(capa, await queries.capa_actions(session, capa))


@router.post("/capas/{number}/actions", status_code=201, response_model=CapaRead, responses=problems(409))
async def add_action(number: CodePath, body: CapaActionIn, session: SessionDep, who: CanCapa) -> CapaRead:
    """A new action clears an earlier effectiveness check (it no longer covers everything done)."""
    return await capas.add_action(session, number, body, who.subject)


@router.post("/capas/{number}/actions/{position}/done", response_model=CapaRead, responses=problems(409, 422))
async def complete_action(
    number: CodePath,
    position: Annotated[int, Path(ge=1, le=1000)],
    body: CapaActionDone,
    session: SessionDep,
    who: CanCapa,
) -> CapaRead:
    return await capas.complete_action(session, number, position, body, who.subject)


@router.post("/capas/{number}/effectiveness", response_model=CapaRead, responses=problems(409, 422))
async def effectiveness(
    number: CodePath, body: EffectivenessIn, session: SessionDep, who: CanCapa
) -> CapaRead:
    """Recorded once every action is done; a CAPA closes only when it found the actions effective."""
    return await capas.check_effectiveness(session, number, body, who.subject)


@router.post("/capas/{number}/close", response_model=CapaRead, responses=problems(403, 409, 422))
async def close(
    number: CodePath, body: CapaCloseIn, request: Request, session: SessionDep, who: CanCapaClose
) -> CapaRead:
    """Needs the caller's own e-signature (record type `quality.capa`, record id the CAPA number)
    over the CAPA's `content` as shown; any other signature is refused and nothing changes."""
    return await capas.close_capa(session, number, body, caller(request, who))
