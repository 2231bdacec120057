"""Master data of quality: the defect-code catalogue and gauges with their calibration."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.quality.errors import DuplicateCode, GaugeNotFound
from mes.services.quality.models import DefectCode, Gauge
from mes.services.quality.queries import gauge_read
from mes.services.quality.schemas import (
    DefectCodeCreate,
    DefectCodeRead,
    GaugeCalibration,
    GaugeCreate,
    GaugeRead,
)
from mes.services.quality.service.common import audit


async def create_defect_code(session: AsyncSession, data: DefectCodeCreate, actor: str) -> DefectCodeRead:
    if await session.get(DefectCode, data.code) is not None:
        raise DuplicateCode(f"Defect code {data.code} exists.")
    row = DefectCode(code=data.code, name=data.name, site=data.site)
    session.add(row)
    await audit(session, actor, "defect_code.created", "defect_code", data.code, new=data.model_dump())
    return DefectCodeRead.model_validate(row)


async def list_defect_codes(
    session: AsyncSession, *, q: str | None = None, site: str | None = None
) -> list[DefectCodeRead]:
    """By code; `q`: code or name containing it, any case, LIKE wildcards literal; `site`: that
    site's codes and the plant-wide ones (no site)."""
    query = select(DefectCode).order_by(DefectCode.code)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(DefectCode.code.ilike(pattern, escape="\\"), DefectCode.name.ilike(pattern, escape="\\"))
        )
    if site is not None:
        query = query.where(or_(DefectCode.site == site, DefectCode.site.is_(None)))
    rows = await session.scalars(query)
    return [DefectCodeRead.model_validate(r) for r in rows]


async def create_gauge(session: AsyncSession, data: GaugeCreate, actor: str) -> GaugeRead:
    if await session.get(Gauge, data.code) is not None:
        raise DuplicateCode(f"Gauge {data.code} exists.")
    due = data.due_on
    if due is None:
        assert data.calibrated_on is not None
        due = data.calibrated_on + timedelta(days=data.interval_days)
    g = Gauge(
        code=data.code,
        name=data.name,
        interval_days=data.interval_days,
        calibrated_on=data.calibrated_on,
        due_on=due,
    )
    session.add(g)
    await audit(session, actor, "gauge.registered", "gauge", g.code, new=data.model_dump(mode="json"))
    return gauge_read(g)


async def calibrate_gauge(session: AsyncSession, code: str, data: GaugeCalibration, actor: str) -> GaugeRead:
    g = await session.get(Gauge, code, with_for_update=True)
    if g is None:
        raise GaugeNotFound(f"No gauge {code}.")
    old = {"calibrated_on": g.calibrated_on, "due_on": g.due_on}
    g.calibrated_on = data.calibrated_on
    g.due_on = data.calibrated_on + timedelta(days=g.interval_days)
    await audit(
        session,
        actor,
        "gauge.calibrated",
        "gauge",
        code,
        old=old,
        new={"calibrated_on": g.calibrated_on, "due_on": g.due_on},
    )
    return gauge_read(g)


async def list_gauges(session: AsyncSession) -> list[GaugeRead]:
    return [gauge_read(g) for g in await session.scalars(select(Gauge).order_by(Gauge.code))]
