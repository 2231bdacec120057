"""The as-built record of a serial or a produced lot: every operation of the order that made it,
planned against as built, with operators, equipment, times, the material consumed at each, step
values, inspections and the deviations they add up to."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.traceability.errors import NodeNotFound, NotBuiltHere
from mes.services.traceability.schemas import (
    AsBuiltOperation,
    AsBuiltRead,
    Deviation,
    InspectionRead,
    MaterialUsed,
    OperationState,
    StepValueRead,
)

_FINISHED = ("completed", "closed")


def _op_order(key: str) -> tuple[Any, ...]:
    """ "10" < "20" < "20-R1" < "30": numbers as numbers, the rest as text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", key))


def _inspection(r: Any) -> InspectionRead:
    return InspectionRead(
        task=r.task,
        plan=r.plan,
        plan_version=r.plan_version,
        kind=r.kind,
        operation=r.operation,
        equipment=r.equipment,
        operator=r.operator,
        verdict=r.verdict,
        failed=list(r.failed or []),
        ncr=r.ncr,
        at=r.at,
    )


async def as_built(session: AsyncSession, code: str) -> AsBuiltRead:
    key = f"lot:{code}"
    lot = (await session.execute(text("SELECT * FROM node WHERE key = :k"), {"k": key})).first()
    if lot is None:
        raise NodeNotFound(f"No lot or serial {code} in the genealogy.")
    if lot.work_order is None or lot.origin != "produced":
        raise NotBuiltHere(f"Lot {code} was not made by a work order here; it has no as-built record.")
    number = lot.work_order
    order = (
        await session.execute(text("SELECT status FROM node WHERE key = :k"), {"k": f"wo:{number}"})
    ).first()
    order_status = order.status if order is not None else None
    params = {"wo": number, "lot": key}
    ops = (
        await session.execute(
            text(
                "SELECT operation, name, work_center, planned"
                " FROM node WHERE kind = 'operation' AND work_order = :wo"
            ),
            params,
        )
    ).all()
    starts: dict[str, list[Any]] = defaultdict(list)
    for st in await session.execute(
        text("SELECT * FROM operation_start WHERE work_order = :wo ORDER BY at, event_id"), params
    ):
        starts[st.operation].append(st)
    completions: dict[str, list[Any]] = defaultdict(list)
    for c in await session.execute(
        text("SELECT * FROM operation_completion WHERE work_order = :wo ORDER BY completed_at, event_id"),
        params,
    ):
        completions[c.operation].append(c)
    # what this output was named to take, by lot: per unit only where it is a serial naming it
    named = {
        r.src: r
        for r in await session.execute(
            text(
                "SELECT a.src, a.quantity, a.operation FROM edge a WHERE a.dst = :lot AND a.kind = 'attributed'"
            ),
            params,
        )
    }
    consumed = await session.execute(
        text(
            "SELECT e.src, e.operation, e.quantity, e.per_unit, n.code, n.item, n.uom FROM edge e"
            " JOIN node n ON n.key = e.src WHERE e.kind = 'consumed' AND e.work_order = :wo"
            " ORDER BY e.at, e.src"
        ),
        params,
    )
    material: dict[str, list[MaterialUsed]] = defaultdict(list)
    for r in consumed:
        if r.per_unit:  # the order's serials say which took it: only if this one did
            if r.src not in named:
                continue
            qty, basis = named[r.src].quantity, "per_unit"
        else:
            qty, basis = r.quantity, "order"
        material[r.operation].append(
            MaterialUsed(lot=r.code, item=r.item, uom=r.uom, quantity=qty, basis=basis)
        )
    steps: dict[str, list[StepValueRead]] = defaultdict(list)
    for s in await session.execute(
        text("SELECT * FROM step_value WHERE work_order = :wo ORDER BY at, event_id"), params
    ):
        steps[s.operation].append(
            StepValueRead(
                step=s.step,
                title=s.title,
                kind=s.kind,
                value=s.value,
                unit=s.unit,
                passed=s.passed,
                corrected=s.corrected,
                by=s.actor,
                at=s.at,
            )
        )
    # the order's inspections at an operation, and those of this lot or serial itself
    inspections = (
        await session.execute(
            text(
                "SELECT * FROM inspection WHERE (work_order = :wo AND lot_code IS NULL AND serial IS NULL)"
                " OR lot_code = :code OR serial = :code ORDER BY at NULLS LAST, task"
            ),
            {"wo": number, "code": code},
        )
    ).all()
    at_op: dict[str, list[InspectionRead]] = defaultdict(list)
    own: list[InspectionRead] = []
    for i in inspections:
        read = _inspection(i)
        if i.operation is not None and i.work_order == number:
            at_op[i.operation].append(read)
        else:
            own.append(read)

    finished = order_status in _FINISHED
    operations: list[AsBuiltOperation] = []
    deviations: list[Deviation] = []
    for op in sorted(ops, key=lambda o: _op_order(o.operation)):
        done = completions.get(op.operation, [])
        last = done[-1] if done else None
        began = starts.get(op.operation, [])
        state: OperationState
        if last is not None:
            state = "done"
        elif began:
            state = "in_progress"
        else:
            state = "skipped" if finished else "pending"
        rework_qty = sum((c.rework for c in done), Decimal(0)) if done else None
        scrap_qty = sum((c.scrap for c in done), Decimal(0)) if done else None
        is_rework = bool(re.search(r"-R\d+$", op.operation)) or bool(rework_qty)
        # as started: the first start's machine (events only, so arrival order does not matter)
        equipment = began[0].equipment if began else (done[0].equipment if done else None)
        operators = sorted({*(o for c in done for o in c.operators), *(st.operator for st in began)})
        completed_on = last.equipment if last is not None and last.equipment != equipment else None
        reasons = [r for c in done for r in c.scrap_reasons]
        row = AsBuiltOperation(
            key=op.operation,
            name=op.name,
            work_center=op.work_center,
            planned=bool(op.planned),
            rework=is_rework,
            state=state,
            equipment=equipment,
            completed_on=completed_on,
            operators=operators,
            started_at=began[0].at if began else (done[0].started_at if done else None),
            completed_at=last.completed_at if last is not None else None,
            good=sum((c.good for c in done), Decimal(0)) if done else None,
            scrap=scrap_qty,
            rework_quantity=rework_qty,
            scrap_reasons=reasons,
            material=material.get(op.operation, []),
            steps=steps.get(op.operation, []),
            inspections=at_op.get(op.operation, []),
        )
        operations.append(row)
        deviations.extend(_deviations(row))
    deviations.extend(_failed(mine) for mine in own if mine.verdict == "failed")
    return AsBuiltRead(
        code=lot.code,
        kind=lot.kind,
        item=lot.item,
        work_order=number,
        order_status=order_status,
        produced_at=lot.at,
        produced_at_operation=lot.operation,
        operations=operations,
        inspections=own,
        deviations=deviations,
    )


