"""Work instructions: the steps of an operation, the values recorded at them, and attachments."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.work_orders import config
from mes.services.work_orders.errors import AttachmentTooLarge
from mes.services.work_orders.models.steps import ATTACHMENT_TYPES
from mes.services.work_orders.routes.common import (
    CONFLICT,
    CanExecute,
    CanRead,
    CanWriteRouting,
    Number,
    OpKey,
    caller,
)
from mes.services.work_orders.schemas.steps import AttachmentRead, StepRead, StepRecord
from mes.services.work_orders.service import steps

router = APIRouter(tags=["work-orders: work instructions"], responses={**PROTECTED_RESPONSES, **CONFLICT})
OP = "/orders/{number}/operations/{key}"
_SAFE = re.compile(r"[^A-Za-z0-9._ -]")  # what may stand in a header's quoted file name
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
StepCodePath = Annotated[str, Path(max_length=32, description="The step's code within the operation")]
_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes, with its Content-Type",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ATTACHMENT_TYPES},
    }
}


@router.get(
    f"{OP}/steps", response_model=list[StepRead], summary="The operation's steps, with recorded values"
)
async def list_steps(number: Number, key: OpKey, session: SessionDep, _: CanRead) -> list[StepRead]:
    return await steps.list_steps(session, number, key)


@router.post(
    f"{OP}/steps/{{code}}",
    response_model=StepRead,
    summary="Record a step's value (a number outside its limits is 422 value_out_of_limits)",
)
async def record_step(
    number: Number,
    key: OpKey,
    code: StepCodePath,
    body: StepRecord,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> StepRead:
    return await idem.run(steps.record_step(session, number, key, code, body, caller(request, who)))


@router.post(
    "/attachments",
    status_code=201,
    response_model=AttachmentRead,
    summary="Upload an image or PDF to show at a step (the body is the file; 413 too large, 415 other types)",
    openapi_extra=_UPLOAD,
    responses={415: {"description": "Not an image or PDF, or not what it declares", **PROBLEM}},
)
async def upload_attachment(
    request: Request,
    session: SessionDep,
    who: CanWriteRouting,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
) -> AttachmentRead:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > config.attachment_max_bytes():
        raise AttachmentTooLarge(
            f"{filename} has {declared} bytes; an attachment may have at most {config.attachment_max_bytes()}.",
            limit=config.attachment_max_bytes(),
        )
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > config.attachment_max_bytes():
            raise AttachmentTooLarge(
                f"{filename} is larger than {config.attachment_max_bytes()} bytes, the most an attachment may have.",
                limit=config.attachment_max_bytes(),
            )
    content_type = request.headers.get("content-type", "")
    return await steps.upload_attachment(session, filename, content_type, bytes(data), who.subject)


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in ATTACHMENT_TYPES}, "description": "The file"}},
    summary="Download an attachment",
)
async def download_attachment(attachment_id: uuid.UUID, session: SessionDep, _: CanRead) -> Response:
    attachment, data = await steps.download_attachment(session, attachment_id)
    return Response(
        content=data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f'inline; filename="{_SAFE.sub("_", attachment.filename)}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )
