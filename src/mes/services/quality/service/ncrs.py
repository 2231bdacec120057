"""Non-conformances: opened with the evidence and holds; dispositioned under a signature bound to
the NCR's content; scrap, split and a return to the supplier go to material with the NCR as the
reason, a rework to work orders' rework command (ADR 40)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import quality as ev
from mes.platform.events import record_event
from mes.platform.schemas import format_decimal as fmt
from mes.services.quality import clients
from mes.services.quality.clients import Caller
from mes.services.quality.errors import InvalidDisposition, InvalidState, SignatureRejected
from mes.services.quality.models import Ncr
from mes.services.quality.queries import ncr_by_number, ncr_read
from mes.services.quality.schemas import DispositionIn, NcrClose, NcrCreate, NcrRead
from mes.services.quality.service.common import audit, next_number
from mes.services.quality.service.tasks import check_signature

RECORD_TYPE = "quality.ncr"


async def open_ncr(
    session: AsyncSession,
    actor: str,
    *,
    title: str,
    evidence: dict[str, Any],
    item: str | None,
    work_order: str | None,
    operation: str | None,
    lots: list[str],
    hold_work_order: bool,
) -> Ncr:
    """Opens the NCR and asks material and work orders to hold what it names (their handlers act)."""
    number = await next_number(session, "NCR")
    held = sorted(set(lots))
    ncr = Ncr(
        number=number,
        status="open",
        title=title[:200],
        item=item,
        work_order=work_order,
        operation=operation,
        evidence=evidence,
        held_lots=held,
        work_order_held=hold_work_order and work_order is not None,
        opened_by=actor,
        opened_at=datetime.now(UTC),
    )
    session.add(ncr)
    await session.flush()
    for lot in held:
        await record_event(
            session,
            ev.LotHoldRequested(lot_code=lot, reason=title[:200], reference=number, requested_by=actor),
        )
    if ncr.work_order_held and work_order is not None:
        await record_event(
            session,
            ev.WorkOrderHoldRequested(
                work_order=work_order, reason=title[:200], reference=number, requested_by=actor
            ),
        )
    await record_event(
        session,
        ev.NcrOpened(
            ncr=number, title=ncr.title, item=item, work_order=work_order, operation=operation,
            held_lots=held, opened_by=actor,
        ),
    )  # fmt: skip
    await audit(session, actor, "ncr.opened", "ncr", number, new=ncr.content())
    return ncr


async def raise_ncr(session: AsyncSession, data: NcrCreate, caller: Caller) -> NcrRead:
    for lot in data.lots:  # an unknown lot is refused here (404), not left to a hold that can't happen
        await clients.lot(caller, lot)
    ncr = await open_ncr(
        session,
        caller.subject,
        title=data.title,
        evidence={"source": "manual", "description": data.description},
        item=data.item,
        work_order=data.work_order,
        operation=data.operation,
        lots=data.lots,
        hold_work_order=data.work_order is not None,
    )
    return ncr_read(ncr)


async def _release(session: AsyncSession, lot: str, ncr: Ncr, why: str, actor: str) -> None:
    await record_event(
        session, ev.LotReleaseRequested(lot_code=lot, reason=why, reference=ncr.number, requested_by=actor)
    )


GONE = ("scrapped", "consumed", "shipped")


@dataclass(frozen=True, slots=True)
class _Rework:
    work_order: str
    operation: str
    to: str
    quantity: Decimal
    done: list[str]  # rework operations already inserted for this NCR (a retry after a lost answer)


def _open(ncr: Ncr) -> None:
    if ncr.status != "open":
        raise InvalidState(f"{ncr.number} is {ncr.status}; only an open NCR is dispositioned.")


def _rework_reason(ncr: Ncr, data: DispositionIn) -> str:
    return f"{ncr.number} rework: {data.reason}"[:500]


async def _held(caller: Caller, ncr: Ncr) -> list[clients.LotInfo]:
    return [await clients.lot(caller, code) for code in ncr.held_lots]


async def _prepare_rework(ncr: Ncr, data: DispositionIn, caller: Caller) -> _Rework:
    """Everything a rework needs, checked before anything is signed or changed."""
    if ncr.work_order is None or ncr.operation is None:
        raise InvalidDisposition(
            f"{ncr.number} is on no work order's operation: there is no operation to rework it at."
        )
    assert data.rework_operation is not None
    order = await clients.work_order(caller, ncr.work_order)
    if order.status not in ("released", "in_progress", "on_hold"):
        raise InvalidState(
            f"Work order {order.number} is {order.status.replace('_', ' ')}: nothing can go back to rework."
        )
    ops = {o.key: o for o in order.operations}
    sender = ops.get(ncr.operation)
    if sender is None:
        raise InvalidDisposition(
            f"Work order {order.number} has no operation {ncr.operation}.", code="unknown_operation",
            operation=ncr.operation,
        )  # fmt: skip
    target = ops.get(data.rework_operation)
    if target is None:
        raise InvalidDisposition(
            f"Work order {order.number} has no operation {data.rework_operation}.", code="unknown_operation",
            operation=data.rework_operation,
        )  # fmt: skip
    if target.position > sender.position:
        raise InvalidDisposition(f"{target.key} comes after {sender.key}; rework goes back.")
    reason = _rework_reason(ncr, data)
    done = [o.key for o in order.operations if o.origin == "rework" and o.reason == reason]
    quantity = data.rework_quantity
    if quantity is None:
        quantity = sum(
            (lot.quantity for lot in await _held(caller, ncr) if lot.status not in GONE), Decimal(0)
        )
        if quantity <= 0:
            raise InvalidDisposition(f"{ncr.number} holds no quantity; name the quantity to rework.")
    if not done and quantity > sender.good:
        raise InvalidDisposition(
            f"{sender.key} reported {fmt(sender.good)} good; {fmt(quantity)} can't go back to rework.",
            good=fmt(sender.good),
        )
    return _Rework(order.number, sender.key, target.key, quantity, done)


async def _prepare_return(ncr: Ncr, data: DispositionIn, caller: Caller) -> list[tuple[clients.LotInfo, str]]:
    """The held lots that go back, each with the supplier who takes it."""
    out = []
    for lot in await _held(caller, ncr):
        if lot.status in GONE or lot.quantity <= 0:
            continue
        supplier = data.supplier or lot.supplier
        if supplier is None:
            raise InvalidDisposition(
                f"Lot {lot.code} has no supplier on record; name the supplier it goes back to.", lot=lot.code
            )
        out.append((lot, supplier))
    if not out:
        raise InvalidDisposition(f"{ncr.number} holds no stock to return to a supplier.")
    return out


async def disposition_ncr(session: AsyncSession, number: str, data: DispositionIn, caller: Caller) -> NcrRead:
    """Peek, ask, lock, check again, act (ADR 35, ADR 40): what the disposition needs from work
    orders, material and auth is asked before the NCR's row is locked; the acting calls (scrap,
    split, ship, rework) are made under it, idempotent by keys derived from the NCR's number."""
    peeked = await ncr_by_number(session, number)
    _open(peeked)
    content = peeked.content()
    if data.disposition == "partial":
        if data.lot not in peeked.held_lots:
            raise InvalidDisposition(f"Lot {data.lot} is not held by {number}.", lot=data.lot)
    elif data.disposition in ("scrap", "use_as_is") and not peeked.held_lots and not peeked.work_order_held:
        raise InvalidDisposition(f"{number} holds nothing to {data.disposition.replace('_', ' ')}.")
    rework = await _prepare_rework(peeked, data, caller) if data.disposition == "rework" else None
    returns = await _prepare_return(peeked, data, caller) if data.disposition == "return_to_supplier" else []
    # the signature is checked before anything is changed anywhere
    signer = await check_signature(caller, data.signature_id, RECORD_TYPE, number, content)
    ncr = await ncr_by_number(session, number, lock=True)
    _open(ncr)
    if ncr.content() != content:
        raise SignatureRejected(
            "The NCR changed while it was being signed; sign it again.", reason="content_changed"
        )
    why = f"{number} {data.disposition.replace('_', ' ')}: {data.reason}"[:2000]
    actor = caller.subject
    outcome: dict[str, Any] = {"disposition": data.disposition, "reason": data.reason, "signed_by": signer}
    lots = list(ncr.held_lots)
    if data.disposition == "use_as_is":
        for lot in lots:
            await _release(session, lot, ncr, why, actor)
        outcome["released"] = lots
    elif data.disposition == "scrap":
        scrapped = []
        for lot in lots:
            info = await clients.lot(caller, lot)
            if info.quantity > 0 and info.status not in ("scrapped", "consumed"):
                await clients.scrap(caller, lot, info.quantity, why, f"{number}:scrap:{lot}")
                scrapped.append({"lot": lot, "quantity": str(info.quantity), "uom": info.uom})
        outcome["scrapped"] = scrapped
    elif data.disposition == "partial":
        assert data.lot is not None
        assert data.scrap_quantity is not None
        info = await clients.lot(caller, data.lot)
        if data.scrap_quantity >= info.quantity:
            raise InvalidDisposition(
                f"Scrapping {data.scrap_quantity} of {info.quantity} {info.uom} is not a partial disposition; scrap it.",
            )
        child = await clients.split(caller, data.lot, data.scrap_quantity, f"{number}:split:{data.lot}")
        await clients.scrap(caller, child.code, data.scrap_quantity, why, f"{number}:scrap:{child.code}")
        for lot in lots:
            await _release(session, lot, ncr, why, actor)
        outcome.update(
            split_lot=child.code,
            scrapped=[{"lot": child.code, "quantity": str(data.scrap_quantity), "uom": info.uom}],
            released=lots,
            released_quantity=str(info.quantity - data.scrap_quantity),
        )
    elif data.disposition == "return_to_supplier":
        returned = []
        for info, supplier in returns:
            await clients.ship(
                caller, info.code, info.quantity, supplier, number, f"{number}:return:{info.code}"
            )
            returned.append(
                {"lot": info.code, "quantity": str(info.quantity), "uom": info.uom, "supplier": supplier}
            )
        outcome["returned"] = returned
    else:  # rework: work orders inserts the operations that run again; the lots stay held
        assert rework is not None
        inserted = rework.done
        if not inserted:
            order = await clients.rework(
                caller, rework.work_order, rework.operation, rework.to, rework.quantity,
                _rework_reason(ncr, data), f"{number}:rework",
            )  # fmt: skip
            inserted = [
                o.key
                for o in order.operations
                if o.origin == "rework" and o.reason == _rework_reason(ncr, data)
            ]
        outcome["rework"] = {
            "work_order": rework.work_order, "from": rework.operation, "to": rework.to,
            "quantity": fmt(rework.quantity), "operations": inserted,
        }  # fmt: skip
        outcome["held"] = lots
    if ncr.work_order_held and ncr.work_order is not None:
        await record_event(
            session,
            ev.WorkOrderReleaseRequested(
                work_order=ncr.work_order, reason=why, reference=number, requested_by=actor
            ),
        )
    old = ncr.content()
    ncr.status = "dispositioned"
    ncr.disposition = outcome
    ncr.signature_id = data.signature_id
    ncr.dispositioned_at = datetime.now(UTC)
    await audit(
        session, actor, "ncr.dispositioned", "ncr", number, old=old,
        new={**outcome, "signature_id": str(data.signature_id)}, reason=data.reason,
    )  # fmt: skip
    await record_event(
        session,
        ev.NcrDispositioned(
            ncr=number,
            disposition=data.disposition,
            lots=lots,
            signature_id=str(data.signature_id),
            signed_by=actor,
        ),
    )
    return ncr_read(ncr)


async def close_ncr(session: AsyncSession, number: str, data: NcrClose, actor: str) -> NcrRead:
    ncr = await ncr_by_number(session, number, lock=True)
    if ncr.status != "dispositioned":
        raise InvalidState(f"{number} is {ncr.status}; an NCR is closed after its disposition.")
    ncr.status = "closed"
    ncr.closed_at = datetime.now(UTC)
    await audit(
        session, actor, "ncr.closed", "ncr", number, old={"status": "dispositioned"}, reason=data.reason
    )
    await record_event(session, ev.NcrClosed(ncr=number, closed_by=actor))
    return ncr_read(ncr)
