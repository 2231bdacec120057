"""HTTP routes: rebuilding the read models from the received events."""

from __future__ import annotations

from fastapi import APIRouter

from mes.platform.db import SessionDep
from mes.services.reporting.routes.common import CanRebuild
from mes.services.reporting.schemas import Rebuilt
from mes.services.reporting.service.rebuild import rebuild

router = APIRouter()


@router.post(
    "/rebuild",
    response_model=Rebuilt,
    summary="Empty every read model and replay the events received so far (gives the same figures)",
)
async def rebuild_read_models(session: SessionDep, who: CanRebuild) -> Rebuilt:
    return Rebuilt(events=await rebuild(session, who.subject))
