"""Dead letters: discarded (or replayed, for what can be sent again) by a person; audited."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.integration.errors import DeadLetterNotFound, LetterClosed
from mes.services.integration.models import DeadLetter
from mes.services.integration.service.machines import now


async def open_letter(session: AsyncSession, letter_id: uuid.UUID) -> DeadLetter:
    row = await session.get(DeadLetter, letter_id, with_for_update=True)
    if row is None:
        raise DeadLetterNotFound(f"No dead letter {letter_id}.")
    if row.status != "open":
        raise LetterClosed(f"The dead letter is {row.status} already.")
    return row


async def discard(session: AsyncSession, letter_id: uuid.UUID, actor: str) -> None:
    row = await open_letter(session, letter_id)
    row.status, row.replayed_at = "discarded", now()
    await append_audit(session, actor=actor, action="dead_letter.discarded", entity_type="dead_letter",
                       entity_id=str(row.id), old={"status": "open"}, new={"status": "discarded"})
