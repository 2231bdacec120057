"""Corrective and preventive actions: opened for NCRs with an owner and a due date, worked through
actions (each with its owner, due date and done mark), checked for effectiveness, and closed under
an e-signature bound to the CAPA's content (verified with auth like an NCR's disposition)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import quality as ev
from mes.platform.events import record_event
from mes.services.quality.clients import Caller
from mes.services.quality.errors import InvalidCapa, InvalidState
from mes.services.quality.models import Capa, CapaAction
from mes.services.quality.queries import capa_actions, capa_by_number, capa_read, ncr_by_number
from mes.services.quality.schemas import (
    CapaActionDone,
    CapaActionIn,
    CapaCloseIn,
    CapaCreate,
    CapaRead,
    EffectivenessIn,
)
from mes.services.quality.service.common import audit, next_number
from mes.services.quality.service.tasks import check_signature

RECORD_TYPE = "quality.capa"


def _action_dict(a: CapaAction) -> dict[str, object]:
    return {
        "position": a.position,
        "description": a.description,
        "owner": a.owner,
        "due_on": a.due_on.isoformat(),
    }


async def open_capa(session: AsyncSession, data: CapaCreate, actor: str) -> CapaRead:
    ncrs = sorted(set(data.ncrs))
    for number in ncrs:  # an unknown NCR is a 404 before anything is written
        await ncr_by_number(session, number)
    number = await next_number(session, "CAPA")
    capa = Capa(
        number=number,
        status="open",
        title=data.title,
        problem=data.problem,
        ncrs=ncrs,
        owner=data.owner,
        due_on=data.due_on,
        opened_by=actor,
        opened_at=datetime.now(UTC),
    )
    session.add(capa)
    await session.flush()
    actions = [
        CapaAction(capa_id=capa.id, position=i, description=a.description, owner=a.owner, due_on=a.due_on)
        for i, a in enumerate(data.actions, start=1)
    ]
    session.add_all(actions)
    await session.flush()
    await audit(session, actor, "capa.opened", "capa", number, new=capa.content(actions))
    await record_event(
        session,
        ev.CapaOpened(
            capa=number, title=capa.title, ncrs=ncrs, owner=capa.owner, due_on=capa.due_on.isoformat(),
            opened_by=actor,
        ),
    )  # fmt: skip
    return capa_read(capa, actions)


async def _open(session: AsyncSession, number: str) -> tuple[Capa, list[CapaAction]]:
    capa = await capa_by_number(session, number, lock=True)
    if capa.status != "open":
        raise InvalidState(f"{number} is {capa.status}; a closed CAPA is not changed.")
    return capa, await capa_actions(session, capa)


async def add_action(session: AsyncSession, number: str, data: CapaActionIn, actor: str) -> CapaRead:
    capa, actions = await _open(session, number)
    position = (
        int(
            await session.scalar(
                select(func.coalesce(func.max(CapaAction.position), 0)).where(CapaAction.capa_id == capa.id)
            )
            or 0
        )
        + 1
    )
    action = CapaAction(
        capa_id=capa.id, position=position, description=data.description, owner=data.owner, due_on=data.due_on
    )
    session.add(action)
    # a new action means the earlier effectiveness check no longer covers everything done
    old_effectiveness = capa.effectiveness
    capa.effectiveness = None
    await session.flush()
    await audit(
        session, actor, "capa.action_added", "capa", number,
        old={"effectiveness": old_effectiveness}, new=_action_dict(action),
    )  # fmt: skip
    return capa_read(capa, [*actions, action])


async def complete_action(
    session: AsyncSession, number: str, position: int, data: CapaActionDone, actor: str
) -> CapaRead:
    capa, actions = await _open(session, number)
    action = next((a for a in actions if a.position == position), None)
    if action is None:
        raise InvalidCapa(f"{number} has no action {position}.", position=position)
    if action.done_at is not None:
        raise InvalidState(f"Action {position} of {number} is done already.")
    action.done_at = datetime.now(UTC)
    action.done_by = actor
    action.done_note = data.note or None
    await session.flush()
    await audit(
        session, actor, "capa.action_done", "capa", number,
        old={"position": position, "done": False}, new={"position": position, "done": True}, reason=data.note or None,
    )  # fmt: skip
    return capa_read(capa, actions)


async def check_effectiveness(
    session: AsyncSession, number: str, data: EffectivenessIn, actor: str
) -> CapaRead:
    capa, actions = await _open(session, number)
    if not actions:
        raise InvalidCapa(f"{number} has no actions; there is nothing to check yet.")
    undone = [a.position for a in actions if a.done_at is None]
    if undone:
        raise InvalidState(
            f"Effectiveness is checked after every action is done; open: {', '.join(map(str, undone))}.",
            open_actions=undone,
        )
    old = capa.effectiveness
    capa.effectiveness = {
        "effective": data.effective,
        "note": data.note,
        "checked_by": actor,
        "checked_at": datetime.now(UTC).isoformat(),
    }
    await session.flush()
    await audit(session, actor, "capa.effectiveness_checked", "capa", number, old=old, new=capa.effectiveness)
    return capa_read(capa, actions)


async def close_capa(session: AsyncSession, number: str, data: CapaCloseIn, caller: Caller) -> CapaRead:
    capa, actions = await _open(session, number)
    if any(a.done_at is None for a in actions):
        raise InvalidState(f"{number} has open actions; it is closed when every action is done.")
    if not capa.effectiveness or capa.effectiveness.get("effective") is not True:
        raise InvalidState(f"{number} is closed after an effectiveness check found the actions effective.")
    content = capa.content(actions)
    # the signature is checked before anything changes
    signer = await check_signature(caller, data.signature_id, RECORD_TYPE, number, content)
    capa.status = "closed"
    capa.signature_id = data.signature_id
    capa.closed_by = caller.subject
    capa.closed_at = datetime.now(UTC)
    capa.closure_reason = data.reason
    await session.flush()
    await audit(
        session, caller.subject, "capa.closed", "capa", number, old={"status": "open"},
        new={"status": "closed", "signature_id": str(data.signature_id), "signed_by": signer}, reason=data.reason,
    )  # fmt: skip
    await record_event(
        session,
        ev.CapaClosed(
            capa=number, ncrs=capa.ncrs, effective=True, signature_id=str(data.signature_id),
            closed_by=caller.subject,
        ),
    )  # fmt: skip
    return capa_read(capa, actions)
