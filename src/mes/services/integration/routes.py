"""HTTP routes of the integration service."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, bearer_token, require
from mes.platform.db import SessionDep
from mes.services.integration import queries
from mes.services.integration.clients.work_orders import Caller
from mes.services.integration.schemas import (
    ConnectorCreate,
    ConnectorPage,
    ConnectorRead,
    ConnectorUpdate,
    DeliveryPage,
    MasterDataJson,
    MessageDeadLetterPage,
    MessageDeadLetterRead,
    ScheduleAnswer,
    ScheduleJson,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPage,
    SubscriptionRead,
)
from mes.services.integration.service import connectors, erp, letters, masterdata, webhooks

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the current state", "content": {"application/problem+json": {}}}
}
router = APIRouter(tags=["integration"], responses={**PROTECTED_RESPONSES, **_CONFLICT})

_INVALID_LETTER: dict[int | str, dict[str, Any]] = {
    422: {"description": "The ERP message is still refused", "content": {"application/problem+json": {}}}
}
CanRead = Annotated[Principal, require("integration:read")]
CanWrite = Annotated[Principal, require("integration:write")]
CanSend = Annotated[Principal, require("integration:message:send")]
Name = Annotated[str, Path(min_length=1, max_length=64)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.post("/connectors", status_code=201, response_model=ConnectorRead)
async def create_connector(body: ConnectorCreate, session: SessionDep, who: CanWrite) -> ConnectorRead:
    return await queries.connector_read(session, await connectors.create(session, body, who.subject))


@router.get("/connectors", response_model=ConnectorPage)
async def list_connectors(
    session: SessionDep, _: CanRead, limit: Limit = 50, offset: Offset = 0
) -> ConnectorPage:
    return await queries.connectors(session, limit, offset)


@router.get("/connectors/{name}", response_model=ConnectorRead)
async def get_connector(name: Name, session: SessionDep, _: CanRead) -> ConnectorRead:
    return await queries.connector(session, name)


@router.patch("/connectors/{name}", response_model=ConnectorRead)
async def update_connector(
    name: Name, body: ConnectorUpdate, session: SessionDep, who: CanWrite
) -> ConnectorRead:
    return await queries.connector_read(session, await connectors.update(session, name, body, who.subject))


@router.delete("/connectors/{name}", status_code=204)
async def delete_connector(name: Name, session: SessionDep, who: CanWrite) -> None:
    await connectors.delete(session, name, who.subject)


@router.get("/message-dead-letters", response_model=MessageDeadLetterPage)
async def list_dead_letters(
    session: SessionDep,
    _: CanRead,
    source: Literal["mqtt", "opcua", "erp", "webhook"] | None = None,
    status: Literal["open", "replayed", "discarded"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> MessageDeadLetterPage:
    return await queries.dead_letters(session, source, status, limit, offset)


@router.get("/message-dead-letters/{letter_id}", response_model=MessageDeadLetterRead)
async def get_dead_letter(letter_id: uuid.UUID, session: SessionDep, _: CanRead) -> MessageDeadLetterRead:
    return await queries.dead_letter(session, letter_id)


@router.post(
    "/message-dead-letters/{letter_id}/replay",
    response_model=MessageDeadLetterRead,
    responses=_INVALID_LETTER,
)
async def replay_dead_letter(
    letter_id: uuid.UUID, request: Request, session: SessionDep, who: CanWrite
) -> MessageDeadLetterRead:
    """Webhook deliveries are sent again; ERP messages taken in again as the caller."""
    await letters.replay(session, letter_id, _caller(request, who))
    return await queries.dead_letter(session, letter_id)


@router.post("/message-dead-letters/{letter_id}/discard", response_model=MessageDeadLetterRead)
async def discard_dead_letter(
    letter_id: uuid.UUID, session: SessionDep, who: CanWrite
) -> MessageDeadLetterRead:
    await letters.discard(session, letter_id, who.subject)
    return await queries.dead_letter(session, letter_id)


_INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Refused and dead-lettered: reason, line and path",
        "content": {"application/problem+json": {}},
    },
    409: {
        "description": "The message id was used before for other content",
        "content": {"application/problem+json": {}},
    },
}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its $defs put in place (a request body declared by hand has no components)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.rsplit("/", 1)[1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out: dict[str, Any] = walk(schema)
    return out


def _caller(request: Request, who: Principal) -> Caller:
    return Caller(who.subject, bearer_token(request), request.app.state.directory)


@router.post(
    "/erp/b2mml/process-operations-schedule",
    response_class=Response,
    summary="ProcessOperationsSchedule (B2MML V0700) in, AcknowledgeOperationsSchedule out",
    description="Creates one work order per OperationsRequest through the work orders service, as the caller. "
    "The same message (by ApplicationArea/BODID) again changes nothing and is acknowledged again.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}
    },
    responses={
        200: {"content": {"application/xml": {}}, "description": "AcknowledgeOperationsSchedule"},
        **_INVALID,
    },
)
async def process_schedule_b2mml(request: Request, session: SessionDep, who: CanSend) -> Response:
    answer = await erp.take_schedule(session, _caller(request, who), await request.body(), "b2mml")
    return Response(answer.acknowledgement or "", media_type="application/xml")


@router.post(
    "/erp/b2mml/master-data",
    response_model=ScheduleAnswer,
    summary="ProcessMaterialDefinition, ProcessMaterialLot or ProcessEquipment (B2MML V0700) in",
    description="Creates items and receives lots through the material service, creates equipment through "
    "the resource service, as the caller. The same message (by ApplicationArea/BODID) again changes nothing.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}
    },
    responses=_INVALID,
)
async def master_data_b2mml(request: Request, session: SessionDep, who: CanSend) -> ScheduleAnswer:
    answer = await masterdata.take_master_data(session, _caller(request, who), await request.body(), "b2mml")
    return ScheduleAnswer(**erp.json_answer(answer))


@router.post(
    "/erp/json/master-data",
    response_model=ScheduleAnswer,
    summary="The same master data as plain JSON (one of items, lots, equipment)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(MasterDataJson.model_json_schema())}},
        }
    },
    responses=_INVALID,
)
async def master_data_json(request: Request, session: SessionDep, who: CanSend) -> ScheduleAnswer:
    answer = await masterdata.take_master_data(session, _caller(request, who), await request.body(), "json")
    return ScheduleAnswer(**erp.json_answer(answer))


@router.post(
    "/erp/json/process-operations-schedule",
    response_model=ScheduleAnswer,
    summary="The same schedule as plain JSON",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(ScheduleJson.model_json_schema())}},
        }
    },
    responses=_INVALID,
)
async def process_schedule_json(request: Request, session: SessionDep, who: CanSend) -> ScheduleAnswer:
    answer = await erp.take_schedule(session, _caller(request, who), await request.body(), "json")
    return ScheduleAnswer(**erp.json_answer(answer))


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Subscribe an endpoint to events; the signing secret is in this answer only",
)
async def create_subscription(
    body: SubscriptionCreate, session: SessionDep, who: CanWrite
) -> SubscriptionCreated:
    return await webhooks.create_subscription(session, body, who.subject)


@router.get("/subscriptions", response_model=SubscriptionPage)
async def list_subscriptions(
    session: SessionDep, _: CanRead, limit: Limit = 50, offset: Offset = 0
) -> SubscriptionPage:
    return await queries.subscriptions(session, limit, offset)


@router.get("/subscriptions/{name}", response_model=SubscriptionRead)
async def get_subscription(name: Name, session: SessionDep, _: CanRead) -> SubscriptionRead:
    return SubscriptionRead.model_validate(await queries.subscription(session, name))


@router.post("/subscriptions/{name}/deactivate", response_model=SubscriptionRead)
async def deactivate_subscription(name: Name, session: SessionDep, who: CanWrite) -> SubscriptionRead:
    sub = await queries.subscription(session, name, lock=True)
    await webhooks.deactivate(session, sub, who.subject)
    return SubscriptionRead.model_validate(sub)


@router.get(
    "/subscriptions/{name}/deliveries", response_model=DeliveryPage, summary="The delivery log, newest first"
)
async def list_deliveries(
    name: Name,
    session: SessionDep,
    _: CanRead,
    status: Literal["pending", "delivered", "dead"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryPage:
    return await queries.deliveries(session, name, status, limit, offset)
