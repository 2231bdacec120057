"""Idempotent commands: a retry with the same `Idempotency-Key` gets the first answer, booked once.

The key is claimed in the command's own transaction: a concurrent duplicate waits on the key's
row until the first commits and then reads its answer; if the first fails, nothing was stored
and the retry runs afresh. Every service's database has the `idempotency_key` table (platform
revision p0002).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.auth import current_principal
from mes.platform.db import SessionDep
from mes.platform.errors import Unprocessable

M = TypeVar("M", bound=BaseModel)

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=120,
        pattern=r"^[\x21-\x7e]+$",
        description="Send the same key when retrying; the first result is returned, never a second effect.",
    ),
]


RequiredKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=120,
        pattern=r"^[\x21-\x7e]+$",
        description="Required: a retry with the same key returns the first result, never a second effect.",
    ),
]


def _hash(request: Any) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


# built once: the key claimed (a replay finds it taken), the first answer read back, the answer stored
_CLAIM = text(
    "INSERT INTO idempotency_key (key, request_hash) VALUES (:k, :h) ON CONFLICT DO NOTHING RETURNING 1"
)
_STORED = text("SELECT request_hash, response FROM idempotency_key WHERE key = :k")
_ANSWER = text("UPDATE idempotency_key SET response = CAST(:r AS jsonb), status_code = 200 WHERE key = :k")


async def run_idempotent(
    session: AsyncSession,
    key: str | None,
    scope: str,
    request: Any,
    action: Callable[[], Awaitable[M]],
    model: type[M],
) -> M:
    if key is None:
        return await action()
    full_key = f"{scope}:{key}"
    digest = _hash(request)
    claimed = (
        await session.execute(
            _CLAIM,
            {"k": full_key, "h": digest},
        )
    ).scalar()
    if claimed is None:
        row = (await session.execute(_STORED, {"k": full_key})).one()
        if row.request_hash != digest:
            raise Unprocessable(
                "This Idempotency-Key was already used for a different request.",
                code="idempotency_key_reused",
            )
        return model.model_validate(row.response)
    result = await action()
    await session.execute(
        _ANSWER,
        {"k": full_key, "r": result.model_dump_json()},
    )
    return result


class Idempotency:
    """The `Idempotency-Key` of one command request, claimed in the request's own transaction.

    A route takes it as a dependency (`IdempotencyDep`, or `RequiredIdempotencyDep` where a
    client must send a key) and wraps its use case: `return await idem.run(service.x(...))`.
    The request's fingerprint (method, path, caller, body) is built here, the scope is the
    route, the stored answer is validated with the route's response model on a replay."""

    def __init__(
        self,
        session: AsyncSession,
        key: str | None,
        scope: str,
        fingerprint: dict[str, Any],
        response_model: type[BaseModel] | None,
    ) -> None:
        self.session = session
        self.key = key
        self.scope = scope
        self.fingerprint = fingerprint
        self.response_model = response_model

    async def run(self, action: Awaitable[M]) -> M:
        if self.key is None:
            return await action
        model = self.response_model
        if model is None:  # a route without a response model can't replay an answer
            raise TypeError(f"{self.scope} has no response model to replay")
        # the action is a coroutine not yet started: a replay closes it unstarted, so no effect
        replayed: list[M] = []

        async def first() -> M:
            result = await action
            replayed.append(result)
            return result

        try:
            return await run_idempotent(
                self.session,
                self.key,
                self.scope,
                self.fingerprint,
                first,
                model,  # type: ignore[arg-type]
            )
        finally:
            if not replayed and hasattr(action, "close"):
                action.close()


class RequiredIdempotency(Idempotency):
    """An Idempotency whose key the client had to send (consumptions, outputs)."""

    key: str


# the header's parameter is not called `key`: a route's path parameter may be (an operation's key)
async def _idempotency(
    request: Request, session: SessionDep, idempotency_key: IdempotencyKeyHeader = None
) -> Idempotency:
    return await _make(request, session, idempotency_key)


async def _required_idempotency(
    request: Request, session: SessionDep, idempotency_key: RequiredKeyHeader
) -> RequiredIdempotency:
    made = await _make(request, session, idempotency_key, RequiredIdempotency)
    assert isinstance(made, RequiredIdempotency)
    return made


async def _make(
    request: Request, session: AsyncSession, key: str | None, cls: type[Idempotency] = Idempotency
) -> Idempotency:
    route = request.scope.get("route")
    path_format = getattr(route, "path_format", request.url.path)
    raw = await request.body()
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    principal = await current_principal(request) if key is not None else None
    fingerprint = {
        "path": request.url.path,
        "caller": principal.subject if principal else None,
        "body": body,
    }
    model = getattr(route, "response_model", None)
    return cls(session, key, f"{request.method} {path_format}", fingerprint, model)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
RequiredIdempotencyDep = Annotated[RequiredIdempotency, Depends(_required_idempotency)]
