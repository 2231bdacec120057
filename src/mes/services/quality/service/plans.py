"""Inspection plans: versioned; releasing a version supersedes the one before it; a released work
order keeps the versions it was released with (ADR 40)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import IncomingInspectionChanged
from mes.platform.events import record_event, utcnow
from mes.services.quality.errors import InvalidPlan, InvalidState
from mes.services.quality.models import Characteristic, DefectCode, OrderPlan, Plan
from mes.services.quality.queries import plan_read, plan_version
from mes.services.quality.schemas import CharacteristicIn, PlanCreate, PlanRead
from mes.services.quality.service.common import audit


def _chart(c: CharacteristicIn) -> str:
    if c.chart is not None:
        return c.chart
    if c.kind == "attribute":
        return "p"
    if c.kind == "defects":
        return "u"
    return "imr" if c.subgroup_size == 1 else "xbar_r"


async def create_plan(session: AsyncSession, data: PlanCreate, actor: str) -> PlanRead:
    """A new draft version of plan `code` (version 1 when the code is new)."""
    known = set(await session.scalars(select(DefectCode.code)))
    for c in data.characteristics:
        unknown = sorted(set(c.defect_codes) - known)
        if unknown:
            raise InvalidPlan(
                f"Unknown defect codes for {c.code}: {', '.join(unknown)}.", defect_codes=unknown
            )
    previous = await session.scalar(
        select(Plan).where(Plan.code == data.code).order_by(Plan.version.desc()).limit(1).with_for_update()
    )
    if previous is not None and (previous.kind, previous.item) != (data.kind, data.item):
        raise InvalidPlan(
            f"Plan {data.code} is a {previous.kind} plan for {previous.item}; use another code."
        )
    version = (previous.version + 1) if previous else 1
    plan = Plan(
        code=data.code,
        version=version,
        kind=data.kind,
        item=data.item,
        operation=data.operation,
        status="draft",
        sampling=data.sampling.model_dump(mode="json"),
        created_by=actor,
    )
    session.add(plan)
    await session.flush()
    for i, c in enumerate(data.characteristics):
        session.add(
            Characteristic(
                plan_id=plan.id,
                position=i,
                code=c.code,
                name=c.name,
                kind=c.kind,
                nominal=c.nominal,
                lsl=c.lsl,
                usl=c.usl,
                unit=c.unit,
                decimals=c.decimals,
                chart=_chart(c),
                subgroup_size=c.subgroup_size,
                rules=sorted(set(c.rules)),
                rule_runs=dict(c.rule_runs),
                gauge_required=c.gauge_required and c.kind == "variable",
                defect_codes=c.defect_codes,
                max_defects=c.max_defects,
            )
        )
    await session.flush()
    await audit(
        session, actor, "plan.created", "plan", f"{plan.code} v{version}", new=data.model_dump(mode="json")
    )
    return await plan_read(session, plan)


async def release_plan(session: AsyncSession, code: str, version: int, actor: str) -> PlanRead:
    plan = await plan_version(session, code, version)
    if plan.status != "draft":
        raise InvalidState(f"Plan {code} v{version} is {plan.status}; only a draft is released.")
    for other in await session.scalars(
        select(Plan).where(Plan.code == code, Plan.status == "released").with_for_update()
    ):
        other.status = "superseded"
        await audit(session, actor, "plan.superseded", "plan", f"{code} v{other.version}")
    plan.status = "released"
    plan.released_at = utcnow()
    await audit(session, actor, "plan.released", "plan", f"{code} v{version}")
    if plan.kind == "incoming":
        await record_event(
            session,
            IncomingInspectionChanged(
                item_code=plan.item, required=True, plan=f"{code} v{version}", requested_by=actor
            ),
        )
    return await plan_read(session, plan)


async def released_plans(
    session: AsyncSession, kind: str, item: str, operation: str | None = None
) -> list[Plan]:
    query = select(Plan).where(Plan.kind == kind, Plan.item == item, Plan.status == "released")
    if operation is not None:
        query = query.where(Plan.operation == operation)
    return list(await session.scalars(query.order_by(Plan.code)))


async def _pin(session: AsyncSession, work_order: str, plans: list[Plan]) -> None:
    if plans:
        await session.execute(
            insert(OrderPlan)
            .values([{"work_order": work_order, "plan_code": p.code, "plan_id": p.id} for p in plans])
            .on_conflict_do_nothing(index_elements=["work_order", "plan_code"])
        )


async def pin_order_plans(session: AsyncSession, work_order: str, product: str) -> None:
    """On the order's release: the in-process and final plans for its product, at the versions
    released now. An order released again (after a hold, say) keeps what it had."""
    current = list(
        await session.scalars(
            select(Plan)
            .where(Plan.item == product, Plan.kind.in_(("in_process", "final")), Plan.status == "released")
            .order_by(Plan.code)
        )
    )
    await _pin(session, work_order, current)


async def order_plans(
    session: AsyncSession, work_order: str, kind: str, item: str, operation: str | None = None
) -> list[Plan]:
    """The plans an order inspects by: the version pinned for it where one is, else the version
    released now, which is pinned for it from then on."""
    pinned = {
        p.code: p
        for p in await session.scalars(
            select(Plan)
            .join(OrderPlan, OrderPlan.plan_id == Plan.id)
            .where(OrderPlan.work_order == work_order)
        )
    }
    new = [p for p in await released_plans(session, kind, item, operation) if p.code not in pinned]
    await _pin(session, work_order, new)
    if new:  # pinned meanwhile by another event of the order: that version wins
        return await order_plans(session, work_order, kind, item, operation)
    mine = [
        p
        for p in pinned.values()
        if p.kind == kind and p.item == item and (operation is None or p.operation == operation)
    ]
    return sorted(mine, key=lambda p: p.code)


async def list_plans(
    session: AsyncSession, item: str | None, limit: int, offset: int
) -> tuple[list[PlanRead], int]:
    query = select(Plan)
    if item is not None:
        query = query.where(Plan.item == item)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(query.order_by(Plan.code, Plan.version).limit(limit).offset(offset))
    return [await plan_read(session, p) for p in rows], total
