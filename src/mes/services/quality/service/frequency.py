"""In-process sampling by frequency (ADR 41): a task every n parts and every t minutes.

Quality keeps its own view of an operation from work orders' events (`OperationRun`): when it
started, its pauses, its completion, and each yield report once per `report_id` (`YieldCount`).

- every n parts: a task is due for each multiple of n that the operation's cumulative good + scrap
  reaches (reports of 10, 10, 10, 30 with n = 25 make tasks at 25 and 50). The total is a sum over
  reports, so redelivered, duplicated or reordered reports give the same marks.
- every t minutes: a task is due for each multiple of t minutes the operation has run since its
  start, pauses excluded, until it completes. The `TimedSampling` worker creates them, and so does
  the completion check (`blocking`), so a task that fell due between two rounds still blocks.

Each task is a `SamplingPoint` (plan code, order, operation, trigger, mark): a point is created once,
whoever gets there first, under the operation's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.work_orders import (
    OperationCompleted,
    OperationPaused,
    OperationResumed,
    OperationStarted,
    YieldReported,
)
from mes.platform.db import Database
from mes.platform.workers import Periodic
from mes.services.quality.models import OperationRun, Plan, SamplingPoint, YieldCount
from mes.services.quality.schemas import BlockingRead
from mes.services.quality.service import tasks
from mes.services.quality.service.plans import order_plans

PARTS, MINUTES = "parts", "minutes"
_SETTING = {PARTS: "every_n_parts", MINUTES: "every_t_minutes"}
TIMED_SOURCE = "quality.every_t_minutes"


async def _run(
    session: AsyncSession, work_order: str, operation: str, item: str, equipment: str | None
) -> OperationRun:
    """The operation's row, created when first heard of, and locked for this transaction."""
    await session.execute(
        insert(OperationRun)
        .values(work_order=work_order, operation=operation, item=item, equipment=equipment, paused_minutes=0)
        .on_conflict_do_nothing(index_elements=["work_order", "operation"])
    )
    run = await session.scalar(
        select(OperationRun)
        .where(OperationRun.work_order == work_order, OperationRun.operation == operation)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert run is not None
    return run


async def _frequency_plans(session: AsyncSession, run: OperationRun, trigger: str) -> list[tuple[Plan, int]]:
    key = _SETTING[trigger]
    # the versions the order was released with (ADR 40), as for the tasks on start
    plans = await order_plans(session, run.work_order, "in_process", run.item, run.operation)
    return [(p, int(p.sampling[key])) for p in plans if (p.sampling or {}).get(key)]


async def _create_points(
    session: AsyncSession, run: OperationRun, trigger: str, reached: Decimal, source: str
) -> list[str]:
    """Tasks for every multiple of each plan's step up to `reached` that has none yet (the caller
    holds the run's row lock)."""
    created: list[str] = []
    for plan, step in await _frequency_plans(session, run, trigger):
        last = int(reached // step)
        if last < 1:
            continue
        have = set(
            await session.scalars(
                select(SamplingPoint.mark).where(
                    SamplingPoint.plan_code == plan.code,
                    SamplingPoint.work_order == run.work_order,
                    SamplingPoint.operation == run.operation,
                    SamplingPoint.trigger == trigger,
                )
            )
        )
        for mark in range(1, last + 1):
            if mark in have:
                continue
            task = await tasks.open_task(
                session, plan, "system", source, work_order=run.work_order, operation=run.operation,
                equipment=run.equipment, frequency={"trigger": _SETTING[trigger], "at": mark * step},
            )  # fmt: skip
            session.add(
                SamplingPoint(
                    plan_code=plan.code, work_order=run.work_order, operation=run.operation, trigger=trigger,
                    mark=mark, task_number=task.number,
                )
            )  # fmt: skip
            created.append(task.number)
    await session.flush()
    return created


def run_minutes(run: OperationRun, now: datetime) -> Decimal:
    """Minutes the operation has run by `now`: from its start, less its pauses, up to its
    completion (or the pause it is in)."""
    if run.started_at is None:
        return Decimal(0)
    end = min(t for t in (now, run.completed_at, run.paused_at) if t is not None)
    elapsed = Decimal(str((end - run.started_at).total_seconds())) / 60 - run.paused_minutes
    return max(elapsed, Decimal(0))


async def _timed(session: AsyncSession, run: OperationRun, now: datetime) -> list[str]:
    if run.started_at is None or run.completed_at is not None:
        return []
    return await _create_points(session, run, MINUTES, run_minutes(run, now), TIMED_SOURCE)


# ----------------------------------------------------------------------------- events
async def operation_started(session: AsyncSession, event: OperationStarted) -> None:
    run = await _run(session, event.work_order, event.operation, event.product, event.equipment)
    if run.started_at is None or event.occurred_at < run.started_at:
        run.started_at = event.occurred_at
    run.equipment = event.equipment or run.equipment
    await session.flush()


async def operation_paused(session: AsyncSession, event: OperationPaused) -> None:
    run = await _run(session, event.work_order, event.operation, event.product, event.equipment)
    if run.paused_at is None and run.completed_at is None:
        # what fell due before the pause is due now
        await _timed(session, run, event.occurred_at)
        run.paused_at = event.occurred_at
    await session.flush()


async def operation_resumed(session: AsyncSession, event: OperationResumed) -> None:
    run = await _run(session, event.work_order, event.operation, event.product, event.equipment)
    if run.paused_at is not None:
        run.paused_minutes += event.paused_minutes
        run.paused_at = None
    await session.flush()


async def operation_completed(session: AsyncSession, event: OperationCompleted) -> None:
    run = await _run(session, event.work_order, event.operation, event.product, event.equipment)
    if run.completed_at is None:
        run.completed_at = event.occurred_at
        run.started_at = run.started_at or event.started_at
    await session.flush()


async def yield_reported(session: AsyncSession, event: YieldReported) -> list[str]:
    """Counts the report once per `report_id` and opens the tasks whose multiple was reached."""
    run = await _run(session, event.work_order, event.operation, event.product, event.equipment)
    quantity = event.good + event.scrap
    row = await session.get(YieldCount, event.report_id, with_for_update=True)
    if row is None:
        session.add(
            YieldCount(
                report_id=event.report_id, work_order=event.work_order, operation=event.operation,
                quantity=quantity, occurred_at=event.occurred_at,
            )
        )  # fmt: skip
    elif event.occurred_at > row.occurred_at:  # a correction of the report
        row.quantity, row.occurred_at = quantity, event.occurred_at
    await session.flush()
    total = await reported_parts(session, event.work_order, event.operation)
    return await _create_points(session, run, PARTS, total, event.topic)


async def reported_parts(session: AsyncSession, work_order: str, operation: str) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(YieldCount.quantity), 0)).where(
            YieldCount.work_order == work_order, YieldCount.operation == operation
        )
    )
    return Decimal(total or 0)


