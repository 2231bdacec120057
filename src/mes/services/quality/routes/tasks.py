"""Inspection tasks: the workbench list, recording results, waivers, the completion check."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep
from mes.services.quality import queries
from mes.services.quality.routes.common import (
    CanPlan,
    CanRead,
    CanRecord,
    CanWaive,
    CodePath,
    caller,
    problems,
)
from mes.services.quality.schemas import (
    BlockingRead,
    ResultsRecord,
    SwitchingRead,
    TaskCreate,
    TaskPage,
    TaskRead,
    Verdict,
    Waiver,
)
from mes.services.quality.service import frequency, results, tasks
from mes.services.quality.vocabulary import TaskStatus

router = APIRouter()
Q64 = Annotated[str | None, Query(max_length=64)]


@router.post("/tasks", status_code=201, response_model=TaskRead, responses=problems(409, 422))
async def create_task(body: TaskCreate, session: SessionDep, who: CanPlan) -> TaskRead:
    return await tasks.create_task(session, body, who.subject)


@router.get("/tasks", response_model=TaskPage)
async def list_tasks(
    session: SessionDep,
    _: CanRead,
    status: Annotated[TaskStatus | None, Query()] = None,
    kind: Annotated[Literal["incoming", "in_process", "final"] | None, Query()] = None,
    work_order: Q64 = None,
    operation: Q64 = None,
    lot_code: Q64 = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> TaskPage:
    return await queries.list_tasks(
        session, status=status, kind=kind, work_order=work_order, operation=operation, lot_code=lot_code,
        limit=limit, offset=offset,
    )  # fmt: skip


@router.get("/tasks/{number}", response_model=TaskRead)
async def get_task(number: CodePath, session: SessionDep, _: CanRead) -> TaskRead:
    return await queries.task_read(session, await queries.task_by_number(session, number))


@router.post(
    "/tasks/{number}/results",
    response_model=Verdict,
    responses=problems(409, 422),
    summary="Record a task's results; the verdict comes back at once (idempotent with Idempotency-Key)",
)
async def record_results(
    number: CodePath,
    body: ResultsRecord,
    request: Request,
    session: SessionDep,
    who: CanRecord,
    idem: IdempotencyDep,
) -> Verdict:
    """A retry with the same Idempotency-Key (a double tap, a resend after reconnect) gets the
    first verdict back and records nothing more; the same key with another body is a 422
    `idempotency_key_reused`."""
    return await idem.run(results.record_results(session, number, body, caller(request, who)))


@router.post("/tasks/{number}/waive", response_model=TaskRead, responses=problems(403, 409))
async def waive_task(
    number: CodePath, body: Waiver, request: Request, session: SessionDep, who: CanWaive
) -> TaskRead:
    """Waives a due task with a reason and the waiver's e-signature (record type `quality.task`)."""
    return await tasks.waive_task(session, number, body, caller(request, who))


@router.get("/blocking", response_model=BlockingRead, summary="Due in-process inspections of an operation")
async def blocking(
    session: SessionDep,
    _: CanRead,
    work_order: Annotated[str, Query(min_length=1, max_length=64)],
    operation: Annotated[str, Query(min_length=1, max_length=64)],
) -> BlockingRead:
    """The due in-process tasks that block completing the operation; every-t-minutes tasks that
    fell due since the worker's last round are opened first."""
    return await frequency.blocking(session, work_order, operation)


@router.get(
    "/switching", response_model=SwitchingRead, summary="ISO 2859-1 switching state of a supplier and item"
)
async def switching(
    session: SessionDep,
    _: CanRead,
    supplier: Annotated[str, Query(min_length=1, max_length=200)],
    item: Annotated[str, Query(min_length=1, max_length=64)],
) -> SwitchingRead:
    state = await tasks.switching_state(session, supplier, item)
    return SwitchingRead(supplier=supplier, item=item, state=state.to_dict())
