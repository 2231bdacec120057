"""Work instructions at an operation: the steps an operator walks, the values recorded, attachments.

Steps are defined on a routing operation and reach an order in its routing snapshot, so a routing
changed later never changes the instructions of an order already released.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import work_orders as ev
from mes.platform.events import record_event, utcnow
from mes.services.work_orders import config
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    AttachmentNotFound,
    AttachmentTooLarge,
    InvalidRouting,
    InvalidTransition,
    StepNotFound,
    StepsIncomplete,
    UnsupportedAttachment,
)
from mes.services.work_orders.models import Attachment, Operation, StepValue, WorkOrder
from mes.services.work_orders.models.steps import ATTACHMENT_TYPES, check_value, content_matches
from mes.services.work_orders.queries.orders import operation_by_key, order_by_number
from mes.services.work_orders.schemas.steps import AttachmentRead, StepIn, StepRead, StepRecord
from mes.services.work_orders.service.common import audit_op, executable, load, op_fields


async def checked_steps(session: AsyncSession, seq: int, steps: list[StepIn]) -> list[dict[str, Any]]:
    """The steps of routing operation `seq` as stored: codes unique, attachments uploaded."""
    codes = [s.code for s in steps]
    if len(set(codes)) != len(codes):
        raise InvalidRouting(f"Operation {seq} names a step code twice.", code="duplicate_step")
    wanted = {s.attachment for s in steps if s.attachment is not None}
    if wanted:
        found = set(await session.scalars(select(Attachment.id).where(Attachment.id.in_(wanted))))
        if wanted - found:
            missing = ", ".join(sorted(str(a) for a in wanted - found))
            raise InvalidRouting(
                f"Operation {seq} shows attachment {missing}, which was never uploaded.",
                code="unknown_attachment",
            )
    return [s.model_dump(mode="json") for s in steps]


def op_steps(order: WorkOrder, op: Operation) -> list[dict[str, Any]]:
    """The steps of the routing step the operation stems from, as released with the order."""
    snapshot = order.routing_snapshot or {}
    for routed in snapshot.get("operations", []):
        if routed.get("seq") == op.step:
            return list(routed.get("steps") or [])
    return []


async def _attachments(session: AsyncSession, steps: list[dict[str, Any]]) -> dict[str, AttachmentRead]:
    ids = {uuid.UUID(s["attachment"]) for s in steps if s.get("attachment")}
    if not ids:
        return {}
    rows = await session.scalars(select(Attachment).where(Attachment.id.in_(ids)))
    return {str(a.id): AttachmentRead.model_validate(a) for a in rows}


async def _read(session: AsyncSession, order: WorkOrder, op: Operation) -> list[StepRead]:
    steps = op_steps(order, op)
    files = await _attachments(session, steps)
    values = {
        v.step: v for v in await session.scalars(select(StepValue).where(StepValue.operation_id == op.id))
    }
    out: list[StepRead] = []
    for position, step in enumerate(steps, start=1):
        value = values.get(step["code"])
        out.append(
            StepRead(
                position=position,
                code=step["code"],
                title=step["title"],
                text=step.get("text"),
                attachment=files.get(step["attachment"]) if step.get("attachment") else None,
                field=step.get("field"),
                required=step.get("required", True),
                recorded=value is not None,
                value=value.value if value else None,
                passed=value.passed if value else None,
                recorded_by=value.actor if value else None,
                recorded_at=value.at if value else None,
            )
        )
    return out


async def list_steps(session: AsyncSession, number: str, key: str) -> list[StepRead]:
    order = await order_by_number(session, number)
    op = await operation_by_key(session, order, key)
    return await _read(session, order, op)


async def record_step(
    session: AsyncSession, number: str, key: str, code: str, data: StepRecord, caller: Caller
) -> StepRead:
    """Record (or correct) the value of one step; a value that doesn't fit is refused and nothing changes."""
    order, _, op = await load(session, number, key)
    executable(order)
    if op.status != "in_progress":
        raise InvalidTransition(
            f"Operation {op.key} is {op.status.replace('_', ' ')}; steps are recorded while it runs.",
            current_status=op.status,
            action="record_step",
        )
    step = next((s for s in op_steps(order, op) if s["code"] == code), None)
    if step is None:
        raise StepNotFound(f"Operation {order.number}/{op.key} has no step {code}.", step=code)
    value, passed = check_value(step, data.value)
    field = step.get("field")
    kind = field["kind"] if field else "confirm"
    now = utcnow()
    row = await session.scalar(
        select(StepValue).where(StepValue.operation_id == op.id, StepValue.step == code).with_for_update()
    )
    old = None if row is None else {"value": row.value, "by": row.actor}
    if row is None:
        row = StepValue(operation_id=op.id, step=code, kind=kind)
        session.add(row)
    row.value, row.passed, row.actor, row.at = value, passed, caller.subject, now
    await audit_op(
        session, order, op, caller.subject, "step_recorded", old=old, new={"step": code, "value": value}
    )
    await record_event(
        session,
        ev.StepRecorded(
            **op_fields(order, op, caller.subject),
            step=code,
            title=step["title"],
            kind=kind,
            value=None if value is None else str(value).lower() if isinstance(value, bool) else str(value),
            unit=field.get("unit") if field else None,
            passed=passed,
            required=step.get("required", True),
            corrected=old is not None,
            at=now,
        ),
    )
    await session.flush()
    return next(s for s in await _read(session, order, op) if s.code == code)


