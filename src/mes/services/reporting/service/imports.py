"""Yield history from before the MES (a plant going live, a legacy counter log): imported as yield reports.

Each imported line becomes a `work_orders.yield_reported.v1` event received from outside the
bus, kept with every other received event, so it projects, corrects (same report id, later
import) and rebuilds exactly as a live yield report does. Only the past can be imported. A line
may carry its operators' labour minutes with the standard minutes they earned: it then counts in
labour efficiency like a completed operation (ADR 42).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.work_orders import LabourTime, ScrapReason, YieldReported
from mes.platform.audit import append_audit
from mes.platform.events import utcnow
from mes.services.reporting.errors import InvalidInterval
from mes.services.reporting.schemas import HistoricYield
from mes.services.reporting.service.projection import receive


async def import_yields(session: AsyncSession, lines: list[HistoricYield], actor: str) -> int:
    now = utcnow()
    future = [line.report_id for line in lines if line.at > now or line.at.year < 1970]
    if future:
        raise InvalidInterval(
            f"Only the past since 1970 can be imported; {future[0]} is not.", code="future_yield"
        )
    for line in lines:
        reasons = [ScrapReason(reason=s.reason, quantity=s.quantity) for s in line.scrap]
        await receive(
            session,
            YieldReported(
                event_id=uuid.uuid5(
                    uuid.NAMESPACE_URL, f"mes:reporting:import:{line.report_id}:{now.isoformat()}"
                ),
                occurred_at=now,
                work_order=line.work_order,
                product=line.product,
                actor=f"import:{actor}",
                operation=line.operation,
                name=line.operation,
                work_center=line.work_center,
                equipment=line.equipment,
                report_id=f"import:{line.report_id}",
                at=line.at,
                good=line.good,
                scrap=sum((s.quantity for s in line.scrap), Decimal(0)),
                scrap_reasons=reasons,
                rework=line.rework,
                labour=[LabourTime(operator=x.operator, minutes=x.minutes) for x in line.labour],
                standard_minutes=line.standard_minutes,
            ),
        )
    await append_audit(
        session,
        actor=actor,
        action="reporting.yields_imported",
        entity_type="yield_history",
        entity_id=lines[0].report_id if len(lines) == 1 else f"{lines[0].report_id}..{lines[-1].report_id}",
        new={
            "lines": len(lines),
            "from": min(x.at for x in lines).isoformat(),
            "to": max(x.at for x in lines).isoformat(),
        },
    )
    return len(lines)
