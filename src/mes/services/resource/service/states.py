"""Changing an equipment's state: the history stays gap-free and overlap-free.

Every change (operator, machine or system) runs under the equipment's row lock, so changes to
one equipment are serialised across processes; a report at time t lands in the interval that
contains t and splits it, so late and out-of-order reports end up where they belong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import DowntimeRecorded, EquipmentStateChanged
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import InvalidStateChange
from mes.services.resource.models import Downtime, Equipment, EquipmentState, StateReport
from mes.services.resource.models.states import MEANING, UNAVAILABLE
from mes.services.resource.vocabulary import Source, State

NOTIFY_CHANNEL = "mes_resource_state"
MAX_CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Change:
    state: State
    at: datetime
    source: Source
    actor: str
    reason_code: str | None = None
    source_ref: str | None = None
    comment: str | None = None
    unqualified: bool = False  # a downtime the system started (no signal)


def now() -> datetime:
    return datetime.now(UTC)


async def _containing(session: AsyncSession, eq: Equipment, at: datetime) -> EquipmentState | None:
    # the last interval starting at or before `at` (one index probe); it holds `at` as there is no gap
    return await session.scalar(
        select(EquipmentState)
        .where(EquipmentState.equipment_id == eq.id, EquipmentState.started_at <= at)
        .order_by(EquipmentState.started_at.desc())
        .limit(1)
    )


async def _row(session: AsyncSession, eq: Equipment, **where: datetime) -> EquipmentState | None:
    ((column, value),) = where.items()
    return await session.scalar(
        select(EquipmentState).where(
            EquipmentState.equipment_id == eq.id, getattr(EquipmentState, column) == value
        )
    )


async def _first(session: AsyncSession, eq: Equipment) -> EquipmentState | None:
    return await session.scalar(
        select(EquipmentState)
        .where(EquipmentState.equipment_id == eq.id)
        .order_by(EquipmentState.started_at)
        .limit(1)
    )


async def _log_report(session: AsyncSession, eq: Equipment, c: Change) -> datetime | None:
    """Records the report; returns when the next report after it was made (None: none yet)."""
    await session.execute(
        insert(StateReport)
        .values(equipment_id=eq.id, at=c.at, state=c.state, source=c.source)
        .on_conflict_do_update(
            index_elements=["equipment_id", "at"], set_={"state": c.state, "source": c.source}
        )
    )
    return await session.scalar(
        select(func.min(StateReport.at)).where(StateReport.equipment_id == eq.id, StateReport.at > c.at)
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


async def _add(session: AsyncSession, row: EquipmentState, unqualified: bool = False) -> None:
    session.add(row)
    await session.flush()
    if row.state == "down":
        session.add(Downtime(equipment_id=row.equipment_id, state_id=row.id, unqualified=unqualified))
        await session.flush()


async def change_state(session: AsyncSession, eq: Equipment, c: Change) -> bool:
    """Put `c` into the history of `eq` (whose row the caller locked); False when nothing changed.

    A report at t falls into the interval [a, b) holding state x: it becomes [a, t) x, [t, e) new,
    [e, b) x, where e is the next report after t (or b); equal neighbours are then merged.
    """
    if c.at > now() + MAX_CLOCK_SKEW:
        raise InvalidStateChange(f"A state can't start in the future ({c.at.isoformat()}).")
    next_report = await _log_report(session, eq, c)
    containing = await _containing(session, eq, c.at)
    if containing is not None and containing.state == c.state:
        return False
    before = await _row(session, eq, ended_at=c.at)
    if containing is not None and containing.started_at < c.at:
        previous: str | None = containing.state
        changed_from = containing.started_at
    else:
        previous = before.state if before else None
        changed_from = before.started_at if before else c.at
    if containing is None:  # before the first known state, or no history yet
        first = await _first(session, eq)
        row = _new_row(eq, c, c.at, first.started_at if first else None)
        await _add(session, row, c.unqualified)
        window_end = row.ended_at
    else:
        window_end = containing.ended_at
        end = window_end if next_report is None else min(next_report, window_end or next_report)
        tail = None
        if end is not None and (window_end is None or end < window_end):
            tail = EquipmentState(
                equipment_id=eq.id,
                state=containing.state,
                started_at=end,
                ended_at=window_end,
                source=containing.source,
                reason_code=containing.reason_code,
                source_ref=containing.source_ref,
                actor=containing.actor,
            )
        if containing.started_at == c.at:  # two reports for one instant: the later one wins
            if containing.state == "down":
                await session.execute(delete(Downtime).where(Downtime.state_id == containing.id))
            containing.state, containing.source, containing.actor = c.state, c.source, c.actor
            containing.reason_code, containing.source_ref = c.reason_code, c.source_ref
            containing.ended_at = end
            await session.flush()
            row = containing
            if c.state == "down":
                session.add(Downtime(equipment_id=eq.id, state_id=row.id, unqualified=c.unqualified))
        else:
            containing.ended_at = c.at
            await session.flush()  # shorten first: the EXCLUDE constraint is checked at once
            row = _new_row(eq, c, c.at, end)
            await _add(session, row, c.unqualified)
        if tail is not None:
            await _add(session, tail)
    row = await _merge(session, eq, row)
    await _refresh_current(session, eq)
    await _announce(session, eq, row, previous, c)
    await _announce_downtimes(session, eq, changed_from, window_end)
    # the "no gap" check is deferred; run it now so a broken history fails this change, not a later one
    await session.execute(text("SET CONSTRAINTS equipment_state_contiguous IMMEDIATE"))
    await session.execute(text("SET CONSTRAINTS equipment_state_contiguous DEFERRED"))
    return True


async def _merge(session: AsyncSession, eq: Equipment, row: EquipmentState) -> EquipmentState:
    """Joins the new `row` with equal neighbours; the neighbour survives (with its downtime record)."""
    nxt = await _row(session, eq, started_at=row.ended_at) if row.ended_at else None
    if nxt is not None and nxt.state == row.state:
        start = row.started_at
        await session.delete(row)
        await session.flush()
        nxt.started_at = start
        await session.flush()
        row = nxt
    prv = await _row(session, eq, ended_at=row.started_at)
    if prv is not None and prv.state == row.state:
        end = row.ended_at
        await session.delete(row)
        await session.flush()
        prv.ended_at = end
        await session.flush()
        return prv
    return row


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


async def _announce_downtimes(
    session: AsyncSession, eq: Equipment, start: datetime, end: datetime | None
) -> None:
    """Re-announces every closed stop within the part of the history that changed."""
    query = select(EquipmentState).where(
        EquipmentState.equipment_id == eq.id,
        EquipmentState.state == "down",
        EquipmentState.ended_at.is_not(None),
        EquipmentState.ended_at > start,
    )
    if end is not None:
        query = query.where(EquipmentState.started_at <= end)
    for row in await session.scalars(query):
        await announce_downtime(session, eq, row)


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
