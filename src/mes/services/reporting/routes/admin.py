"""HTTP routes: rebuilding the read models from the received events."""

from __future__ import annotations

from fastapi import APIRouter

from mes.platform.db import SessionDep
from mes.services.reporting.routes.common import CanRebuild
from mes.services.reporting.schemas import Imported, Rebuilt, YieldImport
from mes.services.reporting.service.imports import import_yields
from mes.services.reporting.service.rebuild import rebuild

router = APIRouter()


@router.post(
    "/rebuild",
    response_model=Rebuilt,
    summary="Empty every read model and replay the events received so far (gives the same figures)",
)
async def rebuild_read_models(session: SessionDep, who: CanRebuild) -> Rebuilt:
    return Rebuilt(events=await rebuild(session, who.subject))


@router.post(
    "/imports/yields",
    response_model=Imported,
    summary="Import yield history from before the MES (past only); the same report id again corrects it",
)
async def import_yield_history(body: YieldImport, session: SessionDep, who: CanRebuild) -> Imported:
    return Imported(lines=await import_yields(session, body.lines, who.subject))
