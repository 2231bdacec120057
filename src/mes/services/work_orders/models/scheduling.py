"""Finite-capacity scheduling on shift windows: pure, so a plan can be checked by hand.

Orders are loaded one after the other in dispatch order (priority, then due date, then number):
each operation takes the earliest capacity of its work center that is both inside a planned
shift window and after its predecessor ends and after the work center's previous load ends.
An operation may run across a shift break (it pauses and goes on in the next window). Parts of a
split operation run in parallel: each starts after the same predecessor. No backfilling of gaps:
simple and predictable, which is what a supervisor checking the plan needs.
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


@dataclass(frozen=True)
class Job:
    number: str
    due: datetime
    steps: list[Step]


@dataclass
class Planned:
    start: datetime | None = None
    end: datetime | None = None


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


def schedule(
    jobs: list[Job],
    windows: dict[str, list[tuple[datetime, datetime]]],
    start: datetime,
    horizon_end: datetime | None = None,
) -> Plan:
    """Late: planned to end after its due time, or not placeable before a due time that falls
    inside the horizon. An order due beyond the horizon that can't be placed yet is not late."""
    plan = Plan()
    free: dict[str, datetime] = {}
    for job in jobs:
        ready: datetime | None = start
        first: datetime | None = None
        positions = sorted({s.position for s in job.steps})
        for position in positions:
            group_end: datetime | None = ready
            for step in (s for s in job.steps if s.position == position):
                placed = None
                if ready is not None:
                    earliest = max(ready, free.get(step.work_center, start))
                    placed = _place(windows.get(step.work_center, []), earliest, step.minutes)
                if placed is None:
                    plan.steps[(job.number, step.key)] = Planned()
                    group_end = None
                    continue
                plan.steps[(job.number, step.key)] = Planned(*placed)
                free[step.work_center] = placed[1]
                first = placed[0] if first is None else min(first, placed[0])
                if group_end is not None:
                    group_end = max(group_end, placed[1])
            ready = group_end
        end = ready if job.steps else None
        plan.orders[job.number] = Planned(first, end)
        if end is not None:
            plan.late[job.number] = end > job.due
        else:
            plan.late[job.number] = horizon_end is None or job.due <= horizon_end
    return plan
