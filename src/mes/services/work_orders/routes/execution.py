"""Operations on the shop floor."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep, RequiredIdempotencyDep
from mes.services.work_orders.routes.common import (
    CONFLICT,
    CanExecute,
    Number,
    OpKey,
    caller,
)
from mes.services.work_orders.schemas.orders import (
    Complete,
    Consume,
    ConsumptionRead,
    OperationRead,
    OutputRead,
    Produce,
    ReasonRequired,
    Start,
    Transition,
    Yield,
)
from mes.services.work_orders.service import execution, outputs, production

router = APIRouter(tags=["work-orders: execution"], responses={**PROTECTED_RESPONSES, **CONFLICT})
OP = "/orders/{number}/operations/{key}"


@router.post(
    f"{OP}/start",
    response_model=OperationRead,
    summary="Start: previous operations done, operator qualified and equipment available (resource)",
)
async def start_operation(
    number: Number,
    key: OpKey,
    body: Start,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(execution.start_operation(session, number, key, body, caller(request, who)))


@router.post(f"{OP}/join", response_model=OperationRead, summary="Another operator clocks in")
async def join_operation(
    number: Number,
    key: OpKey,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(execution.join_operation(session, number, key, caller(request, who)))


@router.post(f"{OP}/leave", response_model=OperationRead, summary="The caller clocks out; others go on")
async def leave_operation(
    number: Number,
    key: OpKey,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(execution.leave_operation(session, number, key, caller(request, who)))


@router.post(f"{OP}/pause", response_model=OperationRead)
async def pause_operation(
    number: Number,
    key: OpKey,
    body: ReasonRequired,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(execution.pause_operation(session, number, key, body.reason, caller(request, who)))


@router.post(f"{OP}/resume", response_model=OperationRead)
async def resume_operation(
    number: Number,
    key: OpKey,
    body: Transition,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(execution.resume_operation(session, number, key, body.reason, caller(request, who)))


@router.post(f"{OP}/yield", response_model=OperationRead, summary="Report good and scrap (with reasons)")
async def record_yield(
    number: Number,
    key: OpKey,
    body: Yield,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    return await idem.run(production.record_yield(session, number, key, body, caller(request, who)))


@router.post(
    f"{OP}/consume",
    response_model=ConsumptionRead,
    summary="Consume a scanned lot through material (idempotent; material's refusal is passed on)",
)
async def consume(
    number: Number,
    key: OpKey,
    body: Consume,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: RequiredIdempotencyDep,
) -> ConsumptionRead:
    # the key is passed on to material, so a retry there books nothing twice either
    return await idem.run(production.consume(session, number, key, body, idem.key, caller(request, who)))


@router.post(
    f"{OP}/produce",
    status_code=201,
    response_model=OutputRead,
    summary="Produce the output lot or a serial, naming exactly the components that went into it",
)
async def produce(
    number: Number,
    key: OpKey,
    body: Produce,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: RequiredIdempotencyDep,
) -> OutputRead:
    return await idem.run(outputs.produce(session, number, key, body, idem.key, caller(request, who)))


@router.post(
    f"{OP}/complete",
    response_model=OperationRead,
    summary="Complete (idempotent with Idempotency-Key); the last operation completes the order",
    description="Under the order's tolerance the last operation completes only with `accept_short` and a "
    "reason, sent by a supervisor (workorder:dispatch): else 409 under_tolerance, 403 short_needs_supervisor "
    "or 422 short_needs_reason.",
)
async def complete_operation(
    number: Number,
    key: OpKey,
    body: Complete,
    session: SessionDep,
    who: CanExecute,
    request: Request,
    idem: IdempotencyDep,
) -> OperationRead:
    supervisor = who.has("workorder:dispatch")
    return await idem.run(
        production.complete_operation(session, number, key, body, caller(request, who), supervisor=supervisor)
    )
