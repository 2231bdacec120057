"""HTTP routes: live KPIs per line (Server-Sent Events)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from mes.services.reporting.routes.common import CanRead, resource
from mes.services.reporting.service import live

router = APIRouter()


@router.get(
    "/live/stream",
    response_class=StreamingResponse,
    summary="Live KPIs per line (Server-Sent Events): the current shift's OEE of each child of `scope`",
    description=(
        "Sends `event: kpis` at once and then every `every_s` seconds: the shift now running, and per child "
        "of the scope (a site's lines) the ISO 22400-2 figures of that shift so far, as `GET /oee` gives them. "
        "Only a client that accepts `text/event-stream` is kept connected; any other gets one event."
    ),
    responses={200: {"content": {"text/event-stream": {}}, "description": "An event stream"}},
)
async def live_stream(
    request: Request,
    _: CanRead,
    scope: Annotated[str, Query(min_length=1, max_length=64)],
    every_s: Annotated[int, Query(ge=2, le=300)] = 10,
) -> StreamingResponse:
    follow = "text/event-stream" in request.headers.get("accept", "")
    events = await live.open_stream(
        request.app.state.db, resource(request), scope, follow, every_s, request.is_disconnected
    )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
