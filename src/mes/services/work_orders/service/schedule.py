"""The finite-capacity schedule of released work: computed on demand or by the schedule worker.

A change to an order (release, hold, resume, cancel, completion, floor change) does not recompute
the plant's schedule in its request: it writes a `schedule_change` row in its own transaction
(`mark_stale`), and the schedule worker plans every change at once a moment later (debounced).
The explicit recompute endpoint still recomputes at once (ADR 24).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import structlog
from pydantic import ValidationError
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import Database
from mes.platform.errors import DomainError
from mes.platform.events import utcnow
from mes.platform.http import RemoteError, ServiceDirectory
from mes.platform.identity import ServiceIdentity
from mes.platform.workers import Periodic
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import PlanningUnavailable
from mes.services.work_orders.models import (
    EquipmentState,
    MachineRef,
    Operation,
    ScheduleChange,
    ScheduleRun,
    WorkCenterRef,
    WorkOrder,
)
from mes.services.work_orders.models.scheduling import Job, Step, schedule
from mes.services.work_orders.schemas.planning import (
    PlanWindow,
    ScheduledOperation,
    ScheduledOrder,
    ScheduleRead,
    ScheduleUnit,
)

log = structlog.get_logger("mes.work_orders.schedule")
OPEN = ("pending", "in_progress", "paused")
_LOCK = 0x574F5343  # one schedule computation at a time, across replicas
RUN_ID = 1


def remaining_minutes(op: Operation) -> Decimal:
    left = max(op.quantity - op.good - op.scrap - op.rework, Decimal(0))
    setup = op.setup_minutes if op.status == "pending" else Decimal(0)
    return setup + op.run_minutes * left


async def _jobs(session: AsyncSession) -> tuple[list[WorkOrder], dict[str, list[Operation]]]:
    orders = list(
        await session.scalars(
            select(WorkOrder)
            .where(WorkOrder.status.in_(("released", "in_progress")))
            .order_by(WorkOrder.priority, WorkOrder.due, WorkOrder.number)
        )
    )
    ops: dict[str, list[Operation]] = {o.number: [] for o in orders}
    by_id = {o.id: o.number for o in orders}
    rows = await session.scalars(
        select(Operation)
        .where(Operation.work_order_id.in_(list(by_id)), Operation.status.in_(OPEN))
        .order_by(Operation.position, Operation.branch)
    )
    for op in rows:
        ops[by_id[op.work_order_id]].append(op)
    return orders, ops


@dataclass(frozen=True)
class Unit:
    work_center: str
    equipment: str | None  # None: the work center itself (no machine known)
    available: bool
    state: str | None

    @property
    def code(self) -> str:
        return self.equipment or self.work_center


async def _units(session: AsyncSession, centers: list[str]) -> list[Unit]:
    """The machines of each work center (from resource's equipment events) with their last known
    state; a work center without a known machine is one unit, itself."""
    if not centers:
        return []
    machines: dict[str, dict[str, str]] = {wc: {} for wc in centers}  # wc -> machine -> path
    for m in await session.scalars(select(MachineRef).where(MachineRef.work_center.in_(centers))):
        machines[m.work_center][m.code] = m.path
    paths = {
        w.code: w.path
        for w in await session.scalars(select(WorkCenterRef).where(WorkCenterRef.code.in_(centers)))
    }
    states = {e.code: e for e in await session.scalars(select(EquipmentState))}
    for e in states.values():  # machines known only by a state they reported
        for wc, path in paths.items():
            if e.path.startswith(path + "/") and e.code not in machines[wc]:
                machines[wc][e.code] = e.path
    units: list[Unit] = []
    for wc in centers:
        if machines[wc]:
            for code in sorted(machines[wc]):
                st = states.get(code)
                units.append(Unit(wc, code, st.available if st else True, st.state if st else None))
        else:
            st = states.get(wc)
            units.append(Unit(wc, None, st.available if st else True, st.state if st else None))
    return units


async def _windows(
    caller: Caller, units: list[Unit], origin: datetime, end: datetime
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each available unit's planned windows from resource (a machine inherits its work center's
    calendar there); PlanningUnavailable when it can't say."""
    windows: dict[str, list[tuple[datetime, datetime]]] = {}
    for unit in units:
        if not unit.available:
            windows[unit.code] = []
            continue
        try:
            found = await clients.planned_windows(caller, unit.code, origin, end)
        except RemoteError as e:
            if e.status < 500:
                raise  # the caller's problem (no permission, unknown work center): passed on
            raise PlanningUnavailable(
                f"Resource could not give the shift windows of {unit.code} ({e.code}: {e.detail}); "
                "the schedule stays as it was.",
                work_center=unit.work_center,
            ) from e
        except ValidationError as e:  # an answer that is not what resource's schema says
            raise PlanningUnavailable(
                f"Resource answered the shift windows of {unit.code} in an unexpected form; "
                "the schedule stays as it was.",
                work_center=unit.work_center,
            ) from e
        windows[unit.code] = [(w.start, w.end) for w in found]
    return windows


def _scheduled_op(op: Operation) -> ScheduledOperation:
    return ScheduledOperation(
        key=op.key,
        work_center=op.work_center,
        minutes=remaining_minutes(op),
        planned_start=op.planned_start,
        planned_end=op.planned_end,
        name=op.name,
        status=op.status,
        equipment=op.planned_equipment,
    )


def _scheduled_order(o: WorkOrder, ops: list[Operation]) -> ScheduledOrder:
    return ScheduledOrder(
        work_order=o.number,
        priority=o.priority,
        due=o.due,
        planned_start=o.planned_start,
        planned_end=o.planned_end,
        late=o.late,
        operations=[_scheduled_op(op) for op in ops],
        product=o.product,
        status=o.status,
    )


async def _run(session: AsyncSession, *, lock: bool = False) -> ScheduleRun:
    query = select(ScheduleRun).where(ScheduleRun.id == RUN_ID)
    run = await session.scalar(query.with_for_update() if lock else query)
    if run is None:
        run = ScheduleRun(id=RUN_ID, recomputations=0, units=[])
        session.add(run)
    return run


async def recompute(
    session: AsyncSession, caller: Caller, start: datetime | None = None, horizon_days: int = 28
) -> ScheduleRead:
    """Plan every released order on its work centers' available machines and their shift windows
    (asked from resource); clears the stale marks it has planned. Fails, if at all, before it
    changes anything."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    marked = await session.scalar(select(func.max(ScheduleChange.id)))
    origin = start or utcnow()
    end = origin + timedelta(days=horizon_days)
    orders, ops = await _jobs(session)
    centers = sorted({op.work_center for group in ops.values() for op in group})
    units = await _units(session, centers)
    windows = await _windows(caller, units, origin, end)
    by_center: dict[str, list[str]] = {wc: [] for wc in centers}
    for u in units:
        if u.available:
            by_center[u.work_center].append(u.code)
    down = frozenset(u.code for u in units if not u.available)
    jobs = [
        Job(
            o.number,
            o.due,
            [
                Step(op.key, op.position, op.work_center, remaining_minutes(op), op.equipment)
                for op in ops[o.number]
            ],
        )
        for o in orders
    ]
    plan = schedule(jobs, windows, origin, end, units=by_center, down=down)
    # Lock the planned orders in one order (by id) before writing their plan: a request locks its
    # order and then its operations, so the worker, which writes orders before operations, can
    # wait for a request but never hold an operation a request waits for (no deadlock cycle).
    await session.execute(
        select(WorkOrder.id)
        .where(WorkOrder.id.in_([o.id for o in orders]))
        .order_by(WorkOrder.id)
        .with_for_update()
    )
    await session.execute(  # held or cancelled orders leave the plan
        update(WorkOrder)
        .where(WorkOrder.status.in_(("on_hold", "cancelled")), WorkOrder.planned_start.is_not(None))
        .values(planned_start=None, planned_end=None, late=False)
    )
    for o in orders:
        o.planned_start, o.planned_end = plan.orders[o.number].start, plan.orders[o.number].end
        o.late = plan.late[o.number]
        for op in ops[o.number]:
            placed = plan.steps[(o.number, op.key)]
            op.planned_start, op.planned_end = placed.start, placed.end
            op.planned_equipment = placed.unit if placed.unit != op.work_center else None
    if marked is not None:
        await session.execute(delete(ScheduleChange).where(ScheduleChange.id <= marked))
    run = await _run(session, lock=True)
    run.computed_at = utcnow()
    run.computed_by = caller.subject
    run.origin, run.horizon_end = origin, end
    run.recomputations = (run.recomputations or 0) + 1
    run.units = [
        {
            "work_center": u.work_center,
            "equipment": u.equipment,
            "available": u.available,
            "state": u.state,
            "windows": [[a.isoformat(), b.isoformat()] for a, b in windows.get(u.code, [])],
        }
        for u in units
    ]
    run.last_error = run.last_error_at = None
    await session.flush()
    return await current(session)


async def mark_stale(session: AsyncSession, caller: Caller, what: str) -> None:
    """After an order changed, in its transaction: the schedule is stale until the worker replans.
    Writes one row and nothing else: no call to resource, no plan (ADR 24)."""
    session.add(ScheduleChange(at=utcnow(), what=what[:200], actor=caller.subject))
    LATEST.note(caller)
    await session.flush()


def unplan(order: WorkOrder) -> None:
    """A held or cancelled order leaves the plan at once; the others move when the worker replans."""
    order.planned_start = order.planned_end = None
    order.late = False


async def current(session: AsyncSession) -> ScheduleRead:
    orders, ops = await _jobs(session)
    run = await session.scalar(select(ScheduleRun).where(ScheduleRun.id == RUN_ID))
    stale_since = await session.scalar(select(func.min(ScheduleChange.at)))
    return ScheduleRead(
        orders=[_scheduled_order(o, ops[o.number]) for o in orders],
        computed_at=run.computed_at if run else None,
        computed_by=run.computed_by if run else None,
        origin=run.origin if run else None,
        horizon_end=run.horizon_end if run else None,
        stale=stale_since is not None,
        stale_since=stale_since,
        recomputations=run.recomputations if run else 0,
        last_error=run.last_error if run else None,
        units=[
            ScheduleUnit(
                work_center=u["work_center"],
                equipment=u["equipment"],
                available=u["available"],
                state=u.get("state"),
                windows=[PlanWindow(start=a, end=b) for a, b in u["windows"]],
            )
            for u in (run.units if run else [])
        ],
    )


class _Latest:
    """The last caller whose change marked the schedule stale, in this process: the background
    recompute asks resource for shift windows with their token (it is short-lived; a recompute it
    can't authorise leaves the schedule stale and says why)."""

    def __init__(self) -> None:
        self.caller: Caller | None = None

    def note(self, caller: Caller) -> None:
        if caller.token is not None:
            self.caller = caller


LATEST = _Latest()


class BackgroundCaller:
    """The schedule worker's own identity (ADR 44): a service token from auth carrying only what
    the worker needs (resource:read), so a restart that forgot every user token still replans."""

    def __init__(self, directory: ServiceDirectory) -> None:
        self.directory = directory
        self.identity = ServiceIdentity("work-orders", directory)

    async def caller(self) -> Caller:
        try:
            token = await self.identity.token()
        except DomainError as e:
            raise PlanningUnavailable(f"No service token from auth ({e.code}); recompute by hand.") from None
        return Caller(subject="service:work-orders", token=token, directory=self.directory)


async def refresh_stale(
    db: Database,
    caller: Caller | None,
    *,
    service: BackgroundCaller | None = None,
    now: datetime | None = None,
    debounce_s: float = 2.0,
    max_wait_s: float = 30.0,
    retry_s: float = 30.0,
) -> ScheduleRead | None:
    """One round of the schedule worker: when changes marked the schedule stale and none came for
    `debounce_s` (or the oldest waits for `max_wait_s`), recompute once for all of them; after a
    failed round, try again `retry_s` later. None when there was nothing to do or it could not run
    now (then `last_error` says why). With `service`, it plans as the service itself, else as
    `caller` (the last user whose change made it stale, in this process)."""
    at = now or utcnow()
    try:
        async with db.transaction() as session:
            row = (
                await session.execute(select(func.min(ScheduleChange.at), func.max(ScheduleChange.at)))
            ).one()
            first: datetime | None = row[0]
            last: datetime | None = row[1]
            if first is None or last is None:
                return None
            if at - last < timedelta(seconds=debounce_s) and at - first < timedelta(seconds=max_wait_s):
                return None  # more changes may follow: wait for them
            failed_at = await session.scalar(
                select(ScheduleRun.last_error_at).where(ScheduleRun.id == RUN_ID)
            )
            if failed_at is not None and at - failed_at < timedelta(seconds=retry_s):
                return None  # the last round failed: don't press resource every second
            if service is not None:
                try:
                    caller = await service.caller()
                except PlanningUnavailable:
                    if caller is None:
                        raise  # nor any user's token to fall back on
            if caller is None:  # leaves the round to a replica that has one
                raise PlanningUnavailable(
                    "No recent user token to ask resource for shift windows with; recompute by hand."
                )
            if not await session.scalar(select(func.pg_try_advisory_xact_lock(_LOCK))):
                return None  # another replica is computing
            return await recompute(session, caller, at)
    except DomainError as e:
        await _failed(db, f"{e.code}: {e.detail}", at)
        log.warning("schedule_not_recomputed", code=e.code, detail=e.detail)
        return None


async def _failed(db: Database, why: str, at: datetime) -> None:
    async with db.transaction() as session:
        run = await _run(session, lock=True)
        run.last_error, run.last_error_at = why, at


class ScheduleWorker(Periodic):
    """Replans the stale schedule off the request path, debounced (ADR 24)."""

    name = "work_orders.schedule"

    def __init__(self, db: Database, interval_s: float = 1.0) -> None:
        super().__init__(db, interval_s)
        self._service: BackgroundCaller | None = None

    async def step(self) -> object:
        if self._service is None and self.directory is not None:
            self._service = BackgroundCaller(self.directory)  # keeps its token while it is valid
        return await refresh_stale(self.db, LATEST.caller, service=self._service)
