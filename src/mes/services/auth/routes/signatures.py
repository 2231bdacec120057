"""Electronic signatures: sign a record, list a record's signatures, verify one against content."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.auth.routes.common import ClientDep, StrikesDep, first_start
from mes.services.auth.routes.common import problem_response as _problem
from mes.services.auth.schemas import (
    SignatureCheck,
    SignatureCreate,
    SignaturePage,
    SignatureRead,
    SignatureVerification,
)
from mes.services.auth.service import signatures

router = APIRouter(
    tags=["auth: e-signatures"], responses=PROTECTED_RESPONSES, dependencies=[Depends(first_start)]
)

CanSign = Annotated[Principal, require("auth:signature:sign")]
CanRead = Annotated[Principal, require("auth:signature:read")]


@router.post(
    "/signatures",
    status_code=201,
    response_model=SignatureRead,
    responses={
        **_problem(403, "Wrong password, or someone else's credentials (audited)"),
        **_problem(422, "User name needed: first signing of the session, or it timed out"),
        **_problem(429, "Too many failed attempts"),
    },
)
async def sign_record(
    who: CanSign, body: SignatureCreate, session: SessionDep, strikes: StrikesDep, client: ClientDep
) -> SignatureRead:
    """Signs the record's content with a meaning; the signature is bound to that content's hash."""
    return await signatures.sign(session, strikes, who, body, client)


@router.get("/signatures", response_model=SignaturePage)
async def list_signatures(
    _: CanRead,
    session: SessionDep,
    record_type: Annotated[str, Query(max_length=100)],
    record_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> SignaturePage:
    """A record's signatures, oldest first: printed name, time and meaning, as a report shows them."""
    items, total = await signatures.for_record(session, record_type, record_id, limit, offset)
    return SignaturePage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/signatures/{signature_id}", response_model=SignatureRead, responses=_problem(404, "No such signature")
)
async def get_signature(_: CanRead, signature_id: uuid.UUID, session: SessionDep) -> SignatureRead:
    return signatures.signature_read(await signatures.get(session, signature_id))


@router.post(
    "/signatures/{signature_id}/verify",
    response_model=SignatureVerification,
    responses=_problem(404, "No such signature"),
)
async def verify_signature(
    _: CanRead, signature_id: uuid.UUID, body: SignatureCheck, session: SessionDep
) -> SignatureVerification:
    """Whether the signature belongs to this content: false once the record changed after signing."""
    return await signatures.verify(session, signature_id, body.content)
