"""SPC on recorded results: limits from a baseline window (recomputed only on request, the old
ones kept), the rules evaluated on every new point, the chart with capability."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.quality.errors import CharacteristicNotFound, SpcNotComputable
from mes.services.quality.models import Characteristic, ControlLimits, Plan, Result, Task
from mes.services.quality.models import spc as rules
from mes.services.quality.queries import characteristic_read, plan_version
from mes.services.quality.schemas import ChartPoint, ChartRead, LimitsRead, LimitsRequest
from mes.services.quality.service.common import audit

WINDOW = 30  # points looked back at when a new one arrives (longest rule run is 15)


def limits_read(row: ControlLimits) -> LimitsRead:
    return LimitsRead.model_validate(row)


async def characteristic_of(session: AsyncSession, plan_code: str, code: str) -> tuple[Plan, Characteristic]:
    plan = await plan_version(session, plan_code)
    char = await session.scalar(
        select(Characteristic).where(Characteristic.plan_id == plan.id, Characteristic.code == code)
    )
    if char is None:
        raise CharacteristicNotFound(f"Plan {plan_code} has no characteristic {code}.")
    return plan, char


async def active_limits(session: AsyncSession, char_id: Any) -> ControlLimits | None:
    return await session.scalar(
        select(ControlLimits).where(ControlLimits.characteristic_id == char_id, ControlLimits.active)
    )


def point_limits(char: Characteristic, lim: ControlLimits, sample_size: int) -> rules.Limits:
    """The limits a point is judged against; p and u limits depend on the sample's size."""
    if char.chart == "p":
        half = 3 * math.sqrt(max(lim.center * (1 - lim.center), 0.0) / sample_size)
        return rules.Limits(lim.center, min(1.0, lim.center + half), max(0.0, lim.center - half))
    if char.chart == "u":
        half = 3 * math.sqrt(max(lim.center, 0.0) / sample_size)
        return rules.Limits(lim.center, lim.center + half, max(0.0, lim.center - half))
    return rules.Limits(lim.center, lim.ucl, lim.lcl)


def config_of(char: Characteristic) -> rules.RuleConfig:
    runs = dict(rules.DEFAULT_RUNS)
    runs.update({k: int(v) for k, v in (char.rule_runs or {}).items()})
    return rules.RuleConfig(enabled=frozenset(char.rules or []), runs=runs)


async def judge_point(
    session: AsyncSession, char: Characteristic, point: float, sample_size: int
) -> tuple[list[rules.Violation], ControlLimits | None]:
    """The rules the new point breaks, looking back over the characteristic's recent points."""
    lim = await active_limits(session, char.id)
    if lim is None:
        return [], None
    recent = list(
        await session.execute(
            select(Result.point, Result.sample_size)
            .where(Result.characteristic_id == char.id, Result.point.is_not(None))
            .order_by(Result.id.desc())
            .limit(WINDOW - 1)
        )
    )[::-1]
    values = [float(p or 0.0) for p, _ in recent] + [point]
    limits = [point_limits(char, lim, n) for _, n in recent] + [point_limits(char, lim, sample_size)]
    return rules.violations_at(len(values) - 1, values, limits, config_of(char)), lim


async def recompute_limits(
    session: AsyncSession, plan_code: str, code: str, data: LimitsRequest, actor: str
) -> LimitsRead:
    _, char = await characteristic_of(session, plan_code, code)
    query = select(Result).where(Result.characteristic_id == char.id).order_by(Result.id)
    if data.from_result is not None:
        query = query.where(Result.id >= data.from_result)
    if data.to_result is not None:
        query = query.where(Result.id <= data.to_result)
    rows = list(await session.scalars(query))
    if len(rows) < 2:
        raise SpcNotComputable(f"{code} has {len(rows)} results in the window; limits need at least 2.")
    try:
        if char.chart == "imr":
            cl = rules.imr_limits([float(r.values[0]) for r in rows])
        elif char.chart == "xbar_r":
            cl = rules.xbar_r_limits([r.values for r in rows])
        elif char.chart == "xbar_s":
            cl = rules.xbar_s_limits([r.values for r in rows])
        elif char.chart == "p":
            _, per = rules.p_limits([r.nonconforming for r in rows], [r.sample_size for r in rows])
            cl = rules.ChartLimits("p", per[-1], None, None)
        else:
            defects = [sum(r.defects.values()) for r in rows]
            _, per = rules.u_limits(defects, [float(r.sample_size) for r in rows])
            cl = rules.ChartLimits("u", per[-1], None, None)
    except rules.SpcError as e:
        raise SpcNotComputable(str(e)) from None
    await session.execute(
        update(ControlLimits).where(ControlLimits.characteristic_id == char.id).values(active=False)
    )
    disp = cl.dispersion
    row = ControlLimits(
        characteristic_id=char.id,
        chart=cl.kind,
        center=cl.location.center,
        ucl=cl.location.ucl,
        lcl=cl.location.lcl,
        dispersion={"center": disp.center, "ucl": disp.ucl, "lcl": disp.lcl} if disp else None,
        sigma_within=cl.sigma_within,
        baseline_from=rows[0].id,
        baseline_to=rows[-1].id,
        computed_by=actor,
        active=True,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    read = limits_read(row)
    await audit(
        session,
        actor,
        "spc.limits_computed",
        "characteristic",
        f"{plan_code}/{code}",
        new=read.model_dump(mode="json"),
    )
    return read


async def chart(session: AsyncSession, plan_code: str, code: str, limit: int) -> ChartRead:
    plan, char = await characteristic_of(session, plan_code, code)
    history = list(
        await session.scalars(
            select(ControlLimits).where(ControlLimits.characteristic_id == char.id).order_by(ControlLimits.id)
        )
    )
    active = next((h for h in history if h.active), None)
    rows = list(
        await session.execute(
            select(Result, Task.number)
            .join(Task, Task.id == Result.task_id)
            .where(Result.characteristic_id == char.id, Result.point.is_not(None))
            .order_by(Result.id.desc())
            .limit(limit)
        )
    )[::-1]
    points = []
    for r, task in rows:
        lim = point_limits(char, active, r.sample_size) if active else None
        points.append(
            ChartPoint(
                result_id=r.id,
                task=task,
                value=float(r.point or 0.0),
                ucl=lim.ucl if lim else None,
                lcl=lim.lcl if lim else None,
                center=lim.center if lim else None,
                recorded_at=r.recorded_at,
                violations=r.violations,
            )
        )
    capability: dict[str, float | None] | None = None
    if char.kind == "variable" and active is not None and active.sigma_within and len(rows) >= 2:
        values = [float(v) for r, _ in rows for v in r.values]
        if len(values) >= 2:
            c = rules.capability(
                values,
                float(char.lsl) if char.lsl is not None else None,
                float(char.usl) if char.usl is not None else None,
                active.sigma_within,
            )
            capability = {"cp": c.cp, "cpk": c.cpk, "pp": c.pp, "ppk": c.ppk}
    return ChartRead(
        plan=plan.code,
        characteristic=characteristic_read(char),
        chart=char.chart or "imr",
        limits=limits_read(active) if active else None,
        history=[limits_read(h) for h in history],
        points=points,
        capability=capability,
    )
