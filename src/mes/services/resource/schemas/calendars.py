"""Request and response bodies: shift calendars and planned production time."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, PlainSerializer, PlainValidator, WithJsonSchema, model_validator

from mes.platform.schemas import Schema
from mes.services.resource.vocabulary import ExceptionKind

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday, 1 = Monday")]

# ADR 15: a time of day in a calendar is a wall-clock time of the calendar's time zone; it has no
# offset of its own (the zone decides, day by day, what UTC instant it is)
WALL_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_WALL_CLOCK = re.compile(WALL_CLOCK)


def _wall_clock(value: Any) -> time:
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _WALL_CLOCK.fullmatch(value):
        return time.fromisoformat(value)
    raise ValueError("a wall-clock time hh:mm (or hh:mm:ss) in the calendar's time zone, without an offset")


def _hh_mm(value: time) -> str:
    return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")


WallClock = Annotated[
    time,
    PlainValidator(_wall_clock),
    PlainSerializer(_hh_mm, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_CLOCK,
            "description": "Wall-clock time in the calendar's time zone, without an offset",
            "examples": ["06:00"],
        }
    ),
]


class Break(Schema):
    start: WallClock
    end: WallClock


class ShiftPatternIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    start: Annotated[
        WallClock, Field(description="Local start; an end at or before it means the shift ends the next day")
    ]
    end: WallClock
    breaks: Annotated[list[Break], Field(max_length=10)] = []
    valid_from: date | None = None
    valid_to: date | None = None


class CalendarSet(Schema):
    """The whole calendar of a site or work center; replaces the previous one."""

    time_zone: Annotated[str | None, Field(max_length=64, examples=["Europe/Paris"])] = None
    patterns: Annotated[list[ShiftPatternIn], Field(max_length=50)]


class CalendarRead(Schema):
    equipment_code: str
    time_zone: str
    patterns: list[ShiftPatternIn]


class ExceptionCreate(Schema):
    kind: ExceptionKind
    name: Annotated[str, Field(min_length=1, max_length=200)]
    day: date | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _shape(self) -> ExceptionCreate:
        if self.kind == "holiday" and self.day is None:
            raise ValueError("a holiday needs a day")
        if self.kind == "non_production" and (
            self.starts_at is None or self.ends_at is None or self.ends_at <= self.starts_at
        ):
            raise ValueError("planned non-production time needs starts_at before ends_at")
        return self


class ExceptionRead(Schema):
    id: str
    kind: str
    name: str
    day: date | None
    starts_at: datetime | None
    ends_at: datetime | None


class PlannedWindow(Schema):
    start: datetime
    end: datetime


class PlannedWindows(Schema):
    equipment_code: str
    minutes: int
    windows: list[PlannedWindow]
