"""ERP inbound: a ProcessOperationsSchedule (B2MML V0700 or the same as JSON) becomes work orders.

Validated, then mapped and checked against the work orders service (every product known, no
order number taken by something else) before anything is created; idempotent by message id: the
same message again changes nothing and gets the first acknowledgement. A message refused for
its content is dead-lettered with the exact reason (line, path) and writes nothing anywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.integration.clients import work_orders
from mes.services.integration.clients.work_orders import Caller
from mes.services.integration.errors import InvalidMessage, MessageIdReused, PayloadError
from mes.services.integration.models import ErpMessage, b2mml
from mes.services.integration.models.b2mml import OrderRequest, Schedule
from mes.services.integration.schemas import ScheduleJson
from mes.services.integration.service.machines import Letter, dead_letter


@dataclass(frozen=True)
class Answer:
    """What the ERP gets back: the acknowledgement, and whether it was a resend."""

    message_id: str
    created: list[str]
    existing: list[str]
    acknowledgement: str | None
    duplicate: bool


def _stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def _refuse(
    session: AsyncSession, fmt: str, raw: bytes, e: PayloadError, ref: str | None
) -> InvalidMessage:
    letter = Letter(
        "erp",
        ref,
        raw,
        e.reason,
        path=e.path,
        line=e.line,
        content_type="application/xml" if fmt == "b2mml" else "application/json",
    )
    row = await dead_letter(session, letter, None)
    where = "".join([f" (line {e.line})" if e.line else "", f" at {e.path}" if e.path else ""])
    return InvalidMessage(
        f"{e.reason}{where}", reason=e.reason, line=e.line, path=e.path, dead_letter_id=str(row.id)
    )


def read_b2mml(raw: bytes) -> Schedule:
    root = b2mml.parse(raw)
    b2mml.validate(root, "OperationsSchedule")
    return b2mml.read_schedule(root)


def read_json(raw: bytes) -> Schedule:
    if len(raw) > b2mml.MAX_BYTES:
        raise PayloadError(f"message of {len(raw)} bytes is over the {b2mml.MAX_BYTES} byte limit")
    try:
        doc = ScheduleJson.model_validate_json(raw)
    except ValidationError as e:
        err = e.errors()[0]
        path = "/" + "/".join(str(p) for p in err["loc"])
        raise PayloadError(f"not a valid schedule: {err['msg']}", path=path) from None
    orders = [
        OrderRequest(
            o.number, o.product, o.quantity, o.uom, o.due, o.priority, doc.schedule_id, path=f"/orders/{i}"
        )
        for i, o in enumerate(doc.orders)
    ]
    return Schedule(
        doc.message_id, doc.sender, _stamp(), orders, [doc.schedule_id] if doc.schedule_id else []
    )


async def _check(caller: Caller, s: Schedule) -> tuple[list[OrderRequest], list[str]]:
    """The orders to create, and those a first delivery of this schedule created already."""
    numbers = [o.number for o in s.orders]
    dup = next((n for n in numbers if numbers.count(n) > 1), None)
    if dup:
        raise PayloadError(f"order {dup} appears twice in the message")
    todo: list[OrderRequest] = []
    done: list[str] = []
    for o in s.orders:
        if not await work_orders.product_exists(caller, o.product):
            raise PayloadError(
                f"product {o.product} is unknown to the MES (order {o.number})", path=o.path, line=o.line
            )
        existing = await work_orders.get_order(caller, o.number)
        if existing is None:
            todo.append(o)
        elif (
            existing.erp_ref == (o.erp_ref[:64] if o.erp_ref else None)
            and existing.product == o.product
            and existing.quantity == o.quantity
        ):
            done.append(o.number)  # created by an earlier, interrupted delivery of this schedule
        else:
            raise PayloadError(
                f"work order {o.number} exists already with other data", path=o.path, line=o.line
            )
    return todo, done


async def take_schedule(session: AsyncSession, caller: Caller, raw: bytes, fmt: str) -> Answer:
    """One inbound schedule, B2MML (`fmt="b2mml"`) or JSON."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        schedule = read_b2mml(raw) if fmt == "b2mml" else read_json(raw)
    except PayloadError as e:
        raise await _refuse(session, fmt, raw, e, None) from None
    known = await session.get(ErpMessage, schedule.message_id, with_for_update=True)
    if known is not None:
        if known.request_hash != digest:
            raise MessageIdReused(f"Message {schedule.message_id} was received before with other content.")
        r = known.result
        return Answer(schedule.message_id, r["created"], r["existing"], known.acknowledgement, True)
    try:
        todo, done = await _check(caller, schedule)
    except PayloadError as e:
        raise await _refuse(session, fmt, raw, e, schedule.message_id) from None
    created = []
    for o in todo:
        await work_orders.create_order(
            caller,
            number=o.number,
            product=o.product,
            quantity=o.quantity,
            due=o.due,
            priority=o.priority,
            erp_ref=o.erp_ref,
        )
        created.append(o.number)
    ack = None
    if fmt == "b2mml":
        note = f"{len(created) + len(done)} work orders: " + ", ".join(created + done)
        ack = b2mml.acknowledge_schedule(
            schedule,
            bodid=f"ack-{schedule.message_id}"[:200],
            created=_stamp(),
            accepted=True,
            note=note[:1000],
        ).decode()
    result: dict[str, Any] = {"created": created, "existing": done}
    session.add(
        ErpMessage(
            message_id=schedule.message_id,
            verb="ProcessOperationsSchedule",
            format=fmt,
            request_hash=digest,
            result=result,
            acknowledgement=ack,
            sender=caller.subject,
        )
    )
    await append_audit(
        session,
        actor=caller.subject,
        action="erp.schedule_received",
        entity_type="erp_message",
        entity_id=schedule.message_id,
        new={"format": fmt, **result},
    )
    return Answer(schedule.message_id, created, done, ack, False)


def json_answer(a: Answer) -> dict[str, Any]:
    return {
        "message_id": a.message_id,
        "accepted": True,
        "duplicate": a.duplicate,
        "created": list(a.created),
        "existing": list(a.existing),
    }
