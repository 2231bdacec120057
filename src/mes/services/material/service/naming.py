"""Naming produced lots and serials by their item's rule (`Item.lot_pattern`, ADR 28)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.schemas import CODE_PATTERN
from mes.services.material.errors import InvalidItem
from mes.services.material.models import DEFAULT_LOT_PATTERN, Item, Lot, LotSequence, render_lot_code
from mes.services.material.service.ledger import today


async def next_lot_code(session: AsyncSession, item: Item, work_order: str | None) -> str:
    """The next free code by the item's pattern; `{seq}` counts per item within the rest of the
    pattern's rendering (a pattern with {yyMMdd} starts again at 1 every day)."""
    pattern = item.lot_pattern or DEFAULT_LOT_PATTERN
    on = today()
    scope = render_lot_code(pattern, item.code, work_order, on, None)[:100]
    for _ in range(1000):  # skips codes already taken by hand
        seq = await session.scalar(
            insert(LotSequence)
            .values(item_id=item.id, scope=scope, last=1)
            .on_conflict_do_update(
                index_elements=[LotSequence.item_id, LotSequence.scope], set_={"last": LotSequence.last + 1}
            )
            .returning(LotSequence.last)
        )
        assert seq is not None
        code = render_lot_code(pattern, item.code, work_order, on, seq)
        if not re.fullmatch(CODE_PATTERN, code):
            raise InvalidItem(f"{item.code}'s lot pattern {pattern} makes {code!r}, which is not a lot code.")
        if await session.scalar(select(Lot.id).where(Lot.code == code)) is None:
            return code
    raise InvalidItem(f"{item.code}'s lot pattern {pattern} finds no free code.")
