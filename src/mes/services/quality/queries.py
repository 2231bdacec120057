"""Read side of the quality service: rows to schemas, lists for the workbench."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.quality.errors import CapaNotFound, NcrNotFound, PlanNotFound, TaskNotFound
from mes.services.quality.models import Capa, CapaAction, Characteristic, Gauge, Ncr, Plan, Result, Task
from mes.services.quality.schemas import (
    CapaActionRead,
    CapaPage,
    CapaRead,
    CharacteristicRead,
    GaugeRead,
    NcrPage,
    NcrRead,
    PlanRead,
    ResultRead,
    TaskPage,
    TaskRead,
)


def today() -> date:
    return datetime.now(UTC).date()


async def characteristics(session: AsyncSession, plan_id: uuid.UUID) -> list[Characteristic]:
    return list(
        await session.scalars(
            select(Characteristic).where(Characteristic.plan_id == plan_id).order_by(Characteristic.position)
        )
    )


def characteristic_read(c: Characteristic) -> CharacteristicRead:
    return CharacteristicRead.model_validate(c)


async def plan_read(session: AsyncSession, plan: Plan) -> PlanRead:
    chars = [characteristic_read(c) for c in await characteristics(session, plan.id)]
    return PlanRead(
        id=plan.id,
        code=plan.code,
        version=plan.version,
        kind=plan.kind,
        item=plan.item,
        operation=plan.operation,
        status=plan.status,
        sampling=plan.sampling,
        created_by=plan.created_by,
        created_at=plan.created_at,
        released_at=plan.released_at,
        characteristics=chars,
    )


async def plan_version(session: AsyncSession, code: str, version: int | None = None) -> Plan:
    """A given version, or the released one (else the newest)."""
    query = select(Plan).where(Plan.code == code)
    if version is not None:
        query = query.where(Plan.version == version)
    plans = list(await session.scalars(query.order_by(Plan.version.desc())))
    if not plans:
        raise PlanNotFound(f"No inspection plan {code}" + (f" version {version}." if version else "."))
    released = [p for p in plans if p.status == "released"]
    return released[0] if released and version is None else plans[0]


async def task_read(session: AsyncSession, task: Task) -> TaskRead:
    plan = await session.get(Plan, task.plan_id)
    assert plan is not None
    return TaskRead(
        number=task.number,
        plan=plan.code,
        plan_version=plan.version,
        kind=task.kind,
        status=task.status,
        source=task.source,
        item=task.item,
        lot_code=task.lot_code,
        serial=task.serial,
        supplier=task.supplier,
        lot_size=task.lot_size,
        sampling=task.sampling,
        work_order=task.work_order,
        operation=task.operation,
        equipment=task.equipment,
        created_at=task.created_at,
        due_at=task.due_at,
        overdue=task.status == "due" and task.due_at < datetime.now(UTC),
        closed_at=task.closed_at,
        closed_by=task.closed_by,
        waiver_reason=task.waiver_reason,
        ncr=task.ncr_number,
        characteristics=[characteristic_read(c) for c in await characteristics(session, plan.id)],
    )


async def task_by_number(session: AsyncSession, number: str, *, lock: bool = False) -> Task:
    query = select(Task).where(Task.number == number)
    if lock:
        query = query.with_for_update()
    task = await session.scalar(query)
    if task is None:
        raise TaskNotFound(f"No inspection task {number}.")
    return task


async def list_tasks(
    session: AsyncSession,
    *,
    status: str | None,
    kind: str | None,
    work_order: str | None,
    operation: str | None,
    lot_code: str | None,
    limit: int,
    offset: int,
) -> TaskPage:
    query = select(Task)
    for col, value in (
        (Task.status, status),
        (Task.kind, kind),
        (Task.work_order, work_order),
        (Task.operation, operation),
        (Task.lot_code, lot_code),
    ):
        if value is not None:
            query = query.where(col == value)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(query.order_by(Task.due_at, Task.number).limit(limit).offset(offset))
    return TaskPage(
        items=[await task_read(session, t) for t in rows], total=total, limit=limit, offset=offset
    )


def result_read(r: Result, code: str) -> ResultRead:
    return ResultRead(
        id=r.id,
        characteristic=code,
        values=r.values,
        point=r.point,
        passed=r.passed,
        nonconforming=r.nonconforming,
        defects=r.defects,
        sample_size=r.sample_size,
        operator=r.operator,
        gauge=r.gauge,
        equipment=r.equipment,
        lot_code=r.lot_code,
        serial=r.serial,
        violations=r.violations,
        recorded_at=r.recorded_at,
    )


async def task_results(session: AsyncSession, task: Task) -> list[ResultRead]:
    rows = await session.execute(
        select(Result, Characteristic.code)
        .join(Characteristic, Characteristic.id == Result.characteristic_id)
        .where(Result.task_id == task.id)
        .order_by(Result.id)
    )
    return [result_read(r, code) for r, code in rows]


def ncr_read(n: Ncr) -> NcrRead:
    return NcrRead(
        number=n.number,
        status=n.status,
        title=n.title,
        item=n.item,
        work_order=n.work_order,
        operation=n.operation,
        evidence=n.evidence,
        held_lots=n.held_lots,
        work_order_held=n.work_order_held,
        disposition=n.disposition,
        signature_id=n.signature_id,
        opened_by=n.opened_by,
        opened_at=n.opened_at,
        dispositioned_at=n.dispositioned_at,
        closed_at=n.closed_at,
        content=n.content(),
    )


async def ncr_by_number(session: AsyncSession, number: str, *, lock: bool = False) -> Ncr:
    query = select(Ncr).where(Ncr.number == number)
    if lock:  # read again under the lock: nothing peeked before it is trusted
        query = query.with_for_update().execution_options(populate_existing=True)
    ncr = await session.scalar(query)
    if ncr is None:
        raise NcrNotFound(f"No non-conformance {number}.")
    return ncr


async def list_ncrs(
    session: AsyncSession, *, status: str | None, lot_code: str | None, limit: int, offset: int
) -> NcrPage:
    query = select(Ncr)
    if status is not None:
        query = query.where(Ncr.status == status)
    if lot_code is not None:
        query = query.where(Ncr.held_lots.contains([lot_code]))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(Ncr.opened_at.desc(), Ncr.number.desc()).limit(limit).offset(offset)
    )
    return NcrPage(items=[ncr_read(n) for n in rows], total=total, limit=limit, offset=offset)


def gauge_read(g: Gauge) -> GaugeRead:
    return GaugeRead(
        code=g.code,
        name=g.name,
        interval_days=g.interval_days,
        calibrated_on=g.calibrated_on,
        due_on=g.due_on,
        overdue=g.due_on < today(),
    )


def capa_read(c: Capa, actions: list[CapaAction], on: date | None = None) -> CapaRead:
    day = on or today()
    open_ = c.status == "open"
    rows = [
        CapaActionRead(
            position=a.position,
            description=a.description,
            owner=a.owner,
            due_on=a.due_on,
            done_at=a.done_at,
            done_by=a.done_by,
            done_note=a.done_note,
            overdue=open_ and a.done_at is None and a.due_on < day,
        )
        for a in sorted(actions, key=lambda a: a.position)
    ]
    return CapaRead(
        number=c.number,
        status=c.status,
        title=c.title,
        problem=c.problem,
        ncrs=c.ncrs,
        owner=c.owner,
        due_on=c.due_on,
        overdue=open_ and (c.due_on < day or any(a.overdue for a in rows)),
        actions=rows,
        effectiveness=c.effectiveness,
        signature_id=c.signature_id,
        opened_by=c.opened_by,
        opened_at=c.opened_at,
        closed_by=c.closed_by,
        closed_at=c.closed_at,
        closure_reason=c.closure_reason,
        content=c.content(actions),
    )


async def capa_actions(session: AsyncSession, capa: Capa) -> list[CapaAction]:
    rows = await session.scalars(
        select(CapaAction).where(CapaAction.capa_id == capa.id).order_by(CapaAction.position)
    )
    return list(rows)


async def capa_by_number(session: AsyncSession, number: str, *, lock: bool = False) -> Capa:
    query = select(Capa).where(Capa.number == number)
    if lock:
        query = query.with_for_update()
    capa = await session.scalar(query)
    if capa is None:
        raise CapaNotFound(f"No CAPA {number}.")
    return capa


async def list_capas(
    session: AsyncSession,
    *,
    status: str | None,
    ncr: str | None,
    overdue: bool,
    on: date | None,
    limit: int,
    offset: int,
) -> CapaPage:
    """`overdue`: open CAPAs past their due date or with an open action past its own."""
    day = on or today()
    query = select(Capa)
    if status is not None:
        query = query.where(Capa.status == status)
    if ncr is not None:
        query = query.where(Capa.ncrs.contains([ncr]))
    if overdue:
        late_action = (
            select(CapaAction.id)
            .where(CapaAction.capa_id == Capa.id, CapaAction.done_at.is_(None), CapaAction.due_on < day)
            .exists()
        )
        query = query.where(Capa.status == "open", (Capa.due_on < day) | late_action)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = (Capa.due_on, Capa.number) if overdue else (Capa.opened_at.desc(), Capa.number.desc())
    capas = list(await session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    by_capa: dict[uuid.UUID, list[CapaAction]] = {c.id: [] for c in capas}
    if capas:
        for a in await session.scalars(select(CapaAction).where(CapaAction.capa_id.in_(list(by_capa)))):
            by_capa[a.capa_id].append(a)
    items = [capa_read(c, by_capa[c.id], day) for c in capas]
    return CapaPage(items=items, total=total, limit=limit, offset=offset)
