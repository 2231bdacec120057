"""Recording an inspection: judge each characteristic, chart it, and close the loop on a failure
or a rule violation (NCR with the evidence, holds on exactly the suspect material)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts import quality as ev
from mes.platform.events import record_event
from mes.services.quality.clients import Caller
from mes.services.quality.errors import (
    GaugeOverdue,
    InvalidResult,
    InvalidState,
    UnknownCharacteristic,
    UnknownGauge,
)
from mes.services.quality.models import Characteristic, Gauge, Plan, ProducedLot, Result, Switching, Task
from mes.services.quality.models import sampling as iso
from mes.services.quality.queries import characteristics, task_by_number, task_read, task_results, today
from mes.services.quality.schemas import ResultIn, ResultsRecord, Verdict
from mes.services.quality.service.common import audit
from mes.services.quality.service.ncrs import open_ncr
from mes.services.quality.service.spc import judge_point
from mes.services.quality.service.tasks import announce_verdict, switching_state


async def _gauge(session: AsyncSession, chars: list[Characteristic], code: str | None) -> None:
    if not any(c.kind == "variable" and c.gauge_required for c in chars):
        return
    if code is None:
        raise UnknownGauge("This plan measures with a gauge: name the gauge used.")
    gauge = await session.get(Gauge, code)
    if gauge is None:
        raise UnknownGauge(f"Gauge {code} is not registered; a result taken with it is refused.", gauge=code)
    if gauge.due_on < today():
        raise GaugeOverdue(
            f"Gauge {code} was due for calibration on {gauge.due_on.isoformat()}; the result is refused.",
            gauge=code,
            due_on=gauge.due_on.isoformat(),
        )


def _judge(c: Characteristic, r: ResultIn, sample_size: int, ac: int) -> tuple[int, float | None, bool]:
    """(nonconforming units or defects, the charted point, passed)."""
    if c.kind != "variable" and r.values:
        raise InvalidResult(f"{c.code} is {c.kind}: it takes no measured values.", characteristic=c.code)
    if c.kind == "variable":
        if not r.values:
            raise InvalidResult(f"{c.code} needs its measured value(s).", characteristic=c.code)
        if c.chart in ("xbar_r", "xbar_s") and len(r.values) != c.subgroup_size:
            raise InvalidResult(
                f"{c.code} is charted in subgroups of {c.subgroup_size}; {len(r.values)} values were given.",
                characteristic=c.code,
            )
        lsl = float(c.lsl) if c.lsl is not None else -math.inf
        usl = float(c.usl) if c.usl is not None else math.inf
        bad = sum(1 for v in r.values if not lsl <= v <= usl)
        return bad, math.fsum(r.values) / len(r.values), bad <= ac
    if c.kind == "attribute":
        if r.nonconforming is None and r.passed is None:
            raise InvalidResult(
                f"{c.code}: give passed, or the number of nonconforming units.", characteristic=c.code
            )
        bad = r.nonconforming if r.nonconforming is not None else (0 if r.passed else 1)
        if bad > sample_size:
            raise InvalidResult(
                f"{c.code}: {bad} nonconforming in a sample of {sample_size}.", characteristic=c.code
            )
        return bad, bad / sample_size, bad <= ac
    unknown = sorted(set(r.defects) - set(c.defect_codes)) if c.defect_codes else []
    if unknown:
        raise InvalidResult(f"{c.code}: defect codes {', '.join(unknown)} are not on this characteristic.")
    total = sum(r.defects.values())
    return total, total / sample_size, total <= c.max_defects


async def _suspect_lots(session: AsyncSession, task: Task, failed: list[Characteristic]) -> list[str]:
    """Material made by the task's operation since the last good sample of a failed characteristic."""
    lots = {task.lot_code} if task.lot_code else set()
    if task.work_order is None or task.operation is None:
        return sorted(lots)
    since: datetime | None = None
    for c in failed:
        last_good = await session.scalar(
            select(Result.recorded_at)
            .where(
                Result.characteristic_id == c.id,
                Result.work_order == task.work_order,
                Result.operation == task.operation,
                Result.passed,
            )
            .order_by(Result.id.desc())
            .limit(1)
        )
        if last_good is not None and (since is None or last_good < since):
            since = last_good
        if last_good is None:
            since = datetime.min.replace(tzinfo=UTC)
    query = select(ProducedLot.lot_code).where(
        ProducedLot.work_order == task.work_order, ProducedLot.operation == task.operation
    )
    if since is not None:
        query = query.where(ProducedLot.produced_at > since)
    lots.update(await session.scalars(query))
    return sorted(lots)


