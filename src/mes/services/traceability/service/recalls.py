"""Recalls: from a suspect lot, every lot and serial it reached, where each is now, its mass balance,
and one call that holds everything still in stock through material."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.http import RemoteError
from mes.services.traceability import queries
from mes.services.traceability.clients import LotNow, Material
from mes.services.traceability.errors import NodeNotFound, RecallNotFound, RecallTooLarge
from mes.services.traceability.models import Recall, RecallHold
from mes.services.traceability.schemas import (
    AffectedLot,
    HoldAllRead,
    HoldOutcome,
    MassBalance,
    RecallCreate,
    RecallRead,
)

# material is asked about each affected lot, one call each: a recall wider than this is refused
MAX_AFFECTED = 2000
IN_STOCK = ("available", "quarantine", "on_hold", "expired")
HOLDABLE = ("available", "quarantine")


async def start_recall(session: AsyncSession, data: RecallCreate, actor: str) -> uuid.UUID:
    queries.check_window(data.window_from, data.window_to)
    if await session.scalar(text("SELECT 1 FROM node WHERE key = :k"), {"k": f"lot:{data.lot}"}) is None:
        raise NodeNotFound(f"No lot or serial {data.lot} in the genealogy.")
    recall = Recall(
        id=uuid.uuid4(),
        lot=data.lot,
        reason=data.reason,
        window_from=data.window_from,
        window_to=data.window_to,
        created_by=actor,
    )
    session.add(recall)
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="recall.started",
        entity_type="recall",
        entity_id=str(recall.id),
        new={"lot": data.lot, "window_from": _iso(data.window_from), "window_to": _iso(data.window_to)},
        reason=data.reason,
    )
    return recall.id


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


async def _recall(session: AsyncSession, recall_id: uuid.UUID) -> Recall:
    recall = await session.get(Recall, recall_id)
    if recall is None:
        raise RecallNotFound(f"No recall {recall_id}.")
    return recall


def _where(now: LotNow | None) -> str:
    if now is None:
        return "unknown"
    if now.status in IN_STOCK and now.quantity > 0:
        return "in_stock"
    if now.status in ("scrapped", "shipped"):
        return now.status
    return "consumed"


async def recall_report(session: AsyncSession, recall_id: uuid.UUID, material: Material) -> RecallRead:
    recall = await _recall(session, recall_id)
    reached = await queries.trace(
        session, recall.lot, "forward", depth=100, since=recall.window_from, until=recall.window_to
    )
    lots = [n for n in reached.nodes if n.kind in ("lot", "serial")]
    if len(lots) > MAX_AFFECTED:
        raise RecallTooLarge(
            f"The recall reaches {len(lots)} lots; at most {MAX_AFFECTED} are reported at once."
        )
    flows = await queries.flows(session, [n.code for n in lots])
    shipments = await queries.shipments(session, [n.code for n in lots])
    holds = {
        h.lot: h.outcome
        for h in await session.scalars(select(RecallHold).where(RecallHold.recall_id == recall.id))
    }
    affected: list[AffectedLot] = []
    for n in lots:
        now = await material.lot(n.code)
        f = flows.get(n.code, {})
        on_hand = now.quantity if now is not None else Decimal(0)
        received, adjusted = f.get("received", Decimal(0)), f.get("adjusted", Decimal(0))
        consumed, transferred, scrapped, shipped = (
            f.get(k, Decimal(0)) for k in ("consumed", "transferred", "scrapped", "shipped")
        )
        affected.append(
            AffectedLot(
                code=n.code,
                kind=n.kind,
                item=n.item,
                uom=n.uom,
                depth=n.depth,
                origin=n.origin,
                work_order=n.work_order,
                supplier=n.supplier,
                supplier_lot=n.supplier_lot,
                expires_on=n.expires_on,
                made_at=n.at,
                status=now.status if now is not None else "unknown",
                location=now.location if now is not None else None,
                where=_where(now),
                balance=MassBalance(
                    received=received,
                    consumed=consumed,
                    transferred=transferred,
                    scrapped=scrapped,
                    adjusted=adjusted,
                    on_hand=on_hand,
                    shipped=shipped,
                    difference=received + adjusted - consumed - transferred - scrapped - shipped - on_hand,
                ),
                hold=holds.get(n.code),
                shipments=shipments.get(n.code, []),
            )
        )
    return RecallRead(
        id=recall.id,
        lot=recall.lot,
        reason=recall.reason,
        window_from=recall.window_from,
        window_to=recall.window_to,
        created_by=recall.created_by,
        created_at=recall.created_at,
        affected=affected,
        in_stock=sum(1 for a in affected if a.where == "in_stock"),
        total_difference=sum((a.balance.difference for a in affected), Decimal(0)),
    )


async def hold_all(
    session: AsyncSession, recall_id: uuid.UUID, material: Material, actor: str
) -> HoldAllRead:
    """Hold, through material and as the caller, every affected lot still in stock; audited per lot."""
    report = await recall_report(session, recall_id, material)
    reason = f"Recall {report.id} of lot {report.lot}: {report.reason}"[:500]
    outcomes: list[HoldOutcome] = []
    for lot in report.affected:
        if lot.where != "in_stock":
            continue
        if lot.status == "on_hold":
            outcome, detail = "already_held", None
        elif lot.status not in HOLDABLE:
            outcome, detail = "refused", f"Lot {lot.code} is {lot.status}."
        else:
            try:
                await material.hold(lot.code, reason)
                outcome, detail = "held", None
            except RemoteError as e:
                if e.status >= 500 or e.status in (401, 403):
                    raise  # the caller may not hold, or material is down: nothing is half-done silently
                outcome, detail = "refused", e.detail
        outcomes.append(HoldOutcome(lot=lot.code, outcome=outcome, detail=detail))
        await session.execute(
            text(
                "INSERT INTO recall_hold (recall_id, lot, outcome, detail, actor) VALUES (:r, :l, :o, :d, :a)"
                " ON CONFLICT (recall_id, lot) DO UPDATE SET outcome = EXCLUDED.outcome,"
                " detail = EXCLUDED.detail, actor = EXCLUDED.actor, at = now()"
            ),
            {"r": report.id, "l": lot.code, "o": outcome, "d": detail, "a": actor},
        )
        await append_audit(
            session,
            actor=actor,
            action=f"recall.hold.{outcome}",
            entity_type="recall",
            entity_id=str(report.id),
            new={"lot": lot.code, "status_before": lot.status},
            reason=reason,
        )
    return HoldAllRead(
        recall=report.id, held=sum(1 for o in outcomes if o.outcome == "held"), outcomes=outcomes
    )
