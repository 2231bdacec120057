"""HTTP routes of the integration service."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.integration import queries
from mes.services.integration.schemas import (
    ConnectorCreate,
    ConnectorPage,
    ConnectorRead,
    ConnectorUpdate,
    DeadLetterPage,
    DeadLetterRead,
)
from mes.services.integration.service import connectors, letters

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the current state", "content": {"application/problem+json": {}}}
}
router = APIRouter(tags=["integration"], responses={**PROTECTED_RESPONSES, **_CONFLICT})

CanRead = Annotated[Principal, require("integration:read")]
CanWrite = Annotated[Principal, require("integration:write")]
Name = Annotated[str, Path(min_length=1, max_length=64)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.post("/connectors", status_code=201, response_model=ConnectorRead)
async def create_connector(body: ConnectorCreate, session: SessionDep, who: CanWrite) -> ConnectorRead:
    return await queries.connector_read(session, await connectors.create(session, body, who.subject))


@router.get("/connectors", response_model=ConnectorPage)
async def list_connectors(session: SessionDep, _: CanRead, limit: Limit = 50, offset: Offset = 0) -> ConnectorPage:
    return await queries.connectors(session, limit, offset)


@router.get("/connectors/{name}", response_model=ConnectorRead)
async def get_connector(name: Name, session: SessionDep, _: CanRead) -> ConnectorRead:
    return await queries.connector(session, name)


@router.patch("/connectors/{name}", response_model=ConnectorRead)
async def update_connector(name: Name, body: ConnectorUpdate, session: SessionDep, who: CanWrite) -> ConnectorRead:
    return await queries.connector_read(session, await connectors.update(session, name, body, who.subject))


@router.delete("/connectors/{name}", status_code=204)
async def delete_connector(name: Name, session: SessionDep, who: CanWrite) -> None:
    await connectors.delete(session, name, who.subject)


@router.get("/dead-letters", response_model=DeadLetterPage)
async def list_dead_letters(
    session: SessionDep,
    _: CanRead,
    source: Literal["mqtt", "opcua", "erp", "webhook"] | None = None,
    status: Literal["open", "replayed", "discarded"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeadLetterPage:
    return await queries.dead_letters(session, source, status, limit, offset)


@router.get("/dead-letters/{letter_id}", response_model=DeadLetterRead)
async def get_dead_letter(letter_id: uuid.UUID, session: SessionDep, _: CanRead) -> DeadLetterRead:
    return await queries.dead_letter(session, letter_id)


@router.post("/dead-letters/{letter_id}/discard", response_model=DeadLetterRead)
async def discard_dead_letter(letter_id: uuid.UUID, session: SessionDep, who: CanWrite) -> DeadLetterRead:
    await letters.discard(session, letter_id, who.subject)
    return await queries.dead_letter(session, letter_id)
