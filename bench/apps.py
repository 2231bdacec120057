"""Ceilings for the benchmarks: the same work with no framework at all."""

from __future__ import annotations

import json
import os
from typing import Any

_BODY = os.environ.get("BENCH_BODY", '{"status": "ok"}').encode()
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]


async def _lifespan(receive: Any, send: Any, startup: Any = None, shutdown: Any = None) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if startup is not None:
                await startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if shutdown is not None:
                await shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A raw ASGI app returning fixed JSON bytes: what uvicorn alone can do."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})


# B1's ceiling: the query `GET /equipment/{code}` answers from, sent by asyncpg from a pool of the
# service's size, the row turned into the same JSON by hand. No framework, no ORM, no token check.
EQUIPMENT_SQL = (
    "SELECT e.code, e.name, e.level, p.code AS parent_code, e.path, e.created_at, e.created_by "
    "FROM equipment e LEFT OUTER JOIN equipment p ON e.parent_id = p.id WHERE e.code = $1"
)
_pool: Any = None


async def _open_pool() -> None:
    import asyncpg

    global _pool
    _pool = await asyncpg.create_pool(os.environ["BENCH_DSN"], min_size=10, max_size=10)


async def _close_pool() -> None:
    await _pool.close()


def _iso(value: Any) -> str:
    # pydantic's form of an aware datetime: ISO 8601, 'Z' for UTC
    text = str(value.isoformat())
    return text[:-6] + "Z" if text.endswith("+00:00") else text


async def query(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A raw ASGI app answering `GET /.../equipment/{code}` with asyncpg: one query, same JSON."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send, _open_pool, _close_pool)
        return
    code = scope["path"].rpartition("/")[2]
    row = await _pool.fetchrow(EQUIPMENT_SQL, code)
    if row is None:
        body, status = b'{"code": "not_found"}', 404
    else:
        answer = dict(row)
        answer["created_at"] = _iso(answer["created_at"])
        body, status = json.dumps(answer, separators=(",", ":")).encode(), 200
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def open_order(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Work orders' answer to material's order check (`GET /.../orders/{number}`) for an open
    order, with no framework: B2 runs material alone against its SQL, and this stands in for the
    other service so that the consumption's remote check is made (its client side is material's
    cost) without measuring work orders as well (B1 measures a service's GET)."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    number = scope["path"].rpartition("/")[2]
    body = json.dumps({"number": number, "status": "released"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