async def require_done(session: AsyncSession, order: WorkOrder, op: Operation) -> None:
    """Completion waits for every required step of the operation (422 steps_incomplete)."""
    required = [s["code"] for s in op_steps(order, op) if s.get("required", True)]
    if not required:
        return
    done = set(await session.scalars(select(StepValue.step).where(StepValue.operation_id == op.id)))
    missing = [c for c in required if c not in done]
    if missing:
        raise StepsIncomplete(
            f"{order.number}/{op.key} can't complete: required step(s) {', '.join(missing)} not recorded yet.",
            missing=missing,
        )


async def upload_attachment(
    session: AsyncSession, filename: str, content_type: str, data: bytes, actor: str
) -> AttachmentRead:
    limit = config.attachment_max_bytes()
    if len(data) > limit:
        raise AttachmentTooLarge(
            f"{filename} has {len(data)} bytes; an attachment may have at most {limit}.", limit=limit
        )
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ATTACHMENT_TYPES:
        raise UnsupportedAttachment(
            f"{kind or 'No content type'} can't be attached; use one of {', '.join(ATTACHMENT_TYPES)}.",
            allowed=list(ATTACHMENT_TYPES),
        )
    if not data or not content_matches(kind, data):
        raise UnsupportedAttachment(f"{filename} is not a {kind} file.", allowed=list(ATTACHMENT_TYPES))
    attachment = Attachment(
        id=uuid.uuid4(),
        filename=filename,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        created_at=utcnow(),
    )
    folder = config.attachment_dir()
    if folder is None:
        attachment.storage, attachment.data = "db", data
    else:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / str(attachment.id)).write_bytes(data)
        attachment.storage, attachment.path = "disk", str(attachment.id)
    session.add(attachment)
    await session.flush()
    return AttachmentRead.model_validate(attachment)


async def download_attachment(session: AsyncSession, attachment_id: uuid.UUID) -> tuple[Attachment, bytes]:
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None:
        raise AttachmentNotFound(f"No attachment {attachment_id}.")
    if attachment.storage == "db":
        assert attachment.data is not None
        return attachment, attachment.data
    folder = config.attachment_dir()
    assert attachment.path is not None
    path = (folder / attachment.path) if folder is not None else None
    if path is None or not path.is_file():
        raise AttachmentNotFound(
            f"Attachment {attachment_id} is kept on disk, but its file is not under the configured folder."
        )
    return attachment, path.read_bytes()
