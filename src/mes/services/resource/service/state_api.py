"""State use cases as people, machines and readers see them."""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.auth import Principal
from mes.platform.errors import a_an
from mes.services.resource import queries
from mes.services.resource.errors import EquipmentNotFound, InvalidStateChange
from mes.services.resource.models import Downtime, Equipment, EquipmentState, ReasonCode, UsageCounter
from mes.services.resource.models.states import MEANING, NO_SIGNAL_REASON, UNAVAILABLE
from mes.services.resource.schemas.states import (
    BoardEntry,
    CurrentState,
    StateChange,
    StateHistory,
    StateInterval,
)
from mes.services.resource.service.maintenance import raise_due_orders
from mes.services.resource.service.states import Change, change_state, now

log = structlog.get_logger("mes.resource")


async def set_state(session: AsyncSession, code: str, body: StateChange, who: Principal) -> CurrentState:
    eq = await queries.equipment(session, code, lock=True)
    if eq.level in ("enterprise", "site", "area"):
        raise InvalidStateChange(f"{code} is {a_an(eq.level)}: states belong to work centers and equipment.")
    change = Change(
        state=body.state,
        at=body.at or now(),
        source="operator",
        actor=who.subject,
        reason_code=body.reason_code,
        comment=body.comment,
    )
    if await change_state(session, eq, change) and body.state == "down" and body.reason_code:
        await _classify_at_once(session, eq, change)
    return await current(session, code)


async def _classify_at_once(session: AsyncSession, eq: Equipment, change: Change) -> None:
    """An operator who reports a stop with a reason of the site's tree has classified it."""
    site = next((n for n in await queries.lineage(session, eq) if n.level == "site"), None)
    known = site is not None and await session.scalar(
        select(ReasonCode.id).where(ReasonCode.site_id == site.id, ReasonCode.code == change.reason_code)
    )
    downtime = await session.scalar(
        select(Downtime)
        .join(EquipmentState, EquipmentState.id == Downtime.state_id)
        .where(EquipmentState.equipment_id == eq.id, EquipmentState.started_at <= change.at)
        .order_by(EquipmentState.started_at.desc())
        .limit(1)
    )
    if known and downtime is not None and downtime.reason_code is None:
        downtime.reason_code, downtime.classified_by = change.reason_code, change.actor
        downtime.classified_at = now()


async def machine_reported(session: AsyncSession, event: MachineStateReported) -> None:
    try:
        eq = await queries.equipment(session, event.equipment_code, lock=True)
    except EquipmentNotFound:
        # a machine the plant model doesn't know yet: nothing to record, and no reason to retry
        log.warning("machine_state_for_unknown_equipment", equipment_code=event.equipment_code)
        return
    if eq.last_signal_at is None or event.at > eq.last_signal_at:
        eq.last_signal_at = event.at
    change = Change(
        state=event.state,
        at=event.at,
        source="machine",
        actor=f"machine:{eq.code}",
        source_ref=event.source_ref,
        reason_code=event.reason_code,
    )
    try:
        await change_state(session, eq, change)
    except InvalidStateChange as e:
        log.warning("machine_state_refused", equipment_code=eq.code, detail=e.detail)


async def current(session: AsyncSession, code: str) -> CurrentState:
    eq = await queries.equipment(session, code)
    row = await session.scalar(
        select(EquipmentState).where(EquipmentState.equipment_id == eq.id, EquipmentState.ended_at.is_(None))
    )
    meaning = MEANING[row.state] if row else None
    return CurrentState(
        equipment_code=eq.code,
        path=eq.path,
        state=row.state if row else None,
        since=row.started_at if row else None,
        source=row.source if row else None,
        reason_code=row.reason_code if row else None,
        available=row is None or row.state not in UNAVAILABLE,
        opc_item_state=meaning.opc_item_state if meaning else None,
        opc_operation_mode=meaning.opc_operation_mode if meaning else None,
        iso22400_element=meaning.iso22400 if meaning else None,
        last_signal_at=eq.last_signal_at,
    )


def interval(row: EquipmentState) -> StateInterval:
    meaning = MEANING[row.state]
    return StateInterval(
        state=row.state,
        started_at=row.started_at,
        ended_at=row.ended_at,
        source=row.source,
        reason_code=row.reason_code,
        source_ref=row.source_ref,
        opc_item_state=meaning.opc_item_state,
        opc_operation_mode=meaning.opc_operation_mode,
        iso22400_element=meaning.iso22400,
    )


async def history(session: AsyncSession, code: str, start: datetime, end: datetime) -> StateHistory:
    """Intervals overlapping [start, end), unclipped, oldest first."""
    if end <= start:
        raise InvalidStateChange("end must be after start.", code="invalid_interval")
    eq = await queries.equipment(session, code)
    rows = await session.scalars(
        select(EquipmentState)
        .where(
            EquipmentState.equipment_id == eq.id,
            EquipmentState.started_at < end,
            (EquipmentState.ended_at.is_(None)) | (EquipmentState.ended_at > start),
        )
        .order_by(EquipmentState.started_at)
        .limit(10_000)
    )
    return StateHistory(equipment_code=code, start=start, end=end, items=[interval(r) for r in rows])


async def board(session: AsyncSession, under: str | None) -> list[BoardEntry]:
    return [
        BoardEntry(
            equipment_code=eq.code,
            name=eq.name,
            level=eq.level,
            path=eq.path,
            state=eq.state,
            since=eq.state_since,
            available=eq.state not in UNAVAILABLE,
        )
        for eq in await queries.under(session, under)
    ]


async def counter_reported(session: AsyncSession, event: MachineCounterReported) -> UsageCounter | None:
    """Adds to the machine's counter; a counter is a sign of life, and of production after a silence."""
    try:
        eq = await queries.equipment(session, event.equipment_code, lock=True)
    except EquipmentNotFound:
        log.warning("machine_counter_for_unknown_equipment", equipment_code=event.equipment_code)
        return None
    if eq.last_signal_at is None or event.at > eq.last_signal_at:
        eq.last_signal_at = event.at
    counter = await session.get(UsageCounter, (eq.id, event.counter))
    if counter is None:
        counter = UsageCounter(equipment_id=eq.id, counter=event.counter, value=0)
        session.add(counter)
    counter.value += event.increment
    counter.updated_at = event.at
    if eq.state == "down" and event.increment > 0 and event.counter == "cycles":
        row = await session.scalar(
            select(EquipmentState).where(
                EquipmentState.equipment_id == eq.id, EquipmentState.ended_at.is_(None)
            )
        )
        if row is not None and row.reason_code == NO_SIGNAL_REASON and event.at > row.started_at:
            change = Change(state="running", at=event.at, source="system", actor="system:signal")
            await change_state(session, eq, change)
    await session.flush()
    await raise_due_orders(session, eq, event.at)
    return counter
