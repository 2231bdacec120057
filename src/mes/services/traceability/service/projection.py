"""The projection: material's and work orders' events written into the genealogy graph.

Every write is an idempotent upsert keyed by natural ids (lot codes, order numbers, operation
keys) plus the event id where quantities add up, and an attribute is written only by the event
that owns it. So late, duplicated and reordered events, or a replay of the whole history into an
empty database, leave the same rows.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as mat
from mes.contracts import quality as qa
from mes.contracts import work_orders as wo

NODE_FIELDS = (
    "item",
    "uom",
    "quantity",
    "origin",
    "work_order",
    "operation",
    "name",
    "work_center",
    "equipment",
    "operator",
    "location",
    "supplier",
    "supplier_lot",
    "expires_on",
    "at",
    "ended_at",
    "planned",
)


def lot_key(code: str) -> str:
    return f"lot:{code}"


def order_key(number: str) -> str:
    return f"wo:{number}"


def op_key(number: str, key: str) -> str:
    return f"op:{number}/{key}"


async def _node(
    session: AsyncSession, key: str, kind: str, code: str, *, owner: bool = False, **fields: Any
) -> None:
    """Create the node if new; set `fields` (those not None). `owner` events also set the kind
    (a receipt or a production says whether a lot is a serial; other events only mention it)."""
    given = {k: v for k, v in fields.items() if v is not None}
    assert set(given) <= set(NODE_FIELDS)
    cols = ["key", "kind", "code", *given]
    # the owner's value wins; a mention fills only what nobody has said yet
    first, second = ("EXCLUDED", "node") if owner else ("node", "EXCLUDED")
    updates = [f"{c} = COALESCE({first}.{c}, {second}.{c})" for c in given if c != "at"]
    if "at" in given:  # the earliest time any event gives (a restarted operation began at its first start)
        updates.append("at = LEAST(node.at, EXCLUDED.at)")
    if owner:
        updates.append("kind = EXCLUDED.kind")
    conflict = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    await session.execute(
        text(
            f"INSERT INTO node ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
            f" ON CONFLICT (key) {conflict}"
        ),
        {"key": key, "kind": kind, "code": code, **given},
    )


async def _lot(session: AsyncSession, code: str, item: str, uom: str, **fields: Any) -> None:
    await _node(session, lot_key(code), "lot", code, item=item, uom=uom, **fields)


async def _order(session: AsyncSession, number: str, **fields: Any) -> None:
    await _node(session, order_key(number), "work_order", number, work_order=number, **fields)


async def _operation(
    session: AsyncSession, event_id: uuid.UUID, number: str, key: str, **fields: Any
) -> None:
    """An operation node, with its part_of edge to its order (and the order's node)."""
    await _order(session, number)
    await _node(
        session,
        op_key(number, key),
        "operation",
        f"{number}/{key}",
        work_order=number,
        operation=key,
        **fields,
    )
    await _edge(session, event_id, op_key(number, key), order_key(number), "part_of", None, number, key, None)


async def _edge(
    session: AsyncSession,
    event_id: uuid.UUID,
    src: str,
    dst: str,
    kind: str,
    quantity: Decimal | None,
    work_order: str | None,
    operation: str | None,
    at: datetime | None,
) -> None:
    first = await session.scalar(
        text(
            "INSERT INTO edge_part (event_id, src, dst, kind, quantity) VALUES (:e, :s, :d, :k, :q)"
            " ON CONFLICT DO NOTHING RETURNING 1"
        ),
        {"e": event_id, "s": src, "d": dst, "k": kind, "q": quantity},
    )
    if first is None:  # this event's share is already in
        return
    await session.execute(
        text(
            "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
            " VALUES (:s, :d, :k, :q, :wo, :op, :at)"
            " ON CONFLICT (src, dst, kind) DO UPDATE SET"
            "  quantity = CASE WHEN edge.quantity IS NULL AND EXCLUDED.quantity IS NULL THEN NULL"
            "   ELSE COALESCE(edge.quantity, 0) + COALESCE(EXCLUDED.quantity, 0) END,"
            "  work_order = COALESCE(edge.work_order, EXCLUDED.work_order),"
            "  operation = LEAST(edge.operation, EXCLUDED.operation),"
            "  at = LEAST(edge.at, EXCLUDED.at)"
        ),
        {"s": src, "d": dst, "k": kind, "q": quantity, "wo": work_order, "op": operation, "at": at},
    )


async def _flow(
    session: AsyncSession,
    event_id: uuid.UUID,
    lot: str,
    kind: str,
    quantity: Decimal,
    at: datetime,
    *,
    location: str | None = None,
    status: str | None = None,
    party: str | None = None,
) -> None:
    await session.execute(
        text(
            "INSERT INTO lot_flow (event_id, lot, kind, quantity, location, status, at, party)"
            " VALUES (:e, :lot, :k, :q, :loc, :st, :at, :party) ON CONFLICT DO NOTHING"
        ),
        {
            "e": event_id,
            "lot": lot,
            "k": kind,
            "q": quantity,
            "loc": location,
            "st": status,
            "at": at,
            "party": party,
        },
    )


async def _mark_per_unit(session: AsyncSession, lot: str, work_order: str) -> None:
    """The lot's consumptions in the order are per unit once a serial of the order names it;
    whichever of the two events comes first, the other sets the mark."""
    await session.execute(
        text(
            "UPDATE edge e SET per_unit = true WHERE e.src = :lot AND e.kind = 'consumed'"
            " AND e.work_order = :wo AND NOT e.per_unit AND EXISTS (SELECT 1 FROM edge a"
            " JOIN node s ON s.key = a.dst AND s.kind = 'serial'"
            " WHERE a.src = :lot AND a.kind = 'attributed' AND a.work_order = :wo)"
        ),
        {"lot": lot, "wo": work_order},
    )


def _kind(tracking: str) -> str:
    return "serial" if tracking == "serial" else "lot"


# ---------------------------------------------------------------- material


async def lot_received(session: AsyncSession, e: mat.LotReceived) -> None:
    await _node(
        session,
        lot_key(e.lot_code),
        _kind(e.tracking),
        e.lot_code,
        owner=True,
        item=e.item_code,
        uom=e.uom,
        quantity=e.quantity,
        origin="received",
        location=e.location,
        supplier=e.supplier,
        supplier_lot=e.supplier_lot,
        expires_on=e.expires_on,
        at=e.occurred_at,
    )
    await _flow(
        session,
        e.event_id,
        e.lot_code,
        "received",
        e.quantity,
        e.occurred_at,
        location=e.location,
        status=e.status,
    )


async def lot_moved(session: AsyncSession, e: mat.LotMoved) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    await _flow(session, e.event_id, e.lot_code, "moved", Decimal(0), e.occurred_at, location=e.to_location)


async def lot_consumed(session: AsyncSession, e: mat.LotConsumed) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    await _operation(session, e.event_id, e.work_order, e.operation)
    await _edge(
        session,
        e.event_id,
        lot_key(e.lot_code),
        op_key(e.work_order, e.operation),
        "consumed",
        e.quantity,
        e.work_order,
        e.operation,
        e.occurred_at,
    )
    await _mark_per_unit(session, lot_key(e.lot_code), e.work_order)
    status = "consumed" if e.remaining == 0 else None
    await _flow(session, e.event_id, e.lot_code, "consumed", e.quantity, e.occurred_at, status=status)


async def lot_produced(session: AsyncSession, e: mat.LotProduced) -> None:
    await _node(
        session,
        lot_key(e.lot_code),
        _kind(e.tracking),
        e.lot_code,
        owner=True,
        item=e.item_code,
        uom=e.uom,
        quantity=e.quantity,
        origin="produced",
        work_order=e.work_order,
        operation=e.operation,
        location=e.location,
        expires_on=e.expires_on,
        at=e.occurred_at,
    )
    await _operation(session, e.event_id, e.work_order, e.operation)
    output = lot_key(e.lot_code)
    await _edge(
        session,
        e.event_id,
        order_key(e.work_order),
        output,
        "produced",
        e.quantity,
        e.work_order,
        e.operation,
        e.occurred_at,
    )
    for given in e.inputs:
        await _lot(session, given.lot_code, given.item_code, given.uom)
        await _edge(
            session,
            e.event_id,
            lot_key(given.lot_code),
            output,
            "attributed",
            given.quantity,
            e.work_order,
            e.operation,
            e.occurred_at,
        )
        if e.tracking == "serial":
            await _mark_per_unit(session, lot_key(given.lot_code), e.work_order)
    await _flow(
        session,
        e.event_id,
        e.lot_code,
        "produced",
        e.quantity,
        e.occurred_at,
        location=e.location,
        status="available",
    )


async def _split(
    session: AsyncSession, e: mat._LotEvent, child: str, quantity: Decimal, location: str | None
) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    await _lot(
        session,
        child,
        e.item_code,
        e.uom,
        quantity=quantity,
        origin="split",
        location=location,
        at=e.occurred_at,
    )
    await _edge(
        session, e.event_id, lot_key(e.lot_code), lot_key(child), "split", quantity, None, None, e.occurred_at
    )
    await _flow(session, e.event_id, e.lot_code, "split_out", quantity, e.occurred_at)
    await _flow(session, e.event_id, child, "split_in", quantity, e.occurred_at, location=location)


async def lot_split(session: AsyncSession, e: mat.LotSplit) -> None:
    await _split(session, e, e.new_lot_code, e.quantity, None)


async def lot_issued(session: AsyncSession, e: mat.LotIssued) -> None:
    if e.issued_lot_code == e.lot_code:  # the whole lot went to the line: a move
        await _lot(session, e.lot_code, e.item_code, e.uom)
        await _flow(
            session, e.event_id, e.lot_code, "moved", Decimal(0), e.occurred_at, location=e.to_location
        )
        return
    await _split(session, e, e.issued_lot_code, e.quantity, e.to_location)


async def lot_merged(session: AsyncSession, e: mat.LotMerged) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    for source in e.sources:
        await _lot(session, source.lot_code, e.item_code, e.uom)
        await _edge(
            session,
            e.event_id,
            lot_key(source.lot_code),
            lot_key(e.lot_code),
            "merged",
            source.quantity,
            None,
            None,
            e.occurred_at,
        )
        await _flow(
            session,
            e.event_id,
            source.lot_code,
            "merged_out",
            source.quantity,
            e.occurred_at,
            status="consumed",
        )
        await _flow(session, e.event_id, e.lot_code, "merged_in", source.quantity, e.occurred_at)


async def lot_status_changed(session: AsyncSession, e: mat.LotStatusChanged) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    await _flow(session, e.event_id, e.lot_code, "status", Decimal(0), e.occurred_at, status=e.new_status)


async def lot_scrapped(session: AsyncSession, e: mat.LotScrapped) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    status = "scrapped" if e.remaining == 0 else None
    await _flow(session, e.event_id, e.lot_code, "scrapped", e.quantity, e.occurred_at, status=status)


async def lot_shipped(session: AsyncSession, e: mat.LotShipped) -> None:
    """Stock out to a customer: a flow with the customer as party and the destination as location."""
    await _lot(session, e.lot_code, e.item_code, e.uom)
    status = "shipped" if e.remaining == 0 else None
    await _flow(
        session,
        e.event_id,
        e.lot_code,
        "shipped",
        e.quantity,
        e.occurred_at,
        location=e.destination,
        status=status,
        party=e.customer,
    )


async def lot_adjusted(session: AsyncSession, e: mat.LotAdjusted) -> None:
    await _lot(session, e.lot_code, e.item_code, e.uom)
    await _flow(session, e.event_id, e.lot_code, "adjusted", e.delta, e.occurred_at)


# ---------------------------------------------------------------- work orders


async def _status(session: AsyncSession, number: str, status: str, at: datetime) -> None:
    """The latest status announced wins, whatever order the announcements arrive in."""
    await _order(session, number)
    await session.execute(
        text(
            "UPDATE node SET status = :s, status_at = :at WHERE key = :k AND (status_at IS NULL"
            " OR status_at < :at OR (status_at = :at AND status < :s))"
        ),
        {"k": order_key(number), "s": status, "at": at},
    )


async def order_created(session: AsyncSession, e: wo.WorkOrderCreated) -> None:
    await _order(session, e.work_order, item=e.product, quantity=e.quantity, uom=e.uom, at=e.occurred_at)
    await _status(session, e.work_order, "planned", e.occurred_at)


async def order_released(session: AsyncSession, e: wo.WorkOrderReleased) -> None:
    await _order(session, e.work_order, item=e.product)
    for op in e.operations:
        await _operation(
            session, e.event_id, e.work_order, op.key, name=op.name, work_center=op.work_center, planned=True
        )
    await _status(session, e.work_order, "released", e.occurred_at)


async def order_status(session: AsyncSession, number: str, status: str, at: datetime) -> None:
    await _status(session, number, status, at)


async def operation_started(session: AsyncSession, e: wo.OperationStarted) -> None:
    await _operation(
        session,
        e.event_id,
        e.work_order,
        e.operation,
        name=e.name,
        work_center=e.work_center,
        equipment=e.equipment,
        operator=e.operator,
        at=e.occurred_at,
    )
    await session.execute(
        text(
            "INSERT INTO operation_start (event_id, work_order, operation, equipment, operator, at)"
            " VALUES (:e, :wo, :op, :eq, :who, :at) ON CONFLICT DO NOTHING"
        ),
        {
            "e": e.event_id,
            "wo": e.work_order,
            "op": e.operation,
            "eq": e.equipment,
            "who": e.operator,
            "at": e.occurred_at,
        },
    )


async def operation_completed(session: AsyncSession, e: wo.OperationCompleted) -> None:
    await _operation(
        session,
        e.event_id,
        e.work_order,
        e.operation,
        name=e.name,
        work_center=e.work_center,
        equipment=e.equipment,  # the operator is the start's: one writer per attribute
        at=e.started_at,
        ended_at=e.completed_at,
    )
    await session.execute(
        text(
            "INSERT INTO operation_completion (event_id, work_order, operation, equipment, good, scrap,"
            " rework, scrap_reasons, operators, started_at, completed_at) VALUES (:e, :wo, :op, :eq,"
            " :good, :scrap, :rework, CAST(:reasons AS jsonb), CAST(:operators AS jsonb), :s, :c)"
            " ON CONFLICT DO NOTHING"
        ),
        {
            "e": e.event_id,
            "wo": e.work_order,
            "op": e.operation,
            "eq": e.equipment,
            "good": e.good,
            "scrap": e.scrap,
            "rework": e.rework,
            "reasons": json.dumps(
                [{"reason": r.reason, "quantity": str(r.quantity)} for r in e.scrap_reasons]
            ),
            "operators": json.dumps(sorted(set(e.operators))),
            "s": e.started_at,
            "c": e.completed_at,
        },
    )


async def step_recorded(session: AsyncSession, e: wo.StepRecorded) -> None:
    await _operation(session, e.event_id, e.work_order, e.operation, name=e.name, work_center=e.work_center)
    await session.execute(
        text(
            "INSERT INTO step_value (event_id, work_order, operation, step, title, kind, value, unit,"
            " passed, required, corrected, actor, at) VALUES (:e, :wo, :op, :step, :title, :kind,"
            " :value, :unit, :passed, :required, :corrected, :actor, :at) ON CONFLICT DO NOTHING"
        ),
        {
            "e": e.event_id,
            "wo": e.work_order,
            "op": e.operation,
            "step": e.step,
            "title": e.title,
            "kind": e.kind,
            "value": e.value,
            "unit": e.unit,
            "passed": e.passed,
            "required": e.required,
            "corrected": e.corrected,
            "actor": e.actor,
            "at": e.at,
        },
    )


# ---------------------------------------------------------------- quality


async def _inspection(session: AsyncSession, task: str, **fields: Any) -> None:
    """One row per task: the recording owns its attributes, the failure adds what failed; either
    may come first, and a second delivery changes nothing."""
    cols = ["task", *fields]
    values = [f"CAST(:{c} AS jsonb)" if c == "failed" else f":{c}" for c in cols]
    updates = [f"{c} = COALESCE(inspection.{c}, EXCLUDED.{c})" for c in fields]
    await session.execute(
        text(
            f"INSERT INTO inspection ({', '.join(cols)}) VALUES ({', '.join(values)})"
            f" ON CONFLICT (task) DO UPDATE SET {', '.join(updates)}"
        ),
        {"task": task, **fields},
    )


async def inspection_recorded(session: AsyncSession, e: qa.InspectionRecorded) -> None:
    await _inspection(
        session,
        e.task,
        plan=e.plan,
        plan_version=e.plan_version,
        kind=e.kind,
        item=e.item,
        lot_code=e.lot_code,
        serial=e.serial,
        work_order=e.work_order,
        operation=e.operation,
        equipment=e.equipment,
        operator=e.operator,
        verdict=e.verdict,
        at=e.occurred_at,
    )


async def inspection_failed(session: AsyncSession, e: qa.InspectionFailed) -> None:
    failed = [
        {
            "characteristic": f.characteristic,
            "values": f.values,
            "lsl": f.lsl,
            "usl": f.usl,
            "defects": f.defects,
        }
        for f in e.failed
    ]
    await _inspection(
        session,
        e.task,
        item=e.item,
        lot_code=e.lot_code,
        work_order=e.work_order,
        operation=e.operation,
        equipment=e.equipment,
        operator=e.operator,
        verdict="failed",
        failed=json.dumps(failed),
        ncr=e.ncr,
        at=e.occurred_at,
    )
