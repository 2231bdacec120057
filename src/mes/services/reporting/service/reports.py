"""Reports as the API serves them: OEE rows, Paretos and stops of a scope, the supervisor board."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.reporting import queries
from mes.services.reporting.clients import Resource
from mes.services.reporting.errors import InvalidInterval
from mes.services.reporting.models import DowntimeRecord, OperationRun, StateInterval
from mes.services.reporting.models.oee import oee
from mes.services.reporting.models.shifts import instances
from mes.services.reporting.schemas import Board, BoardTile, OeeRow, ParetoRow, StopRow
from mes.services.reporting.service.oee import Cell, compute, now, scope_equipment

MAX_SPAN = timedelta(days=400)


def check_interval(start: datetime, end: datetime) -> None:
    if start.year < 1970 or end.year > 2200:
        raise InvalidInterval("Ask for an interval between 1970 and 2200.", code="interval_out_of_range")
    if end <= start:
        raise InvalidInterval("end must be after start.")
    if end - start > MAX_SPAN:
        raise InvalidInterval("Ask for at most 400 days at a time.", code="interval_too_long")


def _pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100, 4)


def _min(s: float) -> float:
    return round(s / 60, 4)


def row(cell: Cell) -> OeeRow:
    t, c = cell.time, cell.counts
    f = oee(t, c)
    rel = cell.reliability
    return OeeRow(
        group=cell.group,
        period=cell.period,
        start=cell.start,
        end=cell.end,
        availability=_pct(f.availability),
        performance=_pct(f.effectiveness),
        quality=_pct(f.quality),
        oee=_pct(f.oee),
        planned_operation_min=_min(t.pot),
        planned_downtime_min=_min(t.pdot),
        planned_busy_min=_min(t.pbt),
        actual_production_min=_min(t.apt),
        setup_min=_min(t.aust),
        delay_min=_min(t.adet),
        down_min=_min(t.adot),
        micro_stop_min=_min(t.micro),
        no_data_min=_min(t.unknown),
        good=float(c.good),
        scrap=float(c.scrap),
        rework=float(c.rework),
        produced=float(c.produced),
        throughput_per_h=round(float(c.produced) / (t.apt / 3600), 4) if t.apt > 0 else None,
        failures=rel.failures,
        mtbf_min=None if rel.mtbf_min is None else round(rel.mtbf_min, 4),
        mttr_min=None if rel.mttr_min is None else round(rel.mttr_min, 4),
        inherent_availability=_pct(rel.inherent_availability),
        losses={k: round(v, 4) for k, v in f.losses.items()},
    )


async def oee_rows(
    session: AsyncSession, res: Resource, scope: str, start: datetime, end: datetime, grain: str, group: str
) -> list[OeeRow]:
    check_interval(start, end)
    return [row(c) for c in await compute(session, res, scope, start, end, grain, group)]


async def scope_stops(
    session: AsyncSession, scope: str, start: datetime, end: datetime, include_micro: bool
) -> list[StopRow]:
    check_interval(start, end)
    codes = [m.code for m in await scope_equipment(session, scope)]
    return await queries.stops(session, codes, start, end, include_micro)


async def downtime_pareto(
    session: AsyncSession, scope: str, start: datetime, end: datetime, by: str, include_micro: bool
) -> list[ParetoRow]:
    return queries.downtime_pareto(await scope_stops(session, scope, start, end, include_micro), by)


async def scrap_pareto(session: AsyncSession, scope: str, start: datetime, end: datetime) -> list[ParetoRow]:
    check_interval(start, end)
    codes = [m.code for m in await scope_equipment(session, scope)]
    return await queries.scrap_pareto(session, codes, start, end)


async def codes(session: AsyncSession, scope: str) -> list[str]:
    return [m.code for m in await scope_equipment(session, scope)]


async def board(session: AsyncSession, res: Resource, scope: str) -> Board:
    """Each machine now: state (and the stop's reason), good and scrap this shift against target."""
    machines = await scope_equipment(session, scope)
    at = now()
    tiles = []
    for m in machines:
        cal = await res.calendar(m.path)
        shift = None
        if cal is not None:
            current = [
                s
                for s in instances(cal.patterns, cal.tz, at - timedelta(days=1), at)
                if s.start <= at < s.end
            ]
            shift = current[0] if current else None
        state = await session.scalar(
            select(StateInterval)
            .where(StateInterval.equipment_code == m.code, StateInterval.started_at <= at)
            .order_by(StateInterval.started_at.desc())
            .limit(1)
        )
        since = state.started_at if state else None
        if state is not None and state.state == "down":  # its stop may be classified already
            while True:  # the stop began where the down interval chain began
                prev = await session.scalar(
                    select(StateInterval).where(
                        StateInterval.equipment_code == m.code, StateInterval.ended_at == since
                    )
                )
                if prev is None or prev.state != "down":
                    break
                since = prev.started_at
        reason = state.reason_code if state else None
        if state is not None and state.state == "down":
            # its stop, or a classification of the open stop (which carries no times yet)
            dt = await session.scalar(
                select(DowntimeRecord)
                .where(
                    DowntimeRecord.equipment_code == m.code,
                    or_(
                        DowntimeRecord.started_at == since,
                        and_(DowntimeRecord.started_at.is_(None), DowntimeRecord.reason_at >= since),
                    ),
                )
                .order_by(DowntimeRecord.reason_at.desc().nulls_last())
                .limit(1)
            )
            if dt is not None and dt.reason_code:
                reason = dt.reason_code
        run = await session.scalar(
            select(OperationRun)
            .where(OperationRun.equipment_code == m.code, OperationRun.completed_at.is_(None))
            .order_by(OperationRun.started_at.desc())
            .limit(1)
        )
        good = scrap = 0.0
        target = figure = None
        if shift is not None:
            cells = await compute(
                session,
                res,
                m.code,
                shift.start,
                max(at, shift.start + timedelta(seconds=1)),
                "total",
                "scope",
            )
            if cells:
                c = cells[0]
                good, scrap = float(c.counts.good), float(c.counts.scrap)
                f = oee(c.time, c.counts)
                figure = _pct(f.oee)
                cts = await res.cycle_times(m.code)
                pri = cts.get(run.product) if run else (next(iter(cts.values())) if len(cts) == 1 else None)
                target = round(c.time.pbt / float(pri), 1) if pri else None
        tiles.append(
            BoardTile(
                equipment_code=m.code,
                name=m.name,
                state=state.state if state else None,
                since=since,
                reason_code=reason if state is not None and state.state == "down" else None,
                shift=shift.key if shift else None,
                good=good,
                scrap=scrap,
                target=target,
                work_order=run.work_order if run else None,
                operator=run.operator if run else None,
                oee=figure,
            )
        )
    return Board(scope=scope, items=tiles)
