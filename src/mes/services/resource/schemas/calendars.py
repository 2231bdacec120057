"""Request and response bodies: shift calendars and planned production time."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from mes.platform.schemas import Schema

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday, 1 = Monday")]


class Break(Schema):
    start: time
    end: time


class ShiftPatternIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    start: time = Field(description="Local start; an end at or before it means the shift ends the next day")
    end: time
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
    kind: Literal["holiday", "non_production"]
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
