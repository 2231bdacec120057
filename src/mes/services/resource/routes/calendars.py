"""HTTP routes: shift calendars and planned production time."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import AwareDatetime

from mes.platform.db import SessionDep
from mes.services.resource.routes.common import CanRead, CanWriteShift, EquipmentCode
from mes.services.resource.schemas.calendars import (
    CalendarRead,
    CalendarSet,
    ExceptionCreate,
    ExceptionRead,
    PlannedWindows,
)
from mes.services.resource.service import calendars as service

router = APIRouter()


@router.put("/equipment/{code}/calendar", response_model=CalendarRead, summary="Set the shift calendar")
async def set_calendar(
    code: EquipmentCode, body: CalendarSet, session: SessionDep, who: CanWriteShift
) -> CalendarRead:
    return await service.set_calendar(session, code, body, who.subject)


@router.get("/equipment/{code}/calendar", response_model=CalendarRead)
async def get_calendar(code: EquipmentCode, session: SessionDep, _: CanRead) -> CalendarRead:
    return await service.read_calendar(session, code)


@router.post(
    "/equipment/{code}/calendar/exceptions",
    status_code=201,
    response_model=ExceptionRead,
    summary="Add a holiday or a planned non-production period",
)
async def add_exception(
    code: EquipmentCode, body: ExceptionCreate, session: SessionDep, who: CanWriteShift
) -> ExceptionRead:
    return await service.add_exception(session, code, body, who.subject)


@router.get("/equipment/{code}/calendar/exceptions", response_model=list[ExceptionRead])
async def list_exceptions(code: EquipmentCode, session: SessionDep, _: CanRead) -> list[ExceptionRead]:
    return await service.list_exceptions(session, code)


@router.get(
    "/equipment/{code}/planned-windows",
    response_model=PlannedWindows,
    summary="Planned production windows and minutes within [start, end), from the nearest calendar",
)
async def planned_windows(
    code: EquipmentCode, session: SessionDep, _: CanRead, start: AwareDatetime, end: AwareDatetime
) -> PlannedWindows:
    return await service.planned(session, code, start, end)
