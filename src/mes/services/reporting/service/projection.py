"""Events into read models: each projection is idempotent and independent of arrival order.

A change touches exactly the rows it concerns: a yield report its equipment x product x hour
bucket (and the old one when a correction moved it), a state event the part of the history it
is in force for, a classification one stop.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.integration import MachineCounterReported
from mes.contracts.resource import (
    DowntimeClassified,
    DowntimeRecorded,
    EquipmentRegistered,
    EquipmentStateChanged,
)
from mes.contracts.work_orders import OperationCompleted, OperationStarted, WorkOrderCompleted, YieldReported
from mes.platform.events import Event
from mes.services.reporting.models import (
    DowntimeRecord,
    EquipmentNode,
    LabourTime,
    MachineCount,
    OperationResult,
    OperationRun,
    OrderCompletion,
    ProductionHour,
    ReceivedEvent,
    StateInterval,
    StateSegment,
    YieldReport,
)
from mes.services.reporting.models.timeline import Segment, resolve
from mes.services.reporting.vocabulary import element_of

HOUR = timedelta(hours=1)


def floor_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


async def receive(session: AsyncSession, event: Event) -> None:
    """Keeps the event (the source of a rebuild), then projects it."""
    await session.execute(
        insert(ReceivedEvent)
        .values(
            event_id=event.event_id,
            topic=event.topic,
            occurred_at=event.occurred_at,
            payload=event.model_dump(mode="json"),
            received_at=func.clock_timestamp(),  # the instant, not the transaction's start: shift records
        )
        .on_conflict_do_nothing()
    )
    await project(session, event)


async def project(session: AsyncSession, event: Event) -> None:
    match event:
        case EquipmentRegistered():
            await _node(session, event.code, event.path, event.level, event.name)
        case EquipmentStateChanged():
            await _node(session, event.equipment_code, event.path)
            await _state(session, event)
        case DowntimeRecorded():
            await _node(session, event.equipment_code, event.path)
            await _downtime_recorded(session, event)
        case DowntimeClassified():
            await _downtime_reason(session, event.downtime_id, event.equipment_code, event.reason_code, event)
        case YieldReported():
            await _yield(session, event)
        case MachineCounterReported():
            await _counter(session, event)
        case OperationStarted():
            await _run_started(session, event)
        case OperationCompleted():
            await _operation_completed(session, event)
        case WorkOrderCompleted():
            await _order_completed(session, event)


async def _node(
    session: AsyncSession, code: str, path: str, level: str | None = None, name: str | None = None
) -> None:
    values: dict[str, Any] = {"code": code, "path": path, "level": level, "name": name}
    update_set: dict[str, Any] = {"path": path}
    if level is not None:
        update_set |= {"level": level, "name": name}
    await session.execute(
        insert(EquipmentNode).values(**values).on_conflict_do_update(index_elements=["code"], set_=update_set)
    )
    # its ancestors too, so a line or site is a scope even if their registration was never received
    parts = path.split("/")
    ancestors = [{"code": c, "path": "/".join(parts[: i + 1])} for i, c in enumerate(parts[:-1])]
    if ancestors:
        await session.execute(insert(EquipmentNode).values(ancestors).on_conflict_do_nothing())


# ------------------------------------------------------------------ states


async def _state(session: AsyncSession, e: EquipmentStateChanged) -> None:
    code, start = e.equipment_code, e.started_at
    exists = await session.scalar(select(StateSegment.event_id).where(StateSegment.event_id == e.event_id))
    if exists is not None:
        return
    later_open = await session.scalar(
        select(func.min(StateSegment.started_at)).where(
            StateSegment.equipment_code == code,
            StateSegment.ended_at.is_(None),
            StateSegment.started_at > start,
        )
    )
    ends = [t for t in (e.ended_at, later_open) if t is not None]
    eff_end = min(ends) if ends else None
    session.add(
        StateSegment(
            event_id=e.event_id,
            equipment_code=code,
            started_at=start,
            ended_at=e.ended_at,
            eff_end=eff_end,
            occurred_at=e.occurred_at,
            state=e.state,
            element=element_of(e.iso22400_element, e.state),
            reason_code=e.reason_code,
        )
    )
    if e.ended_at is None:  # an open state overrides every earlier one from its start on
        await session.execute(
            update(StateSegment)
            .where(
                StateSegment.equipment_code == code,
                StateSegment.started_at < start,
                or_(StateSegment.eff_end.is_(None), StateSegment.eff_end > start),
            )
            .values(eff_end=start)
        )
    await session.flush()
    await rebuild_history(session, code, start, eff_end)


async def rebuild_history(session: AsyncSession, code: str, start: datetime, end: datetime | None) -> None:
    """Re-resolves the history of `code` within [start, end) and the state hours it covers."""
    q = select(StateSegment).where(
        StateSegment.equipment_code == code,
        or_(StateSegment.eff_end.is_(None), StateSegment.eff_end > start),
    )
    if end is not None:
        q = q.where(StateSegment.started_at < end)
    segs = [
        Segment(s.started_at, s.eff_end, s.occurred_at, str(s.event_id), s.state, s.element, s.reason_code)
        for s in await session.scalars(q)
    ]
    resolved = resolve(segs, start, end)
    # rows overlapping the region: keep their parts outside it
    overlap = select(StateInterval).where(
        StateInterval.equipment_code == code,
        or_(StateInterval.ended_at.is_(None), StateInterval.ended_at > start),
    )
    if end is not None:
        overlap = overlap.where(StateInterval.started_at < end)
    keep: list[StateInterval] = []
    for row in list(await session.scalars(overlap)):
        if row.started_at < start:
            keep.append(_interval(code, row.started_at, start, row))
        if end is not None and (row.ended_at is None or row.ended_at > end):
            keep.append(_interval(code, end, row.ended_at, row))
        await session.delete(row)
    await session.flush()
    for iv in resolved:
        keep.append(
            StateInterval(
                equipment_code=code,
                started_at=iv.started_at,
                ended_at=iv.ended_at,
                state=iv.state,
                element=iv.element,
                reason_code=iv.reason_code,
            )
        )
    session.add_all(keep)
    await session.flush()
    last = max((iv.started_at for iv in keep), default=start)
    await _state_hours(session, code, floor_hour(start), floor_hour(end or last) + HOUR)


def _interval(code: str, start: datetime, end: datetime | None, like: StateInterval) -> StateInterval:
    return StateInterval(
        equipment_code=code,
        started_at=start,
        ended_at=end,
        state=like.state,
        element=like.element,
        reason_code=like.reason_code,
    )


async def _state_hours(session: AsyncSession, code: str, h0: datetime, h1: datetime) -> None:
    params = {"e": code, "h0": h0, "h1": h1}
    await session.execute(
        text("DELETE FROM state_hour WHERE equipment_code = :e AND hour >= :h0 AND hour < :h1"), params
    )
    await session.execute(
        text(
            "INSERT INTO state_hour (equipment_code, hour, element, seconds)"
            " SELECT :e, h.hour, i.element, sum(extract(epoch FROM"
            "   least(coalesce(i.ended_at, i.started_at), h.hour + interval '1 hour')"
            "   - greatest(i.started_at, h.hour)))"
            " FROM generate_series(CAST(:h0 AS timestamptz), CAST(:h1 AS timestamptz) - interval '1 hour',"
            "   interval '1 hour') AS h(hour)"
            " JOIN state_interval i ON i.equipment_code = :e AND i.started_at < h.hour + interval '1 hour'"
            "   AND coalesce(i.ended_at, i.started_at) > h.hour"
            " GROUP BY h.hour, i.element"
        ),
        params,
    )


# ------------------------------------------------------------------ stops


async def _downtime_recorded(session: AsyncSession, e: DowntimeRecorded) -> None:
    row = await session.get(DowntimeRecord, e.downtime_id, with_for_update=True)
    if row is None:
        row = DowntimeRecord(downtime_id=e.downtime_id, equipment_code=e.equipment_code)
        session.add(row)
    if row.times_at is None or e.occurred_at >= row.times_at:
        row.started_at, row.ended_at, row.times_at = e.started_at, e.ended_at, e.occurred_at
        row.micro_stop, row.unqualified = e.micro_stop, e.unqualified
    await session.flush()
    await _downtime_reason(session, e.downtime_id, e.equipment_code, e.reason_code, e)


async def _downtime_reason(
    session: AsyncSession, downtime_id: uuid.UUID, code: str, reason: str | None, e: Event
) -> None:
    row = await session.get(DowntimeRecord, downtime_id, with_for_update=True)
    if row is None:  # the classification came first
        row = DowntimeRecord(
            downtime_id=downtime_id, equipment_code=code, micro_stop=False, unqualified=False
        )
        session.add(row)
    newer = row.reason_at is None or e.occurred_at > row.reason_at
    if newer and (reason is not None or isinstance(e, DowntimeClassified)):
        row.reason_code, row.reason_at = reason, e.occurred_at
    await session.flush()


# ------------------------------------------------------------------ quantities


async def _yield(session: AsyncSession, e: YieldReported) -> None:
    old = await session.get(YieldReport, e.report_id, with_for_update=True)
    if old is not None and (old.occurred_at, str(old.event_id)) >= (e.occurred_at, str(e.event_id)):
        return  # a duplicate, or older than the correction we hold
    touched = {(e.equipment or "", e.product, floor_hour(e.at))}
    if old is not None:
        touched.add((old.equipment_code, old.product, floor_hour(old.at)))
        await session.delete(old)
        await session.flush()
    reasons: dict[str, Decimal] = {}
    for r in e.scrap_reasons:
        reasons[r.reason] = reasons.get(r.reason, Decimal(0)) + r.quantity
    session.add(
        YieldReport(
            report_id=e.report_id,
            event_id=e.event_id,
            occurred_at=e.occurred_at,
            work_order=e.work_order,
            product=e.product,
            operation=e.operation,
            work_center=e.work_center,
            equipment_code=e.equipment or "",
            at=e.at,
            good=e.good,
            scrap=e.scrap,
            rework=e.rework,
            reasons={k: str(v) for k, v in reasons.items()},
            standard_minutes=e.standard_minutes,
            labour={x.operator: str(x.minutes) for x in e.labour} if e.labour else None,
        )
    )
    await session.flush()
    for code, product, hour in touched:
        await _operator_bucket(session, code, product, hour)


async def _operator_bucket(session: AsyncSession, code: str, product: str, hour: datetime) -> None:
    key = {"equipment_code": code, "product": product, "hour": hour, "source": "operator"}
    rows = list(
        await session.scalars(
            select(YieldReport).where(
                YieldReport.equipment_code == code,
                YieldReport.product == product,
                YieldReport.at >= hour,
                YieldReport.at < hour + HOUR,
            )
        )
    )
    await _put_bucket(
        session,
        key,
        sum((r.good for r in rows), Decimal(0)),
        sum((r.scrap for r in rows), Decimal(0)),
        sum((r.rework for r in rows), Decimal(0)),
        Decimal(0),
        [r.reasons for r in rows],
    )


async def _counter(session: AsyncSession, e: MachineCounterReported) -> None:
    done = await session.execute(
        insert(MachineCount)
        .values(
            event_id=e.event_id,
            equipment_code=e.equipment_code,
            counter=e.counter,
            increment=e.increment,
            at=e.at,
        )
        .on_conflict_do_nothing()
        .returning(MachineCount.event_id)
    )
    if done.scalar() is None:
        return
    hour = floor_hour(e.at)
    sums = dict(
        (
            await session.execute(
                select(MachineCount.counter, func.sum(MachineCount.increment))
                .where(
                    MachineCount.equipment_code == e.equipment_code,
                    MachineCount.at >= hour,
                    MachineCount.at < hour + HOUR,
                )
                .group_by(MachineCount.counter)
            )
        ).all()
    )
    key = {"equipment_code": e.equipment_code, "product": "", "hour": hour, "source": "machine"}
    good, scrap, cycles = (Decimal(sums.get(k) or 0) for k in ("good", "scrap", "cycles"))
    await _put_bucket(session, key, good, scrap, Decimal(0), cycles, [])


async def _put_bucket(
    session: AsyncSession,
    key: dict[str, Any],
    good: Decimal,
    scrap: Decimal,
    rework: Decimal,
    cycles: Decimal,
    reasons: list[dict[str, str]],
) -> None:
    await session.execute(
        delete(ProductionHour).where(*(getattr(ProductionHour, k) == v for k, v in key.items()))
    )
    if not (good or scrap or rework or cycles):
        return
    by_reason: dict[str, Decimal] = {}
    for r in reasons:
        for k, v in r.items():
            by_reason[k] = by_reason.get(k, Decimal(0)) + Decimal(v)
    session.add(
        ProductionHour(
            **key,
            good=good,
            scrap=scrap,
            rework=rework,
            cycles=cycles,
            scrap_by_reason={k: str(v) for k, v in by_reason.items()},
        )
    )
    await session.flush()


# ------------------------------------------------------------------ operations


async def _run_started(session: AsyncSession, e: OperationStarted) -> None:
    await session.execute(
        insert(OperationRun)
        .values(
            work_order=e.work_order,
            operation=e.operation,
            product=e.product,
            work_center=e.work_center,
            equipment_code=e.equipment,
            operator=e.operator,
            started_at=e.occurred_at,
            planned_start=e.planned_start,
            planned_end=e.planned_end,
        )
        .on_conflict_do_update(  # the completion came first: it knows no schedule
            index_elements=["work_order", "operation"],
            set_={"planned_start": e.planned_start, "planned_end": e.planned_end},
        )
    )


async def _order_completed(session: AsyncSession, e: WorkOrderCompleted) -> None:
    values = {"product": e.product, "due": e.due, "completed_at": e.occurred_at}
    await session.execute(
        insert(OrderCompletion)
        .values(work_order=e.work_order, **values)
        .on_conflict_do_update(index_elements=["work_order"], set_=values)
    )


async def _operation_completed(session: AsyncSession, e: OperationCompleted) -> None:
    await session.execute(
        insert(OperationRun)
        .values(
            work_order=e.work_order,
            operation=e.operation,
            product=e.product,
            work_center=e.work_center,
            equipment_code=e.equipment,
            operator=e.operators[0] if e.operators else None,
            started_at=e.started_at,
            completed_at=e.completed_at,
        )
        .on_conflict_do_update(
            index_elements=["work_order", "operation"],
            set_={"completed_at": e.completed_at, "started_at": e.started_at},
        )
    )
    values = {
        "product": e.product,
        "name": e.name,
        "work_center": e.work_center,
        "equipment_code": e.equipment,
        "good": e.good,
        "scrap": e.scrap,
        "rework": e.rework,
        "started_at": e.started_at,
        "completed_at": e.completed_at,
        "standard_setup_minutes": e.standard_setup_minutes,
        "standard_run_minutes_per_unit": e.standard_run_minutes_per_unit,
        "occurred_at": e.occurred_at,
    }
    stored = insert(OperationResult).values(work_order=e.work_order, operation=e.operation, **values)
    taken = await session.execute(
        stored.on_conflict_do_update(
            index_elements=["work_order", "operation"],
            set_=values,
            # a completion older than the one held changes nothing, whatever order they arrive in
            where=or_(OperationResult.occurred_at.is_(None), OperationResult.occurred_at <= e.occurred_at),
        ).returning(OperationResult.work_order)
    )
    if taken.scalar() is None:
        return
    # the operators' labour minutes as this completion reports them (one line per operator)
    await session.execute(
        delete(LabourTime).where(LabourTime.work_order == e.work_order, LabourTime.operation == e.operation)
    )
    minutes: dict[str, Decimal] = {}
    for line in e.labour:
        minutes[line.operator] = minutes.get(line.operator, Decimal(0)) + line.minutes
    if minutes:
        await session.execute(
            insert(LabourTime).values(
                [
                    {"work_order": e.work_order, "operation": e.operation, "operator": k, "minutes": v}
                    for k, v in minutes.items()
                ]
            )
        )
