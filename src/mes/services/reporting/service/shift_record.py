"""The replayable shift record: a past shift's figures now, as they stood at its end, and what changed.

The figures at the end are kept once (`shift_snapshot`), at the first read after the shift ended,
so they are what anyone saw (or could have seen) then. Every event is kept with the moment it was
received (`received_event.received_at`); those received after the snapshot that are about an
instant inside the shift and a machine of the scope are the late and corrected data that changed it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.cache import Cache
from mes.platform.db import Database
from mes.platform.events import utcnow
from mes.platform.http import ServiceDirectory
from mes.platform.workers import Periodic
from mes.services.reporting.clients import Resource
from mes.services.reporting.models import DowntimeRecord, EquipmentNode, ReceivedEvent, ShiftSnapshot
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


async def _keep_snapshot(
    session: AsyncSession, scope: str, start: datetime, end: datetime, figures: OeeRow, clock: datetime
) -> ShiftSnapshot | None:
    await session.execute(
        insert(ShiftSnapshot)
        .values(scope=scope, start=start, end=end, taken_at=clock, figures=figures.model_dump(mode="json"))
        .on_conflict_do_nothing()  # the worker or another reader was first: theirs stands
    )
    return await session.get(ShiftSnapshot, (scope, start, end))


async def shift_record(
    session: AsyncSession, res: Resource, scope: str, start: datetime, end: datetime
) -> ShiftRecord:
    check_interval(start, end)
    codes = {m.code for m in await scope_equipment(session, scope)}
    cells = await compute(session, res, scope, start, end, "total", "scope")
    current = row(cells[0])
    WATCH.note(scope, res)
    clock = (await session.execute(select(func.clock_timestamp()))).scalar_one()
    snap = await session.get(ShiftSnapshot, (scope, start, end))
    if snap is None and clock >= end:  # no worker took it at the end: the first read after it does
        snap = await _keep_snapshot(session, scope, start, end, current, clock)
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


# ------------------------------------------------------------------ the snapshot worker


@dataclass
class _Watch:
    """The scopes whose shift record was read in this process, and the last reader's token: the
    worker asks resource for calendars and cycle times with it (ADR 42; it is short-lived, so a
    worker round it can no longer authorise leaves the snapshot to the first read, as before)."""

    scopes: set[str] = field(default_factory=set)
    token: str | None = None
    directory: ServiceDirectory | None = None
    cache: Cache | None = None
    ttl_s: float = 0.0

    def note(self, scope: str, res: Resource) -> None:
        self.scopes.add(scope)
        if res.token is not None:
            self.token, self.directory, self.cache, self.ttl_s = (
                res.token,
                res.directory,
                res.cache,
                res.ttl_s,
            )

    def resource(self) -> Resource | None:
        if self.token is None or self.directory is None:
            return None
        return Resource(self.token, self.directory, None, self.cache, self.ttl_s)


WATCH = _Watch()
LOOKBACK = timedelta(hours=24)


async def take_shift_end_snapshots(
    db: Database, res: Resource | None, scopes: set[str], now: datetime, lookback: timedelta = LOOKBACK
) -> int:
    """One round of the worker: for each scope (those read here, and those with a snapshot already),
    the shifts within (now - lookback, now) that are over and have no snapshot get one, with the figures as
    they stand now, just after the end. Returns how many were taken."""
    if res is None:
        return 0
    taken = 0
    async with db.transaction() as session:
        known = set(await session.scalars(select(ShiftSnapshot.scope).distinct()))
    for scope in sorted(scopes | known):
        async with db.transaction() as session:
            if await session.get(EquipmentNode, scope) is None:
                continue
            since = now - lookback
            shifts = await compute(session, res, scope, since, now, "shift", "scope")
            for cell in shifts:
                # the cells are clipped to [since, now): one touching either edge is not a whole
                # shift (not over yet, or begun before the window: an earlier round took it)
                if cell.start <= since or cell.end >= now:
                    continue
                if await session.get(ShiftSnapshot, (scope, cell.start, cell.end)) is not None:
                    continue
                # the shift's own figures, exactly as a read of its record computes them
                (total,) = await compute(session, res, scope, cell.start, cell.end, "total", "scope")
                clock = (await session.execute(select(func.clock_timestamp()))).scalar_one()
                await _keep_snapshot(session, scope, cell.start, cell.end, row(total), clock)
                taken += 1
    return taken


class ShiftSnapshotWorker(Periodic):
    """Keeps each watched scope's shift figures at the shift's end (ADR 42), every minute."""

    name = "reporting.shift_snapshots"

    def __init__(self, db: Database, interval_s: float = 60.0) -> None:
        super().__init__(db, interval_s)

    async def step(self) -> object:
        return await take_shift_end_snapshots(self.db, WATCH.resource(), set(WATCH.scopes), utcnow())
