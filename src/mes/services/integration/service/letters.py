"""Dead letters: replayed (ERP messages, webhook deliveries) or discarded by a person; audited."""

from __future__ import annotations

import base64
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.integration.clients.work_orders import Caller
from mes.services.integration.errors import DeadLetterNotFound, LetterClosed, NotReplayable
from mes.services.integration.models import DeadLetter
from mes.services.integration.service import erp, masterdata, webhooks
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
    await append_audit(
        session,
        actor=actor,
        action="dead_letter.discarded",
        entity_type="dead_letter",
        entity_id=str(row.id),
        old={"status": "open"},
        new={"status": "discarded"},
    )


async def replay(session: AsyncSession, letter_id: uuid.UUID, caller: Caller) -> None:
    """A webhook delivery is sent again; an ERP message is taken in again, as the person replaying
    it (after the master data it lacked was fixed, say). Machine messages can't be replayed: the
    session they belonged to is gone."""
    row = await open_letter(session, letter_id)
    if row.source == "webhook":
        await webhooks.replay(session, row, caller.subject)
        return
    if row.source != "erp":
        raise NotReplayable("A machine message can't be replayed; discard it once looked at.")
    raw = base64.b64decode(row.payload) if row.content_type.endswith(";base64") else row.payload.encode()
    fmt = "b2mml" if "xml" in row.content_type else "json"
    if masterdata.is_master_data(raw, fmt):
        await masterdata.take_master_data(session, caller, raw, fmt)
    else:
        await erp.take_schedule(session, caller, raw, fmt)
    row.status, row.replayed_at = "replayed", now()
    await append_audit(
        session,
        actor=caller.subject,
        action="dead_letter.replayed",
        entity_type="dead_letter",
        entity_id=str(row.id),
        old={"status": "open"},
        new={"status": "replayed"},
    )
