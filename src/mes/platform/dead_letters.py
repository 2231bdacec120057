"""Events a service could not handle or publish, kept aside with their error, to look at and replay.

Two kinds live in every service database (ADR 20):
- a *consumer* dead letter: an event whose handler failed on every retry; the event is kept in
  `dead_letter` and the consumer goes on with the next one; a replay runs the handler again,
  once (the inbox still guards it);
- an *outbox* dead letter: a row the relay could not publish after `outbox_max_attempts` while the
  bus answered; it is set aside (`dead_at`) so it no longer blocks the rows behind it; a replay
  puts it back in line.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.auth import Principal, require
from mes.platform.db import Database, SessionDep, mark_outbox_dirty
from mes.platform.errors import Conflict, NotFound
from mes.platform.events import Envelope
from mes.platform.schemas import Page, Schema

PERMISSION = "platform:events:manage"
Replayer = Callable[[Envelope], Awaitable[None]]


class DeadLetterRead(Schema):
    id: int
    kind: Literal["consumer", "outbox"]
    event_id: uuid.UUID
    topic: str
    aggregate_id: str
    producer: str
    handler: str | None = Field(None, description="The consuming handler (consumer dead letters)")
    error: str | None
    attempts: int
    failed_at: datetime | None
    replayed_at: datetime | None = None
    replayed_by: str | None = None
    payload: str


class DeadLetterPage(Page[DeadLetterRead]):
    pass


async def record_dead_letter(
    db: Database, env: Envelope, handler: str, error: BaseException, attempts: int
) -> None:
    """Keeps the event aside in the consumer's own database (its own transaction)."""
    async with db.transaction() as s:
        await s.execute(
            text(
                "INSERT INTO dead_letter (event_id, topic, handler, aggregate_id, producer, payload,"
                " error, attempts) VALUES (:e, :t, :h, :a, :p, :payload, :err, :n)"
                " ON CONFLICT (event_id, handler) DO UPDATE SET error = EXCLUDED.error,"
                " attempts = dead_letter.attempts + EXCLUDED.attempts, failed_at = now(),"
                " replayed_at = NULL, replayed_by = NULL"
            ),
            {
                "e": uuid.UUID(env.event_id),
                "t": env.topic,
                "h": handler,
                "a": env.aggregate_id,
                "p": env.producer,
                "payload": env.payload.decode(errors="replace"),
                "err": _describe(error),
                "n": attempts,
            },
        )


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:4000]


_LIST = {
    "consumer": (
        "SELECT id, 'consumer' AS kind, event_id, topic, aggregate_id, producer, handler, error,"
        " attempts, failed_at, replayed_at, replayed_by, payload FROM dead_letter"
    ),
    "outbox": (
        "SELECT id, 'outbox' AS kind, event_id, topic, aggregate_id, producer, NULL AS handler,"
        " last_error AS error, attempts, dead_at AS failed_at, NULL::timestamptz AS replayed_at,"
        " NULL AS replayed_by, payload::text AS payload FROM outbox WHERE dead_at IS NOT NULL"
    ),
}


async def list_dead_letters(
    session: AsyncSession, kind: Literal["consumer", "outbox"], pending_only: bool, limit: int, offset: int
) -> DeadLetterPage:
    base = _LIST[kind]
    if kind == "consumer" and pending_only:
        base += " WHERE replayed_at IS NULL"
    total = (await session.execute(text(f"SELECT count(*) FROM ({base}) AS d"))).scalar_one()
    rows = await session.execute(
        text(f"{base} ORDER BY id LIMIT :limit OFFSET :offset"), {"limit": limit, "offset": offset}
    )
    items = [DeadLetterRead.model_validate(dict(r._mapping)) for r in rows]
    return DeadLetterPage(items=items, total=int(total), limit=limit, offset=offset)


async def replay_consumer_dead_letter(db: Database, replay: Replayer, letter_id: int, actor: str) -> None:
    async with db.transaction() as s:
        row = (
            await s.execute(text("SELECT * FROM dead_letter WHERE id = :id FOR UPDATE"), {"id": letter_id})
        ).one_or_none()
        if row is None:
            raise NotFound(f"No dead letter {letter_id}.", code="dead_letter_not_found")
        if row.replayed_at is not None:
            raise Conflict(f"Dead letter {letter_id} was already replayed.", code="dead_letter_replayed")
        env = Envelope(str(row.event_id), row.topic, row.aggregate_id, row.producer, row.payload.encode())
    # the handler runs in its own transaction, exactly as on delivery: the inbox makes it once
    try:
        await replay(env)
    except Exception as e:
        async with db.transaction() as s:
            await s.execute(
                text("UPDATE dead_letter SET attempts = attempts + 1, error = :err WHERE id = :id"),
                {"id": letter_id, "err": _describe(e)},
            )
        raise Conflict(
            f"Replaying dead letter {letter_id} failed again: {_describe(e)}", code="replay_failed"
        ) from None
    async with db.transaction() as s:
        await s.execute(
            text("UPDATE dead_letter SET replayed_at = now(), replayed_by = :who WHERE id = :id"),
            {"id": letter_id, "who": actor},
        )
        await append_audit(
            s, actor=actor, action="dead_letter.replayed", entity_type="event", entity_id=str(env.event_id)
        )


async def replay_outbox_dead_letter(session: AsyncSession, letter_id: int, actor: str) -> None:
    done = await session.execute(
        text(
            "UPDATE outbox SET dead_at = NULL, attempts = 0 WHERE id = :id AND dead_at IS NOT NULL"
            " RETURNING event_id"
        ),
        {"id": letter_id},
    )
    event_id = done.scalar()
    if event_id is None:
        raise NotFound(f"No outbox dead letter {letter_id}.", code="dead_letter_not_found")
    await append_audit(
        session, actor=actor, action="outbox.requeued", entity_type="event", entity_id=str(event_id)
    )
    mark_outbox_dirty(session)


CanManage = Annotated[Principal, require(PERMISSION)]
Kind = Annotated[Literal["consumer", "outbox"], Query(description="Failed handling, or failed publishing")]


def dead_letter_router() -> APIRouter:
    """`/dead-letters` of a service: list and replay (mounted under every service's prefix)."""
    router = APIRouter(tags=["operations"])

    @router.get("/dead-letters", response_model=DeadLetterPage, summary="Events set aside after failing")
    async def dead_letters(
        session: SessionDep,
        _: CanManage,
        kind: Kind = "consumer",
        pending: Annotated[bool, Query(description="Only those not replayed yet")] = True,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> DeadLetterPage:
        return await list_dead_letters(session, kind, pending, limit, offset)

    @router.post(
        "/dead-letters/{letter_id}/replay",
        status_code=204,
        summary="Handle (consumer) or publish (outbox) a dead letter again",
        responses={409: {"description": "Already replayed, or failed again"}},
    )
    async def replay(
        request: Request,
        letter_id: Annotated[int, Path(ge=1, le=2**62)],
        who: CanManage,
        kind: Kind = "consumer",
    ) -> None:
        runtime = request.app.state.runtime
        if kind == "outbox":
            async with runtime.db.transaction() as s:
                await replay_outbox_dead_letter(s, letter_id, who.subject)
        else:
            await replay_consumer_dead_letter(runtime.db, runtime.handle_once, letter_id, who.subject)

    return router
