"""Inspection tasks: created by events (lot received, operation started, lot produced) or by hand;
waived with a reason and a signature; due in-process tasks block completing their operation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import InspectionRecorded
from mes.platform.events import record_event, utcnow
from mes.services.quality.clients import Caller, verify_signature
from mes.services.quality.errors import InvalidPlan, InvalidState, SignatureRejected
from mes.services.quality.models import Plan, Switching, Task
from mes.services.quality.models import sampling as iso
from mes.services.quality.queries import plan_version, task_by_number, task_read
from mes.services.quality.schemas import BlockingRead, TaskCreate, TaskRead, Waiver
from mes.services.quality.service.common import audit, next_number

# how long a task may wait before the workbench shows it overdue
DUE_WITHIN = {
    "incoming": timedelta(hours=24),
    "in_process": timedelta(minutes=30),
    "final": timedelta(hours=4),
}


async def switching_state(session: AsyncSession, supplier: str | None, item: str) -> iso.SwitchingState:
    if supplier is None:
        return iso.SwitchingState()
    row = await session.get(Switching, (supplier, item))
    return iso.SwitchingState.from_dict(row.state) if row else iso.SwitchingState()


async def _sampling(
    session: AsyncSession, plan: Plan, lot_size: int | None, supplier: str | None
) -> dict[str, Any]:
    s = plan.sampling or {}
    if s.get("method") != "iso2859":
        n = int(s.get("n", 1))
        return {"method": "n_per_lot", "sample_size": min(n, lot_size) if lot_size else n, "ac": 0, "re": 1}
    if lot_size is None or lot_size < 2:
        raise InvalidPlan(f"Plan {plan.code} samples by ISO 2859-1: the task needs a lot size of at least 2.")
    state = await switching_state(session, supplier, plan.item)
    p = iso.plan(lot_size, s.get("level", "II"), Decimal(s["aql"]), iso.drawing_severity(state))
    return {
        "method": "iso2859",
        "aql": s["aql"],
        "level": s.get("level", "II"),
        "severity": p.severity,
        "code_letter": p.table_letter,
        "plan_letter": p.letter,
        "sample_size": p.sample_size,
        "ac": p.ac,
        "re": p.re,
        "hundred_percent": p.hundred_percent,
        "supplier_discontinued": state.severity == "discontinued",
    }


async def open_task(
    session: AsyncSession,
    plan: Plan,
    actor: str,
    source: str,
    *,
    lot_code: str | None = None,
    serial: str | None = None,
    lot_size: int | None = None,
    supplier: str | None = None,
    work_order: str | None = None,
    operation: str | None = None,
    equipment: str | None = None,
    frequency: dict[str, Any] | None = None,
) -> Task:
    """A due task of `plan`; `frequency` (in-process sampling by parts or minutes) is kept with the
    drawn sample, so the task says which multiple made it due."""
    now = utcnow()
    task = Task(
        id=uuid.uuid4(),
        number=await next_number(session, "QT"),
        plan_id=plan.id,
        kind=plan.kind,
        status="due",
        source=source,
        item=plan.item,
        lot_code=lot_code,
        serial=serial,
        supplier=supplier,
        lot_size=lot_size,
        sampling=await _sampling(session, plan, lot_size, supplier) | (frequency or {}),
        work_order=work_order,
        operation=operation if operation is not None else plan.operation,
        equipment=equipment,
        created_at=now,
        due_at=now + DUE_WITHIN[plan.kind],
    )
    session.add(task)
    await session.flush()
    await audit(
        session,
        actor,
        "task.created",
        "task",
        task.number,
        new={"plan": f"{plan.code} v{plan.version}", "source": source, "lot": lot_code, "work_order": work_order,
             "operation": task.operation, "sampling": task.sampling},
    )  # fmt: skip
    return task


async def create_task(session: AsyncSession, data: TaskCreate, actor: str) -> TaskRead:
    plan = await plan_version(session, data.plan)
    if plan.status != "released":
        raise InvalidState(f"Plan {plan.code} has no released version.")
    task = await open_task(
        session,
        plan,
        actor,
        "manual",
        lot_code=data.lot_code,
        serial=data.serial,
        lot_size=data.lot_size,
        supplier=data.supplier,
        work_order=data.work_order,
        operation=data.operation,
        equipment=data.equipment,
    )
    return await task_read(session, task)


async def blocking(session: AsyncSession, work_order: str, operation: str) -> BlockingRead:
    rows = await session.scalars(
        select(Task.number)
        .where(
            Task.work_order == work_order,
            Task.operation == operation,
            Task.kind == "in_process",
            Task.status == "due",
        )
        .order_by(Task.number)
    )
    return BlockingRead(work_order=work_order, operation=operation, tasks=list(rows))


def waiver_content(task: Task, reason: str) -> dict[str, Any]:
    """What a waiver signature binds to."""
    return {
        "task": task.number,
        "work_order": task.work_order,
        "operation": task.operation,
        "lot_code": task.lot_code,
        "reason": reason,
    }


async def check_signature(
    caller: Caller, signature_id: uuid.UUID, record_type: str, record_id: str, content: dict[str, Any]
) -> str:
    """The signature must be the caller's own, on this record, over exactly this content; else
    nothing happens. Returns the signer's printed name."""
    check = await verify_signature(caller, signature_id, content)
    sig = check.signature
    if (sig.record_type, sig.record_id) != (record_type, record_id):
        raise SignatureRejected(
            f"The signature is for {sig.record_type} {sig.record_id}, not {record_type} {record_id}.",
            reason="other_record",
        )
    if sig.username != caller.subject:
        raise SignatureRejected("The signature was made by someone else.", reason="other_signer")
    if not check.valid:
        raise SignatureRejected(
            "The signature was made over other content (the record changed, or another record).",
            reason="content_changed",
        )
    return sig.printed_name


async def waive_task(session: AsyncSession, number: str, data: Waiver, caller: Caller) -> TaskRead:
    task = await task_by_number(session, number, lock=True)
    if task.status != "due":
        raise InvalidState(f"Task {number} is {task.status}; only a due task is waived.")
    await check_signature(
        caller, data.signature_id, "quality.task", number, waiver_content(task, data.reason)
    )
    task.status = "waived"
    task.closed_at = datetime.now(UTC)
    task.closed_by = caller.subject
    task.waiver_reason = data.reason
    task.waiver_signature = data.signature_id
    await audit(
        session,
        caller.subject,
        "task.waived",
        "task",
        number,
        old={"status": "due"},
        new={"status": "waived", "signature_id": str(data.signature_id)},
        reason=data.reason,
    )
    await announce_verdict(session, task, caller.subject)
    return await task_read(session, task)


async def announce_verdict(session: AsyncSession, task: Task, operator: str) -> None:
    plan = await session.get(Plan, task.plan_id)
    assert plan is not None
    await record_event(
        session,
        InspectionRecorded(
            task=task.number,
            plan=plan.code,
            plan_version=plan.version,
            kind=task.kind,
            item=task.item,
            lot_code=task.lot_code,
            serial=task.serial,
            work_order=task.work_order,
            operation=task.operation,
            equipment=task.equipment,
            operator=operator,
            verdict=task.status,
        ),
    )
