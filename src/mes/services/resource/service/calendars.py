"""Shift calendars of sites and work centers, and planned production time of any equipment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import CalendarChanged
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import InvalidCalendar, NotFoundHere
from mes.services.resource.models import CalendarException, Equipment, ShiftCalendar, ShiftPattern
from mes.services.resource.models.calendar_math import Shift, Window, minutes, planned_windows
from mes.services.resource.schemas.calendars import (
    Break,
    CalendarRead,
    CalendarSet,
    ExceptionCreate,
    ExceptionRead,
    PlannedWindow,
    PlannedWindows,
    ShiftPatternIn,
)

MAX_SPAN = timedelta(days=400)


def _stored_time(text: str) -> time:
    """A break as stored; one stored before offsets were refused ("10:00:00Z") keeps its wall
    clock and loses the offset, as shift times always did (ADR 15)."""
    return time.fromisoformat(text).replace(tzinfo=None)


def _pattern_in(p: ShiftPattern) -> ShiftPatternIn:
    return ShiftPatternIn(
        name=p.name,
        weekdays=sorted(p.weekdays),
        start=p.start,
        end=p.end,
        breaks=[Break(start=_stored_time(b["start"]), end=_stored_time(b["end"])) for b in p.breaks],
        valid_from=p.valid_from,
        valid_to=p.valid_to,
    )


async def _own_calendar(session: AsyncSession, eq: Equipment) -> ShiftCalendar:
    cal = await session.scalar(select(ShiftCalendar).where(ShiftCalendar.equipment_id == eq.id))
    if cal is None:
        raise NotFoundHere(f"{eq.code} has no shift calendar of its own.", code="calendar_not_found")
    return cal


async def read_calendar(session: AsyncSession, code: str) -> CalendarRead:
    eq = await queries.equipment(session, code)
    cal = await _own_calendar(session, eq)
    patterns = await session.scalars(
        select(ShiftPattern).where(ShiftPattern.calendar_id == cal.id).order_by(ShiftPattern.start)
    )
    return CalendarRead(
        equipment_code=code, time_zone=cal.time_zone, patterns=[_pattern_in(p) for p in patterns]
    )


async def set_calendar(session: AsyncSession, code: str, body: CalendarSet, actor: str) -> CalendarRead:
    eq = await queries.equipment(session, code, lock=True)
    if eq.level == "enterprise":
        raise InvalidCalendar("Calendars belong to sites, areas, work centers or equipment.")
    zone_name = body.time_zone or queries.inherited(await queries.lineage(session, eq), "time_zone")
    if zone_name is None:
        raise InvalidCalendar(f"Give a time_zone: neither {code} nor its site has one.")
    try:
        queries.zone(str(zone_name))
    except ValueError as e:
        raise InvalidCalendar(str(e)) from None
    for p in body.patterns:
        if p.start == p.end and p.breaks:
            raise InvalidCalendar(f"Shift {p.name}: a 24-hour shift can't be checked for breaks; split it.")
        if p.valid_from and p.valid_to and p.valid_to < p.valid_from:
            raise InvalidCalendar(f"Shift {p.name}: valid_to is before valid_from.")
    cal = await session.scalar(select(ShiftCalendar).where(ShiftCalendar.equipment_id == eq.id))
    old = None
    if cal is None:
        cal = ShiftCalendar(equipment_id=eq.id, time_zone=str(zone_name))
        session.add(cal)
        await session.flush()
    else:
        old = (await read_calendar(session, code)).model_dump(mode="json")
        cal.time_zone = str(zone_name)
        await session.execute(delete(ShiftPattern).where(ShiftPattern.calendar_id == cal.id))
    for p in body.patterns:
        session.add(
            ShiftPattern(
                calendar_id=cal.id,
                name=p.name,
                weekdays=sorted(set(p.weekdays)),
                start=p.start,
                end=p.end,
                breaks=[b.model_dump(mode="json") for b in p.breaks],
                valid_from=p.valid_from,
                valid_to=p.valid_to,
            )
        )
    await session.flush()
    read = await read_calendar(session, code)
    await append_audit(
        session,
        actor=actor,
        action="calendar.set",
        entity_type="equipment",
        entity_id=code,
        old=old,
        new=read.model_dump(mode="json"),
    )
    await record_event(session, CalendarChanged(equipment_code=code, change="patterns_set"))
    return read


def _exception_read(x: CalendarException) -> ExceptionRead:
    return ExceptionRead(
        id=str(x.id), kind=x.kind, name=x.name, day=x.day, starts_at=x.starts_at, ends_at=x.ends_at
    )


async def add_exception(session: AsyncSession, code: str, body: ExceptionCreate, actor: str) -> ExceptionRead:
    eq = await queries.equipment(session, code)
    cal = await _own_calendar(session, eq)
    x = CalendarException(
        calendar_id=cal.id,
        kind=body.kind,
        name=body.name,
        day=body.day if body.kind == "holiday" else None,
        starts_at=body.starts_at if body.kind == "non_production" else None,
        ends_at=body.ends_at if body.kind == "non_production" else None,
    )
    session.add(x)
    await session.flush()
    read = _exception_read(x)
    await append_audit(
        session,
        actor=actor,
        action="calendar.exception_added",
        entity_type="equipment",
        entity_id=code,
        new=read.model_dump(mode="json"),
    )
    await record_event(session, CalendarChanged(equipment_code=code, change="exception_added"))
    return read


async def list_exceptions(session: AsyncSession, code: str) -> list[ExceptionRead]:
    cal = await _own_calendar(session, await queries.equipment(session, code))
    rows = await session.scalars(
        select(CalendarException)
        .where(CalendarException.calendar_id == cal.id)
        .order_by(CalendarException.day, CalendarException.starts_at)
    )
    return [_exception_read(x) for x in rows]


async def windows_of(session: AsyncSession, eq: Equipment, start: datetime, end: datetime) -> list[Window]:
    """Planned production windows of `eq` from the nearest calendar up its hierarchy; none without one."""
    chain = await queries.lineage(session, eq)
    cals = {
        c.equipment_id: c
        for c in await session.scalars(
            select(ShiftCalendar).where(ShiftCalendar.equipment_id.in_([n.id for n in chain]))
        )
    }
    cal = next((cals[n.id] for n in chain if n.id in cals), None)
    if cal is None:
        return []
    shifts = [
        Shift(
            weekdays=frozenset(p.weekdays),
            start=p.start,
            end=p.end,
            breaks=tuple((_stored_time(b["start"]), _stored_time(b["end"])) for b in p.breaks),
            valid_from=p.valid_from,
            valid_to=p.valid_to,
        )
        for p in await session.scalars(select(ShiftPattern).where(ShiftPattern.calendar_id == cal.id))
    ]
    holidays: set[date] = set()
    stops: list[Window] = []
    for x in await session.scalars(select(CalendarException).where(CalendarException.calendar_id == cal.id)):
        if x.kind == "holiday" and x.day is not None:
            holidays.add(x.day)
        elif x.starts_at is not None and x.ends_at is not None:
            stops.append((x.starts_at, x.ends_at))
    return planned_windows(shifts, holidays, stops, queries.zone(cal.time_zone), start, end)


async def planned(session: AsyncSession, code: str, start: datetime, end: datetime) -> PlannedWindows:
    if end <= start:
        raise InvalidCalendar("end must be after start.", code="invalid_interval")
    if end - start > MAX_SPAN:
        raise InvalidCalendar("Ask for at most 400 days at a time.", code="interval_too_long")
    eq = await queries.equipment(session, code)
    wins = await windows_of(session, eq, start, end)
    return PlannedWindows(
        equipment_code=code,
        minutes=minutes(wins),
        windows=[PlannedWindow(start=s, end=e) for s, e in wins],
    )
