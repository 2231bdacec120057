"""Lot status: hold, release, quarantine, by people and by quality events; audited."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import material as ev
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.material.errors import InvalidStatusChange
from mes.services.material.models import Item
from mes.services.material.queries import lot_read
from mes.services.material.schemas import LotRead
from mes.services.material.service.ledger import book, lot_for_update

_TRANSITIONS = {
    "hold": ({"available", "quarantine"}, "on_hold"),
    "release": ({"on_hold", "quarantine"}, "available"),
}


async def change_status(session: AsyncSession, code: str, action: str, reason: str, actor: str) -> LotRead:
    """Hold or release a lot; holding a held lot again, or releasing a free one, is a no-op."""
    allowed, target = _TRANSITIONS[action]
    lot = await lot_for_update(session, code)
    if lot.status == target:
        return await lot_read(session, lot)
    if lot.status not in allowed:
        raise InvalidStatusChange(f"A {lot.status.replace('_', ' ')} lot can't be {action}ed.")
    old = lot.status
    lot.status = target
    lot.hold_reason = reason if target == "on_hold" else None
    item = await session.get(Item, lot.item_id)
    assert item is not None
    await book(session, lot, action, Decimal(0), actor, reason=reason)
    await append_audit(
        session,
        actor=actor,
        action=f"lot.{action}",
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
    return await lot_read(session, lot)
