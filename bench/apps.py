"""Ceilings for the benchmarks: the same JSON with no framework at all."""

from __future__ import annotations

import os
from typing import Any

_BODY = os.environ.get("BENCH_BODY", '{"status": "ok"}').encode()
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]


async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A raw ASGI app returning fixed JSON bytes: what uvicorn alone can do."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
