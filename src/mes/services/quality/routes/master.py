"""Defect codes, gauges and the ISO 2859-1 sampling look-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from mes.platform.db import SessionDep
from mes.services.quality.errors import InvalidPlan
from mes.services.quality.models import sampling as iso
from mes.services.quality.routes.common import CanGauge, CanPlan, CanRead, CodePath, problems
from mes.services.quality.schemas import (
    DefectCodeCreate,
    DefectCodeRead,
    GaugeCalibration,
    GaugeCreate,
    GaugeRead,
    SamplingPlanRead,
)
from mes.services.quality.service import master
from mes.services.quality.vocabulary import Aql, Level

router = APIRouter()


@router.post("/defect-codes", status_code=201, response_model=DefectCodeRead, responses=problems(409))
async def create_defect_code(body: DefectCodeCreate, session: SessionDep, who: CanPlan) -> DefectCodeRead:
    return await master.create_defect_code(session, body, who.subject)


@router.get("/defect-codes", response_model=list[DefectCodeRead])
async def list_defect_codes(
    session: SessionDep,
    _: CanRead,
    q: Annotated[
        str | None, Query(max_length=64, description="Code or name containing this, any case")
    ] = None,
    site: Annotated[
        str | None, Query(max_length=64, description="This site's codes and the plant-wide ones")
    ] = None,
) -> list[DefectCodeRead]:
    """Every defect code by code, unless filtered on the server."""
    return await master.list_defect_codes(session, q=q, site=site)


@router.post("/gauges", status_code=201, response_model=GaugeRead, responses=problems(409))
async def register_gauge(body: GaugeCreate, session: SessionDep, who: CanGauge) -> GaugeRead:
    return await master.create_gauge(session, body, who.subject)


@router.get("/gauges", response_model=list[GaugeRead])
async def list_gauges(session: SessionDep, _: CanRead) -> list[GaugeRead]:
    return await master.list_gauges(session)


@router.post("/gauges/{code}/calibrations", response_model=GaugeRead)
async def calibrate_gauge(
    code: CodePath, body: GaugeCalibration, session: SessionDep, who: CanGauge
) -> GaugeRead:
    return await master.calibrate_gauge(session, code, body, who.subject)


@router.get("/sampling-plan", response_model=SamplingPlanRead, summary="ISO 2859-1 single sampling look-up")
async def sampling_plan(
    _: CanRead,
    lot_size: Annotated[int, Query(ge=2, le=100_000_000)],
    aql: Annotated[Aql, Query()],
    level: Annotated[Level, Query()] = "II",
    severity: Annotated[str, Query(pattern="^(normal|tightened|reduced)$")] = "normal",
) -> SamplingPlanRead:
    try:
        p = iso.plan(lot_size, level, Decimal(aql), severity)
    except iso.SamplingError as e:
        raise InvalidPlan(str(e)) from None
    return SamplingPlanRead(
        lot_size=lot_size, level=level, aql=aql, severity=severity, code_letter=p.table_letter,
        plan_letter=p.letter, sample_size=p.sample_size, ac=p.ac, re=p.re, hundred_percent=p.hundred_percent,
    )  # fmt: skip
