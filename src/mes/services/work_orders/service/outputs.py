"""Producing an operation's output lot or serial, recording exactly the components that went into it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.events import utcnow
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import ComponentAlreadyUsed, InputNotConsumed, NoOutput
from mes.services.work_orders.models import Consumption, OutputUnit
from mes.services.work_orders.queries.orders import outputs
from mes.services.work_orders.schemas.orders import OutputRead, Produce
from mes.services.work_orders.service.common import audit_op, executable, load, peek
from mes.services.work_orders.service.production import check_material, running


async def produce(
    session: AsyncSession, number: str, key: str, data: Produce, idem_key: str, caller: Caller
) -> OutputRead:
    """Make the output lot or serial; it records exactly the consumptions that went into it.

    Material makes it first, with nothing locked here (ADR 35); what it made is then recorded
    under the order's lock, with the consumptions no output names yet."""
    order, ops, op = await peek(session, number, key)
    executable(order)
    running(op, "produce")
    if op.output_item is None:
        raise NoOutput(f"Operation {op.key} has no output item.")
    item = await clients.item(caller, op.output_item)
    earlier: list[Consumption] = []
    now_consumed: list[tuple[clients.LotInfo, Decimal]] = []
    for given in data.inputs:
        if given.quantity is not None:
            lot = await clients.lot(caller, given.lot)
            check_material(op, lot)
            now_consumed.append((lot, given.quantity))
            continue
        mine = list(
            await session.scalars(
                select(Consumption).where(Consumption.operation_id == op.id, Consumption.lot == given.lot)
            )
        )
        free = [c for c in mine if c.output_code is None]
        if not free:
            if mine:
                raise ComponentAlreadyUsed(
                    f"What was consumed of {given.lot} is already recorded under {mine[0].output_code}.",
                    lot=given.lot,
                    output=mine[0].output_code,
                )
            raise InputNotConsumed(
                f"Lot {given.lot} was not consumed in {order.number}/{op.key}.", lot=given.lot
            )
        earlier.extend(free)
    body = {
        "item": op.output_item,
        "quantity": str(data.quantity),
        "location": data.location,
        "work_order": order.number,
        "operation": op.key,
        "inputs": [
            {"lot": g.lot, **({"quantity": str(g.quantity)} if g.quantity else {})} for g in data.inputs
        ],
    }
    if data.code is not None:
        body["code"] = data.code
    made = await clients.produce(caller, body, idem_key)
    order, ops, op = await load(session, number, key)
    earlier = [  # read again under the lock: what another output took meanwhile is its own
        c
        for c in await session.scalars(
            select(Consumption)
            .where(
                Consumption.operation_id == op.id,
                Consumption.lot.in_([g.lot for g in data.inputs if g.quantity is None]),
                Consumption.output_code.is_(None),
            )
            .execution_options(populate_existing=True)
        )
    ]
    at = utcnow()
    session.add(
        OutputUnit(
            operation_id=op.id,
            code=made.code,
            item=made.item,
            quantity=made.quantity,
            uom=made.uom,
            serial=item.tracking == "serial",
            actor=caller.subject,
            at=at,
        )
    )
    for c in earlier:
        c.output_code = made.code
    for lot, qty in now_consumed:
        session.add(
            Consumption(
                operation_id=op.id,
                lot=lot.code,
                item=lot.item,
                quantity=qty,
                uom=lot.uom,
                actor=caller.subject,
                at=at,
                output_code=made.code,
            )
        )
    await audit_op(
        session, order, op, caller.subject, "produce", new={"code": made.code, "quantity": str(made.quantity)}
    )
    await session.flush()
    return next(o for o in await outputs(session, order, ops) if o.code == made.code)