def _failed(i: InspectionRead) -> Deviation:
    what = ", ".join(str(f.get("characteristic")) for f in i.failed) or "the task"
    ncr = f" (NCR {i.ncr})" if i.ncr else ""
    return Deviation(
        kind="inspection_failed", operation=i.operation, detail=f"Inspection {i.task} failed: {what}{ncr}."
    )


def _deviations(op: AsBuiltOperation) -> list[Deviation]:
    out: list[Deviation] = []
    k = op.key
    if not op.planned:
        out.append(
            Deviation(kind="operation_inserted", operation=k, detail=f"Operation {k} was not in the release.")
        )
    if op.state == "skipped":
        out.append(
            Deviation(
                kind="operation_skipped", operation=k, detail=f"Operation {k} was planned but never run."
            )
        )
    if op.rework:
        qty = f": {op.rework_quantity} reworked" if op.rework_quantity else ""
        out.append(Deviation(kind="rework", operation=k, detail=f"Rework at operation {k}{qty}."))
    if op.scrap:
        why = ", ".join(f"{r['reason']} {r['quantity']}" for r in op.scrap_reasons)
        out.append(
            Deviation(
                kind="scrap",
                operation=k,
                detail=f"{op.scrap} scrapped at {k}" + (f" ({why})." if why else "."),
            )
        )
    if op.completed_on is not None and op.equipment is not None:
        out.append(
            Deviation(
                kind="equipment_changed",
                operation=k,
                detail=f"Operation {k} started on {op.equipment} and completed on {op.completed_on}.",
            )
        )
    for s in op.steps:
        if s.passed is False:
            out.append(
                Deviation(
                    kind="step_failed", operation=k, detail=f"Step {s.step} ({s.title}) failed: {s.value}."
                )
            )
        if s.corrected:
            out.append(
                Deviation(
                    kind="step_corrected",
                    operation=k,
                    detail=f"Step {s.step} ({s.title}) was corrected to {s.value} by {s.by}.",
                )
            )
    out.extend(_failed(i) for i in op.inspections if i.verdict == "failed")
    return out
