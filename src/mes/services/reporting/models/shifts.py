"""Which shift a minute belongs to: shift instances laid out from a calendar in its local time.

Each shift is placed on the wall clock of the calendar's time zone and converted to UTC on its
own, so a night shift across midnight or a DST change lasts what the clock on the wall says.
A shift belongs to the production day it starts on; weeks are ISO weeks of that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    weekdays: frozenset[int]  # ISO, 1 = Monday
    start: time
    end: time  # at or before start: ends the next day
    valid_from: date | None = None
    valid_to: date | None = None

    def runs_on(self, day: date) -> bool:
        return (
            day.isoweekday() in self.weekdays
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True, slots=True)
class ShiftInstance:
    name: str
    day: date  # the production day: the local date the shift starts on
    start: datetime  # UTC
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.name}"


def _utc(day: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, t, tzinfo=tz).astimezone(UTC)


def instances(patterns: list[Pattern], tz: ZoneInfo, start: datetime, end: datetime) -> list[ShiftInstance]:
    """Every shift overlapping [start, end), in time order."""
    out: list[ShiftInstance] = []
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        for p in patterns:
            if p.runs_on(day):
                end_day = day + timedelta(days=1) if p.end <= p.start else day
                s, e = _utc(day, p.start, tz), _utc(end_day, p.end, tz)
                if e > start and s < end:
                    out.append(ShiftInstance(p.name, day, s, e))
        day += timedelta(days=1)
    return sorted(out, key=lambda i: i.start)


def period_key(shift: ShiftInstance, grain: str) -> str:
    """The bucket a shift falls in: the shift itself, its production day or its ISO week."""
    if grain == "shift":
        return shift.key
    if grain == "day":
        return shift.day.isoformat()
    if grain == "week":
        y, w, _ = shift.day.isocalendar()
        return f"{y}-W{w:02d}"
    if grain == "month":
        return shift.day.strftime("%Y-%m")
    return "total"
