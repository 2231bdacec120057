"""OEE of any scope (equipment, work center, line, site) over any interval, per shift, day, week or month.

Time elements come from the resolved state history clipped to the planned windows of resource's
calendar; quantities from the yield reports (or, for an equipment and period without any, its
machine counters), each at its own instant; ideal cycle times from resource. Scopes add up
their equipment's elements and ideal times first and take the ratios last (time-weighted).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.reporting.clients import Resource
from mes.services.reporting.config import is_planned_reason
from mes.services.reporting.errors import UnknownScope
from mes.services.reporting.models import (
    DowntimeRecord,
    EquipmentNode,
    MachineCount,
    OperationRun,
    StateInterval,
    YieldReport,
)
from mes.services.reporting.models.kpis import Reliability
from mes.services.reporting.models.oee import ZERO, Counts, TimeElements, count
from mes.services.reporting.models.shifts import ShiftInstance, instances, period_key
from mes.services.reporting.models.timeline import Interval, Stop, Window, elements, intersect

__all__ = ["Cell", "compute", "scope_equipment"]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Cell:
    """The figures of one group (an equipment or a child of the scope) in one period."""

    group: str
    period: str
    start: datetime
    end: datetime
    time: TimeElements = field(default_factory=TimeElements)
    counts: Counts = field(default_factory=Counts)
    failures: int = 0
    failure_s: float = 0.0

    def add(self, other: Cell) -> None:
        self.time = self.time + other.time
        self.counts = self.counts + other.counts
        self.failures += other.failures
        self.failure_s += other.failure_s
        self.start, self.end = min(self.start, other.start), max(self.end, other.end)

    @property
    def reliability(self) -> Reliability:
        return Reliability(self.failures, self.time.apt, self.failure_s)


async def scope_equipment(session: AsyncSession, scope: str) -> list[EquipmentNode]:
    """The equipment at or below `scope` (a piece of equipment, a work center, a line, a site)."""
    node = await session.get(EquipmentNode, scope)
    if node is None:
        raise UnknownScope(f"{scope} is not in the plant model reporting knows.", scope=scope)
    rows = await session.scalars(
        select(EquipmentNode)
        .where(or_(EquipmentNode.path == node.path, EquipmentNode.path.startswith(node.path + "/")))
        .order_by(EquipmentNode.path)
    )
    nodes = list(rows)
    machines = [n for n in nodes if n.level == "equipment"]
    if machines:
        return machines
    # levels unknown (only state events seen): the leaves
    return [n for n in nodes if not any(m.path.startswith(n.path + "/") for m in nodes)]


def _group_of(node: EquipmentNode, scope_path: str, group: str) -> str:
    if group == "equipment":
        return node.code
    if group == "children":
        rest = node.path[len(scope_path) :].strip("/")
        return rest.split("/")[0] if rest else node.code
    return scope_path.rsplit("/", 1)[-1]


async def compute(
    session: AsyncSession,
    res: Resource,
    scope: str,
    start: datetime,
    end: datetime,
    grain: str,
    group: str,
) -> list[Cell]:
    """Cells per group and period, in period order; grain total gives one period [start, end)."""
    node = await session.get(EquipmentNode, scope)
    machines = await scope_equipment(session, scope)
    assert node is not None
    cells: dict[tuple[str, str], Cell] = {}
    at = min(end, now())
    codes = [m.code for m in machines]
    data = await _load(session, codes, start, end)
    for m in machines:
        for cell in await _equipment_cells(res, m, data, start, end, at, grain):
            key = (_group_of(m, node.path, group), cell.period)
            cell.group = key[0]
            if key in cells:
                cells[key].add(cell)
            else:
                cells[key] = cell
    return sorted(cells.values(), key=lambda c: (c.start, c.group))


@dataclass
class _Data:
    intervals: dict[str, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    stops: dict[str, list[tuple[Stop, str | None]]] = field(default_factory=lambda: defaultdict(list))
    yields: dict[str, list[YieldReport]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, list[MachineCount]] = field(default_factory=lambda: defaultdict(list))
    runs: dict[str, list[OperationRun]] = field(default_factory=lambda: defaultdict(list))


async def _load(session: AsyncSession, codes: Sequence[str], start: datetime, end: datetime) -> _Data:
    d = _Data()
    cols = (
        StateInterval.equipment_code,
        StateInterval.started_at,
        StateInterval.ended_at,
        StateInterval.state,
        StateInterval.element,
        StateInterval.reason_code,
    )
    rows = await session.execute(  # plain rows, not ORM objects: a site's month is many of them
        select(*cols)
        .where(
            StateInterval.equipment_code.in_(codes),
            StateInterval.started_at < end,
            or_(StateInterval.ended_at.is_(None), StateInterval.ended_at > start),
        )
        .order_by(StateInterval.started_at)
    )
    for code, s0, e0, state, element, reason in rows:
        d.intervals[code].append(Interval(s0, e0, state, element, reason))
    for dt in await session.scalars(
        select(DowntimeRecord).where(
            DowntimeRecord.equipment_code.in_(codes),
            DowntimeRecord.started_at < end,
            DowntimeRecord.ended_at > start,
        )
    ):
        assert dt.started_at is not None
        assert dt.ended_at is not None
        stop = Stop(dt.started_at, dt.ended_at, dt.micro_stop, is_planned_reason(dt.reason_code))
        d.stops[dt.equipment_code].append((stop, dt.reason_code))
    for y in await session.scalars(
        select(YieldReport).where(
            YieldReport.equipment_code.in_(codes), YieldReport.at >= start, YieldReport.at < end
        )
    ):
        d.yields[y.equipment_code].append(y)
    for c in await session.scalars(
        select(MachineCount).where(
            MachineCount.equipment_code.in_(codes), MachineCount.at >= start, MachineCount.at < end
        )
    ):
        d.counts[c.equipment_code].append(c)
    for r in await session.scalars(
        select(OperationRun).where(OperationRun.equipment_code.in_(codes), OperationRun.started_at < end)
    ):
        assert r.equipment_code is not None
        d.runs[r.equipment_code].append(r)
    return d


async def _equipment_cells(
    res: Resource,
    m: EquipmentNode,
    d: _Data,
    start: datetime,
    end: datetime,
    at: datetime,
    grain: str,
) -> list[Cell]:
    cal = await res.calendar(m.path)
    planned = await res.planned(cal.owner if cal else m.code, start, end) if cal else []
    cts = await res.cycle_times(m.code) if (d.yields[m.code] or d.counts[m.code]) else {}
    spans: list[tuple[str, Window]]
    if grain == "total":
        spans = [("total", (start, end))]
    else:
        shifts: list[ShiftInstance] = instances(cal.patterns, cal.tz, start, end) if cal else []
        spans = [(period_key(s, grain), (max(s.start, start), min(s.end, end))) for s in shifts]
    by_period: dict[str, Cell] = {}
    for key, span in spans:
        cell = _cell(m.code, key, span, intersect(planned, [span]), d, cts, at)
        if key in by_period:
            by_period[key].add(cell)
        else:
            by_period[key] = cell
    return list(by_period.values())


def _cell(
    code: str,
    key: str,
    span: Window,
    windows: list[Window],
    d: _Data,
    cts: dict[str, Decimal],
    at: datetime,
) -> Cell:
    s, e = span
    stops = [st for st, _ in d.stops[code] if st.started_at < e and st.ended_at > s]
    ivs = d.intervals[code]  # sorted by start: only those overlapping the span
    lo = max(bisect_left(ivs, s, key=lambda i: i.started_at) - 1, 0)
    hi = bisect_left(ivs, e, key=lambda i: i.started_at)
    t = elements(ivs[lo:hi], windows, stops, at)
    failures = [st for st in stops if not st.micro_stop and not st.planned and s <= st.started_at < e]
    cell = Cell(code, key, s, e, t, _counts(code, s, e, d, cts))
    cell.failures = len(failures)
    cell.failure_s = sum((st.ended_at - st.started_at).total_seconds() for st in failures)
    return cell


def _counts(code: str, s: datetime, e: datetime, d: _Data, cts: dict[str, Decimal]) -> Counts:
    total = Counts()
    reports = [y for y in d.yields[code] if s <= y.at < e]
    if reports:
        for y in reports:
            c = count(y.good, y.scrap, y.rework, cts.get(y.product))
            reasons = {k: Decimal(v) for k, v in y.reasons.items()}
            total = total + Counts(c.good, c.scrap, c.rework, c.ideal_s, c.ideal_good_s, reasons)
        return total
    # no operator reports here: the machine's own counters, per product running at the time
    per: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for mc in d.counts[code]:
        if s <= mc.at < e:
            per[_running(d.runs[code], mc.at)][mc.counter] += mc.increment
    only = next(iter(cts.values())) if len(cts) == 1 else None
    for product, sums in per.items():
        scrap = Decimal(sums.get("scrap", 0))
        produced = max(Decimal(sums.get("cycles", 0)), Decimal(sums.get("good", 0)) + scrap)
        good = Decimal(sums["good"]) if "good" in sums else max(produced - scrap, ZERO)
        pri = cts.get(product) if product else None
        total = total + count(good, produced - good, ZERO, pri if pri is not None else only)
    return total


def _running(runs: list[OperationRun], at: datetime) -> str | None:
    for r in runs:
        if r.started_at <= at and (r.completed_at is None or at < r.completed_at):
            return r.product
    return None
