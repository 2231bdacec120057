"""HTTP routes: equipment states, their history and the live board."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime

from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.resource.routes.common import CanRead, CanWriteState, EquipmentCode
from mes.services.resource.schemas.states import CurrentState, StateChange, StateHistory
from mes.services.resource.service import state_api, stream

router = APIRouter()


@router.post(
    "/equipment/{code}/state",
    response_model=CurrentState,
    summary="Change the state (now, or at a past time: it lands in the right place of the history)",
)
async def change_state(
    code: EquipmentCode,
    body: StateChange,
    session: SessionDep,
    who: CanWriteState,
    idem: IdempotencyDep,
) -> CurrentState:
    return await idem.run(state_api.set_state(session, code, body, who))


@router.get("/equipment/{code}/state", response_model=CurrentState)
async def current_state(code: EquipmentCode, session: SessionDep, _: CanRead) -> CurrentState:
    return await state_api.current(session, code)


@router.get(
    "/equipment/{code}/states", response_model=StateHistory, summary="State history within [start, end)"
)
async def state_history(
    code: EquipmentCode, session: SessionDep, _: CanRead, start: AwareDatetime, end: AwareDatetime
) -> StateHistory:
    return await state_api.history(session, code, start, end)


@router.get(
    "/equipment-states/stream",
    response_class=StreamingResponse,
    summary="Live board (Server-Sent Events): a snapshot, then one event per state change",
    description=(
        "Sends `event: snapshot` with every equipment at or below `under` and its current state, then "
        "`event: state` for each committed change, from any replica. Only a client that accepts "
        "`text/event-stream` is kept connected; any other gets the snapshot alone."
    ),
    responses={200: {"content": {"text/event-stream": {}}, "description": "An event stream"}},
)
async def state_stream(
    request: Request,
    session: SessionDep,
    _: CanRead,
    under: Annotated[str | None, Query(max_length=64)] = None,
) -> StreamingResponse:
    follow = "text/event-stream" in request.headers.get("accept", "")
    hub = stream.broadcaster(request.app.state)
    events = await stream.open_stream(session, hub, under, follow, request.is_disconnected)
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
