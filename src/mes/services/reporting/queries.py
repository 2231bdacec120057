"""Read-side selects over the read models: Paretos, stops, yields, WIP, hourly buckets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.reporting.config import is_planned_reason
from mes.services.reporting.models import (
    DowntimeRecord,
    LabourTime,
    OperationResult,
    OperationRun,
    OrderCompletion,
    ProductionHour,
    StateHour,
    YieldReport,
)
from mes.services.reporting.models.kpis import (
    LabourFigures,
    LabourOperation,
    earned_minutes,
    final_yield,
    fpy,
    labour_figures,
    pareto,
    rty,
    schedule_figures,
)
from mes.services.reporting.schemas import (
    LabourReport,
    LabourRow,
    OperationYield,
    ParetoRow,
    ProductionRow,
    ProductYield,
    ScheduleReport,
    ScheduleRow,
    StateHourRow,
    StopRow,
    WipRow,
)
from mes.services.reporting.schemas import YieldReport as YieldOut
from mes.services.reporting.vocabulary import LabourBy


def _pct(x: float | Decimal | None) -> float | None:
    return None if x is None else round(float(x) * 100, 4)


def _pareto_rows(values: dict[str, float], counts: dict[str, int]) -> list[ParetoRow]:
    return [
        ParetoRow(
            key=r.key,
            value=round(r.value, 4),
            count=counts.get(r.key, 0),
            share=_pct(r.share),
            cumulative=_pct(r.cumulative),
        )
        for r in pareto(values)
    ]


async def scrap_pareto(
    session: AsyncSession, codes: Sequence[str], start: datetime, end: datetime
) -> list[ParetoRow]:
    values: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for y in await session.scalars(
        select(YieldReport).where(
            YieldReport.equipment_code.in_(codes), YieldReport.at >= start, YieldReport.at < end
        )
    ):
        for reason, qty in y.reasons.items():
            values[reason or "(no reason)"] += float(qty)
            counts[reason or "(no reason)"] += 1
    return _pareto_rows(values, counts)


async def stops(
    session: AsyncSession, codes: Sequence[str], start: datetime, end: datetime, include_micro: bool
) -> list[StopRow]:
    """Closed stops overlapping [start, end), their minutes clipped to it, latest first."""
    q = select(DowntimeRecord).where(
        DowntimeRecord.equipment_code.in_(codes),
        DowntimeRecord.started_at < end,
        DowntimeRecord.ended_at > start,
    )
    if not include_micro:
        q = q.where(DowntimeRecord.micro_stop.is_(False))
    out = []
    for d in await session.scalars(q.order_by(DowntimeRecord.started_at.desc(), DowntimeRecord.downtime_id)):
        assert d.started_at is not None
        assert d.ended_at is not None
        secs = (min(d.ended_at, end) - max(d.started_at, start)).total_seconds()
        out.append(
            StopRow(
                downtime_id=str(d.downtime_id),
                equipment_code=d.equipment_code,
                started_at=d.started_at,
                ended_at=d.ended_at,
                minutes=round(secs / 60, 4),
                reason_code=d.reason_code,
                micro_stop=d.micro_stop,
                planned=is_planned_reason(d.reason_code),
            )
        )
    return out


def downtime_pareto(rows: Sequence[StopRow], by: str) -> list[ParetoRow]:
    values: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        key = r.equipment_code if by == "equipment" else (r.reason_code or "(unclassified)")
        values[key] += r.minutes
        counts[key] += 1
    return _pareto_rows(values, counts)


def _op_order(key: str) -> tuple[int, str]:
    head = key.split("-", 1)[0]
    return (int(head) if head.isdigit() else 1 << 30, key)


async def yields(session: AsyncSession, start: datetime, end: datetime, product: str | None) -> YieldOut:
    q = select(OperationResult).where(
        OperationResult.completed_at >= start, OperationResult.completed_at < end
    )
    if product:
        q = q.where(OperationResult.product == product)
    sums: dict[tuple[str, str], list[Decimal]] = {}
    meta: dict[tuple[str, str], tuple[str, str]] = {}
    for r in await session.scalars(q):
        k = (r.product, r.operation)
        acc = sums.setdefault(k, [Decimal(0)] * 3)
        acc[0] += r.good
        acc[1] += r.scrap
        acc[2] += r.rework
        meta[k] = (r.name, r.work_center)
    ops = [
        OperationYield(
            product=p,
            operation=o,
            name=meta[(p, o)][0],
            work_center=meta[(p, o)][1],
            good=float(g),
            scrap=float(s),
            rework=float(rw),
            fpy=_pct(fpy(g, s, rw)),
        )
        for (p, o), (g, s, rw) in sorted(sums.items(), key=lambda kv: (kv[0][0], _op_order(kv[0][1])))
    ]
    products = []
    for p in sorted({k[0] for k in sums}):
        keys = sorted((k[1] for k in sums if k[0] == p and "-" not in k[1]), key=_op_order)  # main steps
        if not keys:
            continue
        first, last = sums[(p, keys[0])], sums[(p, keys[-1])]
        products.append(
            ProductYield(
                product=p,
                operations=len(keys),
                rty=_pct(rty(fpy(*sums[(p, k)]) for k in keys)),
                final_yield=_pct(final_yield(sum(first, Decimal(0)), last[0])),
            )
        )
    return YieldOut(operations=ops, products=products)


async def wip(session: AsyncSession) -> list[WipRow]:
    rows = await session.execute(
        select(OperationRun.work_center, OperationRun.work_order)
        .where(OperationRun.completed_at.is_(None))
        .order_by(OperationRun.work_center, OperationRun.work_order)
    )
    by: dict[str, list[str]] = defaultdict(list)
    for wc, wo in rows:
        by[wc].append(wo)
    return [
        WipRow(work_center=wc, operations_in_progress=len(v), orders=sorted(set(v))) for wc, v in by.items()
    ]


async def production(
    session: AsyncSession, codes: Sequence[str], start: datetime, end: datetime, limit: int, offset: int
) -> tuple[int, list[ProductionRow]]:
    where = (
        ProductionHour.equipment_code.in_(codes),
        ProductionHour.hour >= start,
        ProductionHour.hour < end,
    )
    total = await session.scalar(select(func.count()).select_from(ProductionHour).where(*where)) or 0
    rows = await session.scalars(
        select(ProductionHour)
        .where(*where)
        .order_by(
            ProductionHour.hour, ProductionHour.equipment_code, ProductionHour.product, ProductionHour.source
        )
        .limit(limit)
        .offset(offset)
    )
    return total, [
        ProductionRow(
            equipment_code=r.equipment_code,
            product=r.product,
            hour=r.hour,
            source=r.source,
            good=float(r.good),
            scrap=float(r.scrap),
            rework=float(r.rework),
            cycles=float(r.cycles),
            scrap_by_reason={k: float(v) for k, v in r.scrap_by_reason.items()},
        )
        for r in rows
    ]


async def state_hours(
    session: AsyncSession, codes: Sequence[str], start: datetime, end: datetime, limit: int, offset: int
) -> tuple[int, list[StateHourRow]]:
    where = (StateHour.equipment_code.in_(codes), StateHour.hour >= start, StateHour.hour < end)
    total = await session.scalar(select(func.count()).select_from(StateHour).where(*where)) or 0
    rows = await session.scalars(
        select(StateHour)
        .where(*where)
        .order_by(StateHour.hour, StateHour.equipment_code, StateHour.element)
        .limit(limit)
        .offset(offset)
    )
    return total, [
        StateHourRow(
            equipment_code=r.equipment_code, hour=r.hour, element=r.element, minutes=float(r.seconds) / 60
        )
        for r in rows
    ]


async def schedule(
    session: AsyncSession, start: datetime, end: datetime, tolerance: timedelta, work_center: str | None
) -> ScheduleReport:
    """On-time completion of orders completed in [start, end); start adherence of operations
    whose planned start lies in [start, end)."""
    done_q = select(OrderCompletion).where(
        OrderCompletion.completed_at >= start,
        OrderCompletion.completed_at < end,
        OrderCompletion.due.is_not(None),
    )
    completions = list(await session.scalars(done_q))
    # an order's work centers: where its operations ran (on-time completion per work center)
    order_wcs: dict[str, set[str]] = defaultdict(set)
    if completions:
        for wo, wc in await session.execute(
            select(OperationRun.work_order, OperationRun.work_center).where(
                OperationRun.work_order.in_([c.work_order for c in completions])
            )
        ):
            order_wcs[wo].add(wc)
    runs_q = select(OperationRun).where(OperationRun.planned_start >= start, OperationRun.planned_start < end)
    if work_center is not None:
        runs_q = runs_q.where(OperationRun.work_center == work_center)
        completions = [c for c in completions if work_center in order_wcs[c.work_order]]
    runs = list(await session.scalars(runs_q))

    def row(wc: str, cs: Sequence[OrderCompletion], rs: Sequence[OperationRun]) -> ScheduleRow:
        f = schedule_figures(
            [(c.completed_at, c.due) for c in cs if c.due is not None],
            [(r.started_at, r.planned_start) for r in rs if r.planned_start is not None],
            tolerance,
        )
        return ScheduleRow(
            work_center=wc,
            orders_completed=f.orders_completed,
            orders_on_time=f.orders_on_time,
            on_time_completion=_pct(f.on_time_completion),
            operations_scheduled=f.operations_scheduled,
            operations_on_time=f.operations_on_time,
            operations_early=f.operations_early,
            operations_late=f.operations_late,
            start_adherence=_pct(f.start_adherence),
        )

    wcs = sorted({r.work_center for r in runs} | {wc for c in completions for wc in order_wcs[c.work_order]})
    if work_center is not None:
        wcs = [work_center]
    items = [
        row(
            wc,
            [c for c in completions if wc in order_wcs[c.work_order]],
            [r for r in runs if r.work_center == wc],
        )
        for wc in wcs
    ]
    return ScheduleReport(
        start=start,
        end=end,
        tolerance_min=int(tolerance.total_seconds() // 60),
        total=row(work_center or "*", completions, runs),
        items=items,
    )


def _labour_row(key: str, f: LabourFigures) -> LabourRow:
    return LabourRow(
        key=key,
        operations=f.operations,
        operations_without_standard=f.operations_without_standard,
        operations_without_labour=f.operations_without_labour,
        earned_min=round(float(f.earned_min), 4),
        actual_min=round(float(f.actual_min), 4),
        labour_efficiency=_pct(f.efficiency),
    )


async def labour(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    by: LabourBy,
    work_center: str | None,
    equipment: str | None,
    operator: str | None,
) -> LabourReport:
    """Labour efficiency of the operations completed in [start, end) and of the imported yield
    reports with labour at a time in it, in total and per `by`."""
    where = [OperationResult.completed_at >= start, OperationResult.completed_at < end]
    if work_center is not None:
        where.append(OperationResult.work_center == work_center)
    if equipment is not None:
        where.append(OperationResult.equipment_code == equipment)
    minutes: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for wo, op, who, m in await session.execute(
        select(LabourTime.work_order, LabourTime.operation, LabourTime.operator, LabourTime.minutes)
        .join(
            OperationResult,
            (OperationResult.work_order == LabourTime.work_order)
            & (OperationResult.operation == LabourTime.operation),
        )
        .where(*where)
    ):
        minutes[(wo, op)][who] = m
    ops: list[LabourOperation] = []
    for r in await session.scalars(
        select(OperationResult).where(*where).order_by(OperationResult.work_order, OperationResult.operation)
    ):
        setup, run = r.standard_setup_minutes, r.standard_run_minutes_per_unit
        ops.append(
            LabourOperation(
                key=(r.work_order, r.operation),
                work_center=r.work_center,
                equipment=r.equipment_code or "",
                earned=None
                if setup is None or run is None
                else earned_minutes(setup, run, r.good, r.scrap, r.rework),
                labour=minutes.get((r.work_order, r.operation), {}),
            )
        )
    # imported history (ADR 42): a yield report carrying labour counts like an operation, at its `at`
    imported = [
        YieldReport.at >= start,
        YieldReport.at < end,
        YieldReport.labour.is_not(None),
        YieldReport.standard_minutes.is_not(None),
    ]
    if work_center is not None:
        imported.append(YieldReport.work_center == work_center)
    if equipment is not None:
        imported.append(YieldReport.equipment_code == equipment)
    for y in await session.scalars(select(YieldReport).where(*imported).order_by(YieldReport.report_id)):
        ops.append(
            LabourOperation(
                key=(y.work_order, y.report_id),
                work_center=y.work_center,
                equipment=y.equipment_code,
                earned=y.standard_minutes,
                labour={k: Decimal(v) for k, v in (y.labour or {}).items()},
            )
        )
    if operator is not None:
        ops = [o for o in ops if operator in o.labour]
    if by == "operator":
        people = sorted({p for o in ops for p in o.labour if operator is None or p == operator})
        items = [_labour_row(p, labour_figures(ops, p)) for p in people]
    else:
        groups: dict[str, list[LabourOperation]] = defaultdict(list)
        for o in ops:
            groups[o.work_center if by == "work_center" else o.equipment].append(o)
        items = [_labour_row(k, labour_figures(v, operator)) for k, v in sorted(groups.items())]
    return LabourReport(
        start=start, end=end, by=by, total=_labour_row("*", labour_figures(ops, operator)), items=items
    )
