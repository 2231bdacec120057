"""Planned production time from a shift calendar: pure functions over aware datetimes.

Shifts are laid out in the calendar's local time zone day by day and converted to UTC one by
one, so a night shift across midnight or a DST change lasts what the wall clock says (7 h on the
night clocks go forward, 9 h when they go back); everything after that is UTC arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Shift:
    weekdays: frozenset[int]  # ISO: 1 = Monday
    start: time
    end: time
    breaks: tuple[tuple[time, time], ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None

    def runs_on(self, day: date) -> bool:
        if day.isoweekday() not in self.weekdays:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, t, tzinfo=tz).astimezone(UTC)


def _local_span(day: date, start: time, end: time, tz: ZoneInfo) -> Window:
    end_day = day + timedelta(days=1) if end <= start else day
    return _at(day, start, tz), _at(end_day, end, tz)


def subtract(windows: Iterable[Window], cuts: Iterable[Window]) -> list[Window]:
    out = list(windows)
    for cs, ce in cuts:
        nxt: list[Window] = []
        for ws, we in out:
            if ce <= ws or cs >= we:
                nxt.append((ws, we))
                continue
            if ws < cs:
                nxt.append((ws, cs))
            if ce < we:
                nxt.append((ce, we))
        out = nxt
    return out


def merge(windows: Iterable[Window]) -> list[Window]:
    out: list[Window] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def shift_windows(shift: Shift, day: date, tz: ZoneInfo) -> list[Window]:
    """The shift that starts on local `day`, less its breaks (a break before the start time is after midnight)."""
    span = _local_span(day, shift.start, shift.end, tz)
    cuts = []
    for bs, be in shift.breaks:
        bday = day if bs >= shift.start else day + timedelta(days=1)
        cuts.append(_local_span(bday, bs, be, tz))
    return subtract([span], cuts)


def planned_windows(
    shifts: Sequence[Shift],
    holidays: set[date],
    non_production: Sequence[Window],
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
) -> list[Window]:
    """Planned production windows within [start, end): shifts starting on a holiday don't run."""
    if end <= start:
        return []
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    windows: list[Window] = []
    day = first
    while day <= last:
        if day not in holidays:
            for shift in shifts:
                if shift.runs_on(day):
                    windows.extend(shift_windows(shift, day, tz))
        day += timedelta(days=1)
    clipped = [(max(s, start), min(e, end)) for s, e in merge(windows) if e > start and s < end]
    return merge(subtract(clipped, non_production))


def minutes(windows: Iterable[Window]) -> int:
    return int(sum((e - s).total_seconds() for s, e in windows) // 60)
