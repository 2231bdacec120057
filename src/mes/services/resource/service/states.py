"""Changing an equipment's state: the history stays gap-free and overlap-free.

Every change (operator, machine or system) runs under the equipment's row lock, so changes to
one equipment are serialised across processes; a report at time t lands in the interval that
contains t and splits it, so late and out-of-order reports end up where they belong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import DowntimeRecorded, EquipmentStateChanged
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import InvalidStateChange
from mes.services.resource.models import Downtime, Equipment, EquipmentState
from mes.services.resource.models.states import MEANING, UNAVAILABLE

NOTIFY_CHANNEL = "mes_resource_state"
MAX_CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Change:
    state: str
    at: datetime
    source: str  # operator | machine | system
    actor: str
    reason_code: str | None = None
    source_ref: str | None = None
    comment: str | None = None
    unqualified: bool = False  # a downtime the system started (no signal)


def now() -> datetime:
    return datetime.now(UTC)


async def _containing(session: AsyncSession, eq: Equipment, at: datetime) -> EquipmentState | None:
    return await session.scalar(
        select(EquipmentState).where(
            EquipmentState.equipment_id == eq.id,
            EquipmentState.started_at <= at,
            (EquipmentState.ended_at.is_(None)) | (EquipmentState.ended_at > at),
        )
    )


async def _starting(session: AsyncSession, eq: Equipment, at: datetime | None) -> EquipmentState | None:
    if at is None:
        return None
    return await session.scalar(
        select(EquipmentState).where(EquipmentState.equipment_id == eq.id, EquipmentState.started_at == at)
    )


async def _first(session: AsyncSession, eq: Equipment) -> EquipmentState | None:
    return await session.scalar(
        select(EquipmentState)
        .where(EquipmentState.equipment_id == eq.id)
        .order_by(EquipmentState.started_at)
        .limit(1)
    )


def _new_row(eq: Equipment, c: Change, start: datetime, end: datetime | None) -> EquipmentState:
    return EquipmentState(
        equipment_id=eq.id,
        state=c.state,
        started_at=start,
        ended_at=end,
        source=c.source,
        reason_code=c.reason_code,
        source_ref=c.source_ref,
        actor=c.actor,
    )


async def change_state(session: AsyncSession, eq: Equipment, c: Change) -> bool:
    """Put `c` into the history of `eq` (whose row the caller locked); False when nothing changed."""
    if c.at > now() + MAX_CLOCK_SKEW:
        raise InvalidStateChange(f"A state can't start in the future ({c.at.isoformat()}).")
    touched: list[EquipmentState] = []  # rows whose bounds moved: their downtime is re-announced
    created: EquipmentState | None = None
    containing = await _containing(session, eq, c.at)
    previous: str | None = None
    if containing is None:
        first = await _first(session, eq)
        if first is not None and first.state == c.state:
            first.started_at = c.at
            row = first
            touched.append(first)
        else:
            row = created = _new_row(eq, c, c.at, first.started_at if first else None)
    elif containing.state == c.state:
        return False
    elif containing.started_at == c.at:
        # two reports for one instant: the later one wins
        before = await session.scalar(
            select(EquipmentState).where(
                EquipmentState.equipment_id == eq.id, EquipmentState.ended_at == c.at
            )
        )
        previous = before.state if before else None
        if containing.state == "down":
            await session.execute(delete(Downtime).where(Downtime.state_id == containing.id))
        containing.state, containing.source, containing.actor = c.state, c.source, c.actor
        containing.reason_code, containing.source_ref = c.reason_code, c.source_ref
        row = containing
        if c.state == "down":
            await session.flush()
            session.add(Downtime(equipment_id=eq.id, state_id=row.id, unqualified=c.unqualified))
    else:
        previous = containing.state
        end = containing.ended_at
        containing.ended_at = c.at
        touched.append(containing)
        await session.flush()  # shorten first: the EXCLUDE constraint is checked at once
        nxt = await _starting(session, eq, end)
        if nxt is not None and nxt.state == c.state:
            nxt.started_at = c.at
            row = nxt
            touched.append(nxt)
        else:
            row = created = _new_row(eq, c, c.at, end)
    if created is not None:
        session.add(created)
        await session.flush()
        if created.state == "down":
            session.add(Downtime(equipment_id=eq.id, state_id=created.id, unqualified=c.unqualified))
            touched.append(created)
    await session.flush()
    await _refresh_current(session, eq)
    await _announce(session, eq, row, previous, c)
    for t in touched:
        if t.state == "down" and t.ended_at is not None:
            await announce_downtime(session, eq, t)
    # the "no gap" check is deferred; run it now so a broken history fails this change, not a later one
    await session.execute(text("SET CONSTRAINTS equipment_state_contiguous IMMEDIATE"))
    await session.execute(text("SET CONSTRAINTS equipment_state_contiguous DEFERRED"))
    return True


async def _refresh_current(session: AsyncSession, eq: Equipment) -> None:
    current = await session.scalar(
        select(EquipmentState).where(EquipmentState.equipment_id == eq.id, EquipmentState.ended_at.is_(None))
    )
    eq.state = current.state if current else None
    eq.state_since = current.started_at if current else None


async def _announce(
    session: AsyncSession, eq: Equipment, row: EquipmentState, previous: str | None, c: Change
) -> None:
    meaning = MEANING[c.state]
    event = EquipmentStateChanged(
        equipment_id=eq.id,
        equipment_code=eq.code,
        path=eq.path,
        state=c.state,
        previous_state=previous,
        started_at=c.at,
        source=c.source,
        reason_code=c.reason_code,
        available=c.state not in UNAVAILABLE,
        ended_at=row.ended_at,
        opc_state=meaning.opc_item_state,
        iso22400_element=meaning.iso22400,
    )
    await record_event(session, event)
    await append_audit(
        session,
        actor=c.actor,
        action="equipment.state_changed",
        entity_type="equipment",
        entity_id=eq.code,
        old={"state": previous},
        new={
            "state": c.state,
            "at": c.at.isoformat(),
            "until": row.ended_at.isoformat() if row.ended_at else None,
            "source": c.source,
            "reason_code": c.reason_code,
            "source_ref": c.source_ref,
        },
        reason=c.comment,
    )
    # delivered by PostgreSQL to every replica's listeners only if this transaction commits
    payload = event.model_dump(mode="json", include=set(_BOARD_FIELDS))
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": NOTIFY_CHANNEL, "payload": json.dumps(payload)},
    )


_BOARD_FIELDS = (
    "equipment_code",
    "path",
    "state",
    "previous_state",
    "started_at",
    "ended_at",
    "source",
    "reason_code",
    "available",
)


async def announce_downtime(session: AsyncSession, eq: Equipment, row: EquipmentState) -> None:
    dt = await session.scalar(select(Downtime).where(Downtime.state_id == row.id))
    if dt is None or row.ended_at is None:
        return
    micro_s, _ = await queries.thresholds(session, eq)
    duration = int((row.ended_at - row.started_at).total_seconds())
    await record_event(
        session,
        DowntimeRecorded(
            downtime_id=dt.id,
            equipment_id=eq.id,
            equipment_code=eq.code,
            path=eq.path,
            started_at=row.started_at,
            ended_at=row.ended_at,
            duration_s=duration,
            micro_stop=duration < micro_s,
            unqualified=dt.unqualified,
            reason_code=dt.reason_code,
        ),
    )
