"""What reporting asks resource for, with the caller's own token: calendars and ideal cycle times.

Shift calendars and cycle times are master data owned by resource and carry no events; reporting
reads them when it computes a report, so an edited calendar counts at once, for the past as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from mes.platform.http import RemoteError, ServiceDirectory
from mes.services.reporting.models.shifts import Pattern

R = "/api/v1/resource"
Window = tuple[datetime, datetime]


class _Remote(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Pattern(_Remote):
    name: str
    weekdays: list[int]
    start: time
    end: time
    valid_from: date | None = None
    valid_to: date | None = None


class _Calendar(_Remote):
    equipment_code: str
    time_zone: str
    patterns: list[_Pattern]


class _Window(_Remote):
    start: datetime
    end: datetime


class _Planned(_Remote):
    windows: list[_Window]


class _CycleTime(_Remote):
    product_code: str
    ideal_cycle_time_s: Decimal


class _Details(_Remote):
    code: str
    cycle_times: list[_CycleTime] = []


@dataclass(frozen=True, slots=True)
class Calendar:
    owner: str
    tz: ZoneInfo
    patterns: list[Pattern]


@dataclass
class Resource:
    """A request's view of resource; answers are cached for the request."""

    token: str | None
    directory: ServiceDirectory
    request_id: str | None = None
    _calendars: dict[str, Calendar | None] = field(default_factory=dict)
    _planned: dict[tuple[str, datetime, datetime], list[Window]] = field(default_factory=dict)
    _cycle_times: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    async def _get(self, path: str, model: type[_Remote], **params: str) -> _Remote:
        client = self.directory.client("resource")
        return await client.get_model(
            R + path, model, token=self.token, request_id=self.request_id, params=params or None
        )

    async def calendar(self, path: str) -> Calendar | None:
        """The nearest calendar up the equipment's path (its own, its work center's, its site's...)."""
        codes = list(reversed(path.split("/")))
        for code in codes:
            if code in self._calendars:
                found = self._calendars[code]
                if found is not None:
                    return found
                continue
            try:
                cal = await self._get(f"/equipment/{code}/calendar", _Calendar)
            except RemoteError as e:
                if e.status != 404:
                    raise
                self._calendars[code] = None
                continue
            assert isinstance(cal, _Calendar)
            found = Calendar(
                code,
                ZoneInfo(cal.time_zone),
                [
                    Pattern(p.name, frozenset(p.weekdays), p.start, p.end, p.valid_from, p.valid_to)
                    for p in cal.patterns
                ],
            )
            self._calendars[code] = found
            return found
        return None

    async def planned(self, code: str, start: datetime, end: datetime) -> list[Window]:
        key = (code, start, end)
        if key not in self._planned:
            got = await self._get(
                f"/equipment/{code}/planned-windows", _Planned, start=start.isoformat(), end=end.isoformat()
            )
            assert isinstance(got, _Planned)
            self._planned[key] = [(w.start, w.end) for w in got.windows]
        return self._planned[key]

    async def cycle_times(self, code: str) -> dict[str, Decimal]:
        if code not in self._cycle_times:
            got = await self._get(f"/equipment/{code}/details", _Details)
            assert isinstance(got, _Details)
            self._cycle_times[code] = {c.product_code: c.ideal_cycle_time_s for c in got.cycle_times}
        return self._cycle_times[code]
