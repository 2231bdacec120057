"""The live equipment-state board: Server-Sent Events fed by PostgreSQL LISTEN/NOTIFY.

A state change NOTIFYs in its own transaction, so PostgreSQL delivers it only once committed,
and to every process listening on the database: a browser connected to one replica sees the
changes made through any other. Each process holds one listening connection while at least one
client is connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mes.services.resource import queries
from mes.services.resource.service.state_api import board
from mes.services.resource.service.states import NOTIFY_CHANNEL

log = structlog.get_logger("mes.resource.stream")
KEEPALIVE_S = 15.0
POLL_S = 1.0  # how soon a closed connection is noticed (and a server shutdown not held up)


class StateBroadcaster:
    def __init__(self, engine: AsyncEngine) -> None:
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._conn: Any = None
        self._lock = asyncio.Lock()

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            change = json.loads(payload)
        except ValueError:
            return
        for q in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):  # a client that stopped reading loses events
                q.put_nowait(change)

    async def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        async with self._lock:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self._dsn)
                await self._conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=10_000)
            self._queues.add(q)
            return q

    async def unsubscribe(self, q: asyncio.Queue[dict[str, Any]]) -> None:
        async with self._lock:
            self._queues.discard(q)
            if not self._queues and self._conn is not None:
                with contextlib.suppress(Exception):
                    await self._conn.close()
                self._conn = None


def broadcaster(state: Any) -> StateBroadcaster:
    """The process's broadcaster for this app (`app.state`), made on first use."""
    found = getattr(state, "resource_state_broadcaster", None)
    if not isinstance(found, StateBroadcaster):
        found = StateBroadcaster(state.db.engine)
        state.resource_state_broadcaster = found
    return found


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


async def open_stream(
    session: AsyncSession,
    hub: StateBroadcaster,
    under: str | None,
    follow: bool,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    """Subscribes before reading the snapshot, so no change falls between the two."""
    queue = await hub.subscribe() if follow else None
    try:
        prefix = (await queries.equipment(session, under)).path if under else None
        items = [b.model_dump(mode="json") for b in await board(session, under)]
    except BaseException:
        if queue is not None:
            await hub.unsubscribe(queue)
        raise
    return _events(hub, queue, {"under": under, "items": items}, prefix, disconnected)


async def _events(
    hub: StateBroadcaster,
    queue: asyncio.Queue[dict[str, Any]] | None,
    snapshot: dict[str, Any],
    prefix: str | None,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[str]:
    try:
        yield "retry: 3000\n" + _sse("snapshot", snapshot)
        if queue is None:
            return
        idle = 0.0
        while True:
            try:
                change = await asyncio.wait_for(queue.get(), timeout=POLL_S)
            except TimeoutError:
                if await disconnected():
                    return
                idle += POLL_S
                if idle >= KEEPALIVE_S:
                    idle = 0.0
                    yield ": keepalive\n\n"
                continue
            path = str(change.get("path", ""))
            if prefix is None or path == prefix or path.startswith(prefix + "/"):
                yield _sse("state", change)
    finally:
        if queue is not None:
            await hub.unsubscribe(queue)
