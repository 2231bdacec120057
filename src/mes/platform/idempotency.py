"""Idempotent commands: a retry with the same `Idempotency-Key` gets the first answer, booked once.

The key is claimed in the command's own transaction: a concurrent duplicate waits on the key's
row until the first commits and then reads its answer; if the first fails, nothing was stored
and the retry runs afresh. The service's database needs an `idempotency_key` table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Header
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

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


def _hash(request: Any) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


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
            text(
                "INSERT INTO idempotency_key (key, request_hash) VALUES (:k, :h)"
                " ON CONFLICT DO NOTHING RETURNING 1"
            ),
            {"k": full_key, "h": digest},
        )
    ).scalar()
    if claimed is None:
        row = (
            await session.execute(
                text("SELECT request_hash, response FROM idempotency_key WHERE key = :k"), {"k": full_key}
            )
        ).one()
        if row.request_hash != digest:
            raise Unprocessable(
                "This Idempotency-Key was already used for a different request.",
                code="idempotency_key_reused",
            )
        return model.model_validate(row.response)
    result = await action()
    await session.execute(
        text("UPDATE idempotency_key SET response = CAST(:r AS jsonb), status_code = 200 WHERE key = :k"),
        {"k": full_key, "r": result.model_dump_json()},
    )
    return result
