"""The replayable shift record: a past shift's figures now, as they stood at its end, and what changed.

The figures at the end are kept once (`shift_snapshot`), at the first read after the shift ended,
so they are what anyone saw (or could have seen) then. Every event is kept with the moment it was
received (`received_event.received_at`); those received after the snapshot that are about an
instant inside the shift and a machine of the scope are the late and corrected data that changed it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.reporting.clients import Resource
from mes.services.reporting.models import DowntimeRecord, ReceivedEvent, ShiftSnapshot
from mes.services.reporting.schemas import FigureChange, OeeRow, ShiftChange, ShiftRecord
from mes.services.reporting.service.oee import compute, scope_equipment
from mes.services.reporting.service.reports import check_interval, row

# figures compared between the snapshot and now (the loss tree follows from them)
FIGURES = (
    "availability",
    "performance",
    "quality",
    "oee",
    "planned_busy_min",
    "actual_production_min",
    "down_min",
    "good",
    "scrap",
    "produced",
    "failures",
)
TOPICS = (
    "resource.equipment_state_changed.v1",
    "resource.downtime_recorded.v1",
    "resource.downtime_classified.v1",
    "work_orders.yield_reported.v1",
    "integration.machine_counter_reported.v1",
)


def _t(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if isinstance(v, str) else None


async def shift_record(
    session: AsyncSession, res: Resource, scope: str, start: datetime, end: datetime
) -> ShiftRecord:
    check_interval(start, end)
    codes = {m.code for m in await scope_equipment(session, scope)}
    cells = await compute(session, res, scope, start, end, "total", "scope")
    current = row(cells[0])
    clock = (await session.execute(select(func.clock_timestamp()))).scalar_one()
    snap = await session.get(ShiftSnapshot, (scope, start, end))
    if snap is None and clock >= end:  # the first read after the end keeps the figures at the end
        await session.execute(
            insert(ShiftSnapshot)
            .values(
                scope=scope, start=start, end=end, taken_at=clock, figures=current.model_dump(mode="json")
            )
            .on_conflict_do_nothing()
        )
        snap = await session.get(ShiftSnapshot, (scope, start, end))
    if snap is None:
        return ShiftRecord(
            scope=scope,
            start=start,
            end=end,
            snapshot_taken_at=None,
            now=current,
            at_end=None,
            changed=[],
            changes=[],
        )
    at_end = OeeRow.model_validate(snap.figures)
    changed = [
        FigureChange(figure=f, at_end=getattr(at_end, f), now=getattr(current, f))
        for f in FIGURES
        if getattr(at_end, f) != getattr(current, f)
    ]
    changes = await _changes(session, codes, start, end, snap.taken_at)
    return ShiftRecord(
        scope=scope,
        start=start,
        end=end,
        snapshot_taken_at=snap.taken_at,
        now=current,
        at_end=at_end,
        changed=changed,
        changes=changes,
    )


async def _changes(
    session: AsyncSession, codes: set[str], start: datetime, end: datetime, since: datetime
) -> list[ShiftChange]:
    late = list(
        await session.scalars(
            select(ReceivedEvent)
            .where(ReceivedEvent.received_at > since, ReceivedEvent.topic.in_(TOPICS))
            .order_by(ReceivedEvent.received_at, ReceivedEvent.event_id)
        )
    )
    out: list[ShiftChange] = []
    for e in late:
        p = e.payload
        code = p.get("equipment_code") or p.get("equipment")
        kind, when, detail = None, None, ""
        match e.topic.split(".")[1]:
            case "equipment_state_changed":
                when, end_at = _t(p.get("started_at")), _t(p.get("ended_at"))
                if when is not None and when < end and (end_at is None or end_at > start):
                    kind, detail = "late_state", f"{p.get('state')} from {when.isoformat()}"
                    when = max(when, start)
            case "downtime_recorded":
                s0, s1 = _t(p.get("started_at")), _t(p.get("ended_at"))
                if s0 is not None and s1 is not None and s0 < end and s1 > start:
                    kind, when = "downtime_corrected", s0
                    detail = f"stop {s0.isoformat()} - {s1.isoformat()}, reason {p.get('reason_code')}"
            case "downtime_classified":
                stop = await session.get(DowntimeRecord, uuid.UUID(str(p.get("downtime_id"))))
                s0, s1 = (stop.started_at, stop.ended_at) if stop else (None, None)
                if s0 is not None and s0 < end and (s1 is None or s1 > start):
                    kind, when = "downtime_reclassified", s0
                    detail = f"reason {p.get('previous_reason_code')} -> {p.get('reason_code')}"
            case "yield_reported":
                when = _t(p.get("at"))
                if when is not None and start <= when < end:
                    earlier = await session.scalar(
                        select(func.count())
                        .select_from(ReceivedEvent)
                        .where(
                            ReceivedEvent.topic == e.topic,
                            ReceivedEvent.payload["report_id"].astext == str(p.get("report_id")),
                            ReceivedEvent.received_at < e.received_at,
                        )
                    )
                    kind = "corrected_yield" if earlier else "late_yield"
                    detail = f"report {p.get('report_id')}: good {p.get('good')}, scrap {p.get('scrap')}"
            case "machine_counter_reported":
                when = _t(p.get("at"))
                if when is not None and start <= when < end:
                    kind, detail = "late_counter", f"{p.get('counter')} +{p.get('increment')}"
        if kind is not None and code in codes:
            out.append(
                ShiftChange(
                    received_at=e.received_at,
                    topic=e.topic,
                    kind=kind,
                    equipment_code=code,
                    at=when,
                    detail=detail,
                )
            )
    return out