# ----------------------------------------------------------------------------- the completion check
async def blocking(
    session: AsyncSession, work_order: str, operation: str, now: datetime | None = None
) -> BlockingRead:
    """Due in-process tasks of the operation, after opening the timed ones that fell due by now."""
    run = await session.scalar(
        select(OperationRun)
        .where(OperationRun.work_order == work_order, OperationRun.operation == operation)
        .with_for_update()
    )
    if run is not None:
        await _timed(session, run, now or datetime.now(UTC))
    return await tasks.blocking(session, work_order, operation)


# ----------------------------------------------------------------------------- the worker
async def timed_candidates(session: AsyncSession) -> list[tuple[str, str]]:
    """Running operations (started, not paused, not completed) with a released timed plan."""
    timed = select(Plan.item).where(
        Plan.kind == "in_process",
        Plan.status == "released",
        Plan.sampling["every_t_minutes"].as_integer() >= 1,
    )
    rows = await session.execute(
        select(OperationRun.work_order, OperationRun.operation)
        .where(
            OperationRun.started_at.is_not(None),
            OperationRun.completed_at.is_(None),
            OperationRun.paused_at.is_(None),
            OperationRun.item.in_(timed),
        )
        .order_by(OperationRun.work_order, OperationRun.operation)
    )
    return [(w, o) for w, o in rows]


async def open_timed(session: AsyncSession, work_order: str, operation: str, now: datetime) -> list[str]:
    run = await session.scalar(
        select(OperationRun)
        .where(OperationRun.work_order == work_order, OperationRun.operation == operation)
        .with_for_update(skip_locked=True)
    )
    return [] if run is None else await _timed(session, run, now)


@dataclass(frozen=True)
class TimedRound:
    operations: int
    tasks: list[str]


class TimedSampling(Periodic):
    """Every 30 s: opens the every-t-minutes tasks of running operations, one operation per
    transaction (a replica or a request holding one skips it; the points make a repeat a no-op)."""

    name = "quality-timed-sampling"

    def __init__(self, db: Database, interval_s: float = 30.0) -> None:
        super().__init__(db, interval_s)

    async def step(self) -> TimedRound:
        return await self.once(datetime.now(UTC))

    async def once(self, now: datetime) -> TimedRound:
        async with self.db.transaction() as session:
            candidates = await timed_candidates(session)
        created: list[str] = []
        for work_order, operation in candidates:
            async with self.db.transaction() as session:
                created += await open_timed(session, work_order, operation, now)
        return TimedRound(len(candidates), created)