async def record_results(session: AsyncSession, number: str, data: ResultsRecord, caller: Caller) -> Verdict:
    task = await task_by_number(session, number, lock=True)
    if task.status != "due":
        raise InvalidState(
            f"Task {number} is {task.status}; its results are already recorded.", task_status=task.status
        )
    plan = await session.get(Plan, task.plan_id)
    assert plan is not None
    chars = await characteristics(session, plan.id)
    by_code = {c.code: c for c in chars}
    given = [r.characteristic for r in data.results]
    unknown = sorted(set(given) - set(by_code))
    if unknown:
        raise UnknownCharacteristic(
            f"Plan {plan.code} v{plan.version} has no characteristic {', '.join(unknown)}.",
            characteristics=unknown,
        )
    if len(set(given)) != len(given):
        raise InvalidResult("Each characteristic is recorded once per task.")
    missing = [c.code for c in chars if c.code not in given]
    if missing:
        raise InvalidResult(f"Results missing for {', '.join(missing)}.", characteristics=missing)
    await _gauge(session, chars, data.gauge)
    sample_size = data.sample_size or int(task.sampling.get("sample_size", 1))
    ac = int(task.sampling.get("ac", 0))
    lot_code = data.lot_code or task.lot_code
    equipment = data.equipment or task.equipment
    if lot_code and not task.lot_code:
        task.lot_code = lot_code
    rows: list[tuple[Characteristic, Result, Any]] = []
    worst = 0
    for r in data.results:
        c = by_code[r.characteristic]
        bad, point, passed = _judge(c, r, sample_size, ac)
        worst = max(worst, bad)
        found, lim = await judge_point(session, c, point, sample_size) if point is not None else ([], None)
        row = Result(
            task_id=task.id,
            characteristic_id=c.id,
            values=list(r.values),
            point=point,
            passed=passed,
            defects=dict(r.defects),
            nonconforming=bad,
            sample_size=sample_size,
            lot_code=lot_code,
            serial=data.serial or task.serial,
            work_order=task.work_order,
            operation=task.operation,
            equipment=equipment,
            operator=caller.subject,
            gauge=data.gauge,
            violations=[{"rule": v.rule, "description": v.description} for v in found],
            # the clock material stamps produced lots with, not the transaction's start
            recorded_at=datetime.now(UTC),
        )
        session.add(row)
        rows.append((c, row, (found, lim)))
    await session.flush()
    failed = [c for c, row, _ in rows if not row.passed]
    violated = [(c, row, found, lim) for c, row, (found, lim) in rows if found]
    task.status = "failed" if failed else "passed"
    task.closed_at = datetime.now(UTC)
    task.closed_by = caller.subject
    switching = await _switch(session, task, worst)
    evidence_points = [
        {"characteristic": c.code, "values": row.values, "point": row.point, "passed": row.passed,
         "lsl": float(c.lsl) if c.lsl is not None else None, "usl": float(c.usl) if c.usl is not None else None,
         "defects": row.defects, "nonconforming": row.nonconforming, "violations": row.violations}
        for c, row, _ in rows
    ]  # fmt: skip
    ncr_number = None
    if failed or violated:
        lots = await _suspect_lots(session, task, failed or [c for c, *_ in violated])
        reasons = [f"{c.code} out of specification" for c in failed] + [
            f"{c.code}: rule {v.rule} ({v.description})" for c, _, found, _ in violated for v in found
        ]
        ncr = await open_ncr(
            session,
            caller.subject,
            title=f"{task.number} {plan.code}: " + "; ".join(reasons),
            evidence={
                "source": "inspection",
                "task": task.number,
                "plan": f"{plan.code} v{plan.version}",
                "kind": task.kind,
                "lot_code": lot_code,
                "operation": task.operation,
                "equipment": equipment,
                "operator": caller.subject,
                "gauge": data.gauge,
                "results": evidence_points,
                "sampling": task.sampling,
            },
            item=task.item,
            work_order=task.work_order,
            operation=task.operation,
            lots=lots,
            hold_work_order=task.kind == "in_process" and bool(failed or violated),
        )
        ncr_number = task.ncr_number = ncr.number
    elif task.kind == "incoming" and lot_code:
        await record_event(
            session,
            ev.LotReleaseRequested(
                lot_code=lot_code, reason=f"Incoming inspection {task.number} passed", reference=task.number,
                requested_by=caller.subject,
            ),
        )  # fmt: skip
    await audit(
        session,
        caller.subject,
        "task.recorded",
        "task",
        task.number,
        old={"status": "due"},
        new={"status": task.status, "results": evidence_points, "gauge": data.gauge, "ncr": ncr_number},
    )
    await announce_verdict(session, task, caller.subject)
    if failed:
        await record_event(
            session,
            ev.InspectionFailed(
                task=task.number, item=task.item, lot_code=lot_code, work_order=task.work_order,
                operation=task.operation, equipment=equipment, operator=caller.subject, ncr=ncr_number,
                failed=[
                    ev.FailedCharacteristic(
                        characteristic=c.code, values=row.values, defects=row.defects,
                        lsl=float(c.lsl) if c.lsl is not None else None,
                        usl=float(c.usl) if c.usl is not None else None,
                    )
                    for c, row, _ in rows if not row.passed
                ],
            ),
        )  # fmt: skip
    for c, row, found, lim in violated:
        for v in found:
            await record_event(
                session,
                ev.SpcRuleViolated(
                    characteristic=f"{plan.code}/{c.code}", rule=v.rule, description=v.description,
                    point=float(row.point or 0), center=lim.center, ucl=lim.ucl, lcl=lim.lcl, task=task.number,
                    work_order=task.work_order, operation=task.operation, equipment=equipment, ncr=ncr_number,
                ),
            )  # fmt: skip
    return Verdict(
        task=await task_read(session, task),
        verdict=task.status,
        results=await task_results(session, task),
        ncr=ncr_number,
        switching=switching,
    )


async def _switch(session: AsyncSession, task: Task, nonconforming: int) -> dict[str, Any] | None:
    """ISO 2859-1 switching: the lot's result moves the supplier/item state."""
    s = task.sampling
    if s.get("method") != "iso2859" or not task.supplier:
        return None
    before = await switching_state(session, task.supplier, task.item)
    plan = iso.Plan(
        s["severity"], s["code_letter"], s["plan_letter"], int(s["sample_size"]), int(s["ac"]), int(s["re"]),
        bool(s["hundred_percent"]),
    )  # fmt: skip
    after = iso.record_lot(before, plan, nonconforming, tighter_ac=iso.tighter_ac(plan, Decimal(s["aql"])))
    row = await session.get(Switching, (task.supplier, task.item), with_for_update=True)
    if row is None:
        row = Switching(supplier=task.supplier, item=task.item, state=after.to_dict())
        session.add(row)
    else:
        row.state = after.to_dict()
        row.updated_at = datetime.now(UTC)
    if after.severity != before.severity:
        await audit(
            session, "system", "sampling.switched", "supplier_item", f"{task.supplier}/{task.item}",
            old={"severity": before.severity}, new={"severity": after.severity}, reason=f"after {task.number}",
        )  # fmt: skip
    return after.to_dict()
