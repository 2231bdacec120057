"""Live KPIs per line for dashboards: the current shift's OEE of each child of a scope, every few seconds.

Each tick reads in its own short transaction, so a dashboard left open holds no connection
between ticks; the figures are the same as `GET /oee` for the shift so far.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

from mes.platform.db import Database
from mes.platform.errors import DomainError
from mes.services.reporting.clients import Resource
from mes.services.reporting.models import EquipmentNode
from mes.services.reporting.models.shifts import instances
from mes.services.reporting.service.oee import compute, now, scope_equipment
from mes.services.reporting.service.reports import row

POLL_S = 1.0


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


async def snapshot(db: Database, res: Resource, scope: str) -> dict[str, Any]:
    """The current shift of the scope's calendar and, per child (line), its OEE so far."""
    at = now()
    async with db.transaction() as session:
        machines = await scope_equipment(session, scope)
        node = await session.get(EquipmentNode, scope)
        assert node is not None
        cal = await res.calendar(node.path) or (await res.calendar(machines[0].path) if machines else None)
        current = (
            [s for s in instances(cal.patterns, cal.tz, at - timedelta(days=1), at) if s.start <= at < s.end]
            if cal
            else []
        )
        if not current:
            return {"scope": scope, "shift": None, "at": at.isoformat(), "lines": []}
        shift = current[0]
        cells = await compute(session, res, scope, shift.start, at, "total", "children")
    return {
        "scope": scope,
        "shift": shift.key,
        "at": at.isoformat(),
        "lines": [row(c).model_dump(mode="json") for c in cells],
    }


async def open_stream(
    db: Database,
    res: Resource,
    scope: str,
    follow: bool,
    every_s: float,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    first = await snapshot(db, res, scope)  # an unknown scope fails the request, not the stream
    return _events(db, res, scope, first, follow, every_s, disconnected)


async def _events(
    db: Database,
    res: Resource,
    scope: str,
    first: dict[str, Any],
    follow: bool,
    every_s: float,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    yield "retry: 5000\n" + _sse("kpis", first)
    if not follow:
        return
    waited = 0.0
    while True:
        await asyncio.sleep(POLL_S)
        if await disconnected():
            return
        waited += POLL_S
        if waited < every_s:
            continue
        waited = 0.0
        try:
            yield _sse("kpis", await snapshot(db, res, scope))
        except DomainError as e:  # e.g. the token expired: tell the client, which reconnects
            yield _sse("error", {"code": e.code, "detail": e.detail})
            return
