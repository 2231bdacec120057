"""Finite-capacity scheduling on shift windows: pure, so a plan can be checked by hand.

Capacity comes in units: the available machines of a work center (a work center whose machines
are unknown counts as one unit, itself; one whose machines are all down or in maintenance has
none, and its operations are not placed). Orders are loaded one after the other in dispatch order
(priority, then due date, then number): each operation takes, among the units it may run on (its
assigned machine, else every available machine of its work center), the one where it ends first
inside that unit's planned shift windows, after its predecessor ends and after the unit's previous
load ends (ties: the earlier start, then the unit's code). An operation may run across a shift
break (it pauses and goes on in the next window). Parts of a split operation start after the same
predecessor, so on two machines they run at the same time. No backfilling of gaps: simple and
predictable, which is what a supervisor checking the plan needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Step:
    key: str
    position: int  # steps sharing a position run in parallel
    work_center: str
    minutes: Decimal
    equipment: str | None = None  # the machine it is assigned to (split part, started)


@dataclass(frozen=True)
class Job:
    number: str
    due: datetime
    steps: list[Step]


@dataclass
class Planned:
    start: datetime | None = None
    end: datetime | None = None
    unit: str | None = None  # the machine (or work center) it is planned on


@dataclass
class Plan:
    steps: dict[tuple[str, str], Planned] = field(default_factory=dict)  # (order, key)
    orders: dict[str, Planned] = field(default_factory=dict)
    late: dict[str, bool] = field(default_factory=dict)


def _duration(minutes: Decimal) -> timedelta:
    return timedelta(microseconds=int(minutes * 60_000_000))


def _place(
    windows: list[tuple[datetime, datetime]], earliest: datetime, minutes: Decimal
) -> tuple[datetime, datetime] | None:
    """Start and end of `minutes` of work from `earliest` on, inside `windows`; None if it doesn't fit."""
    left = _duration(minutes)
    start: datetime | None = None
    for w_start, w_end in windows:
        if w_end <= earliest:
            continue
        begin = max(w_start, earliest)
        if start is None:
            start = begin
        if left == timedelta(0):
            return start, begin
        available = w_end - begin
        if available >= left:
            return start, begin + left
        left -= available
    return None


def candidates(step: Step, units: dict[str, list[str]], down: frozenset[str]) -> list[str]:
    """The units a step may be planned on: its machine when it has one (none while that machine is
    unavailable), else every available unit of its work center."""
    if step.equipment is not None:
        if step.equipment in down:
            return []
        if step.equipment in units.get(step.work_center, []):
            return [step.equipment]
    return list(units.get(step.work_center, []))


def schedule(
    jobs: list[Job],
    windows: dict[str, list[tuple[datetime, datetime]]],
    start: datetime,
    horizon_end: datetime | None = None,
    units: dict[str, list[str]] | None = None,
    down: frozenset[str] = frozenset(),
) -> Plan:
    """`units`: the available units of each work center (default: the work center itself), with
    `windows` per unit; `down`: machines that may get nothing. Late: planned to end after its due
    time, or not placeable before a due time that falls inside the horizon. An order due beyond the
    horizon that can't be placed yet is not late."""
    if units is None:
        units = {s.work_center: [s.work_center] for job in jobs for s in job.steps}
    plan = Plan()
    free: dict[str, datetime] = {}
    for job in jobs:
        ready: datetime | None = start
        first: datetime | None = None
        positions = sorted({s.position for s in job.steps})
        for position in positions:
            group_end: datetime | None = ready
            for step in (s for s in job.steps if s.position == position):
                best: tuple[datetime, datetime, str] | None = None  # end, start, unit: least first
                if ready is not None:
                    for unit in candidates(step, units, down):
                        earliest = max(ready, free.get(unit, start))
                        placed = _place(windows.get(unit, []), earliest, step.minutes)
                        if placed is not None and (best is None or (placed[1], placed[0], unit) < best):
                            best = (placed[1], placed[0], unit)
                if best is None:
                    plan.steps[(job.number, step.key)] = Planned()
                    group_end = None
                    continue
                end_at, start_at, unit = best
                plan.steps[(job.number, step.key)] = Planned(start_at, end_at, unit)
                free[unit] = end_at
                first = start_at if first is None else min(first, start_at)
                if group_end is not None:
                    group_end = max(group_end, end_at)
            ready = group_end
        end = ready if job.steps else None
        plan.orders[job.number] = Planned(first, end)
        if end is not None:
            plan.late[job.number] = end > job.due
        else:
            plan.late[job.number] = horizon_end is None or job.due <= horizon_end
    return plan
