"""Yield and maintenance KPIs (ISO 22400-2 names where it has one), pure functions.

- first pass yield (FPY) of an operation: good the first time / quantity processed there
  (good + scrap + rework); rework and scrap both fail the first pass;
- rolled throughput yield (RTY): the product of the FPYs of a routing's operations;
- final yield: good at the last operation / quantity processed at the first;
- MTBF (ISO 22400-2 "mean operating time between failures"): APT / number of failures;
- MTTR (ISO 22400-2 "mean time to restoration"): down time of failures / number of failures;
- inherent availability: MTBF / (MTBF + MTTR).
Micro-stops are no failures: they are performance loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

ZERO = Decimal(0)


def fpy(good: Decimal, scrap: Decimal, rework: Decimal) -> Decimal | None:
    processed = good + scrap + rework
    return good / processed if processed else None


def rty(fpys: Iterable[Decimal | None]) -> Decimal | None:
    out = Decimal(1)
    seen = False
    for f in fpys:
        if f is None:
            continue
        out *= f
        seen = True
    return out if seen else None


def final_yield(first_processed: Decimal, last_good: Decimal) -> Decimal | None:
    return last_good / first_processed if first_processed else None


@dataclass(frozen=True, slots=True)
class Reliability:
    failures: int
    operating_s: float
    down_s: float

    @property
    def mtbf_min(self) -> float | None:
        return self.operating_s / self.failures / 60 if self.failures else None

    @property
    def mttr_min(self) -> float | None:
        return self.down_s / self.failures / 60 if self.failures else None

    @property
    def inherent_availability(self) -> float | None:
        up, down = self.mtbf_min, self.mttr_min
        return up / (up + down) if up is not None and down is not None and up + down > 0 else None


@dataclass(frozen=True, slots=True)
class ParetoRow:
    key: str
    value: float
    share: float
    cumulative: float


def pareto(values: Mapping[str, float | Decimal]) -> list[ParetoRow]:
    """Largest first, each with its share of the total and the running share (0..1)."""
    items: Sequence[tuple[str, float]] = sorted(
        ((k, float(v)) for k, v in values.items() if v), key=lambda kv: (-kv[1], kv[0])
    )
    total = sum(v for _, v in items)
    out, run = [], 0.0
    for k, v in items:
        run += v
        out.append(ParetoRow(k, v, v / total if total else 0.0, run / total if total else 0.0))
    return out


# ------------------------------------------------------------------ schedule (no ISO 22400-2 KPI)


@dataclass(frozen=True)
class ScheduleFigures:
    """On-time completion and start adherence of one group (ISO 22400-2 defines neither)."""

    orders_completed: int  # with a known due date
    orders_on_time: int
    operations_scheduled: int  # started, with a planned start in the interval
    operations_on_time: int  # started within the tolerance of their planned start
    operations_early: int
    operations_late: int

    @property
    def on_time_completion(self) -> Decimal | None:
        """Orders completed by their due date / orders completed."""
        return Decimal(self.orders_on_time) / self.orders_completed if self.orders_completed else None

    @property
    def start_adherence(self) -> Decimal | None:
        """Operations started within ±tolerance of their planned start / operations scheduled."""
        n = self.operations_scheduled
        return Decimal(self.operations_on_time) / n if n else None


def schedule_figures(
    completions: Iterable[tuple[datetime, datetime]],
    starts: Iterable[tuple[datetime, datetime]],
    tolerance: timedelta,
) -> ScheduleFigures:
    """`completions`: (completed at, due); `starts`: (started at, planned start)."""
    done = list(completions)
    on_time = sum(1 for c, due in done if c <= due)
    early = late = ok = 0
    runs = list(starts)
    for s, planned in runs:
        if s < planned - tolerance:
            early += 1
        elif s > planned + tolerance:
            late += 1
        else:
            ok += 1
    return ScheduleFigures(len(done), on_time, len(runs), ok, early, late)


# ------------------------------------------------------------------ labour (no attendance: not ISO's worker efficiency)


def earned_minutes(
    setup: Decimal, run_per_unit: Decimal, good: Decimal, scrap: Decimal, rework: Decimal
) -> Decimal:
    """Standard (earned) minutes of an operation: its setup once, plus its run time per unit for
    every unit it processed (PQ = good + scrap + rework: each took the operation's labour)."""
    return setup + run_per_unit * (good + scrap + rework)


@dataclass(frozen=True, slots=True)
class LabourOperation:
    """One completed operation: its earned minutes (None: no standard times) and each operator's minutes."""

    key: tuple[str, str]  # work order, operation
    work_center: str
    equipment: str
    earned: Decimal | None
    labour: Mapping[str, Decimal]  # operator -> minutes


@dataclass(frozen=True)
class LabourFigures:
    """Labour efficiency of one group = earned minutes / actual labour minutes."""

    operations: int  # counted: standard times and labour minutes known
    operations_without_standard: int  # events from before standard times: excluded
    operations_without_labour: int  # standard times known, but no labour minutes booked: excluded
    earned_min: Decimal
    actual_min: Decimal

    @property
    def efficiency(self) -> Decimal | None:
        return self.earned_min / self.actual_min if self.actual_min else None


def labour_figures(ops: Iterable[LabourOperation], operator: str | None = None) -> LabourFigures:
    """The figures of `ops`; with `operator`, that operator's share only: their own minutes, and of
    each operation's earned minutes the part their minutes are of the operation's labour (a crew
    shares what it earned in proportion to the time each worked)."""
    n = no_std = no_labour = 0
    earned = actual = ZERO
    for op in ops:
        total = sum(op.labour.values(), ZERO)
        mine = total if operator is None else op.labour.get(operator, ZERO)
        if operator is not None and operator not in op.labour:
            continue
        if op.earned is None:
            no_std += 1
        elif not total:
            no_labour += 1
        else:
            n += 1
            earned += op.earned * mine / total
            actual += mine
    return LabourFigures(n, no_std, no_labour, earned, actual)
