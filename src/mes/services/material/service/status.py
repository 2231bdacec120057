"""Lot status: hold, release, quarantine, by people and by quality events; audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.audit import append_audit
from mes.platform.db import Database
from mes.platform.events import record_event
from mes.platform.workers import Periodic
from mes.services.material.errors import InvalidStatusChange
from mes.services.material.models import Item, Lot
from mes.services.material.queries import lot_read
from mes.services.material.schemas import LotRead
from mes.services.material.service.ledger import book, lot_for_update, today
from mes.services.material.vocabulary import LotStatus, MovementKind, StatusAction

_TRANSITIONS: dict[StatusAction, tuple[frozenset[LotStatus], LotStatus]] = {
    "hold": (frozenset({"available", "quarantine"}), "on_hold"),
    "release": (frozenset({"on_hold", "quarantine"}), "available"),
}

log = structlog.get_logger("mes.material")


async def _set_status(
    session: AsyncSession,
    lot: Lot,
    target: LotStatus,
    kind: MovementKind,
    audit_action: str,
    actor: str,
    reason: str,
) -> None:
    """One status change, the same way for people, quality events and expiry: a ledger line of
    quantity 0 (the lot's history), the audit trail, and `lot_status_changed` for the others."""
    item = await session.get(Item, lot.item_id)
    assert item is not None
    old, lot.status = lot.status, target
    await book(session, lot, kind, Decimal(0), actor, reason=reason)
    await append_audit(
        session,
        actor=actor,
        action=audit_action,
        entity_type="lot",
        entity_id=lot.code,
        old={"status": old},
        new={"status": target},
        reason=reason,
    )
    await record_event(
        session,
        ev.LotStatusChanged(
            lot_code=lot.code,
            item_code=item.code,
            uom=item.uom,
            actor=actor,
            old_status=old,
            new_status=target,
            reason=reason,
        ),
    )


async def change_status(
    session: AsyncSession,
    code: str,
    action: StatusAction,
    reason: str,
    actor: str,
    *,
    requested_at: datetime | None = None,
) -> LotRead:
    """Hold or release a lot; holding a held lot again, or releasing a free one, is a no-op.

    `requested_at`: when quality asked (its event's time). A request older than the last one
    applied is superseded: events reordered on the way end as they were sent."""
    allowed, target = _TRANSITIONS[action]
    lot = await lot_for_update(session, code)
    if requested_at is not None:
        if lot.quality_decided_at is not None and requested_at <= lot.quality_decided_at:
            log.info("quality_request_superseded", lot=code, action=action, requested_at=requested_at)
            return await lot_read(session, lot)
        lot.quality_decided_at = requested_at
    if lot.status == target:
        return await lot_read(session, lot)
    if lot.status not in allowed:
        raise InvalidStatusChange(f"A {lot.status.replace('_', ' ')} lot can't be {action}ed.")
    lot.hold_reason = reason if target == "on_hold" else None
    await _set_status(session, lot, target, action, f"lot.{action}", actor, reason)
    return await lot_read(session, lot)


async def expire_lots(session: AsyncSession, on: date) -> list[str]:
    """Lots whose expiry date has passed become `expired` (from available or quarantine; a held
    lot stays held until quality decides): audited, in the ledger and published."""
    lots = list(
        await session.scalars(
            select(Lot)
            .where(Lot.expires_on < on, Lot.status.in_(("available", "quarantine")))
            .order_by(Lot.code)
            .with_for_update(skip_locked=True)  # a lot being booked right now is expired next time
        )
    )
    for lot in lots:
        assert lot.expires_on is not None
        reason = f"Expired on {lot.expires_on.isoformat()}"
        await _set_status(session, lot, "expired", "expire", "lot.expired", "system", reason)
    return [lot.code for lot in lots]


class LotExpiry(Periodic):
    """Background worker: expires lots past their date, at start and then every ten minutes."""

    name = "material-lot-expiry"

    def __init__(self, db: Database) -> None:
        super().__init__(db, interval_s=600.0)

    async def step(self) -> list[str]:
        async with self.db.transaction() as session:
            return await expire_lots(session, today())
