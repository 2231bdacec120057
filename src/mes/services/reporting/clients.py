"""What reporting asks resource for, with the caller's own token: calendars and ideal cycle times.

Shift calendars, planned windows and cycle times are master data owned by resource. Reporting asks
for them when it computes a report, and keeps the answers in a read cache across requests (ADR 30):
in this process's memory, or in Redis shared by replicas when MES_REDIS_URL is set. Resource's
`calendar_changed` and `equipment_details_changed` events move a version key on, so the next report
reads afresh and an edited calendar counts at once, for the past as well; a time to live
(MES_REPORTING_CACHE_TTL_S) is the safety net. Entries are keyed by the version read *before* the
remote call, so an answer fetched while a change lands is stored under the old version, never read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from mes.platform.auth import Principal
from mes.platform.cache import Cache, make_cache
from mes.platform.http import RemoteError, ServiceDirectory
from mes.platform.settings import get_settings
from mes.services.reporting import config
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


CALENDARS = "version:calendars"  # moved on by any calendar change: calendars and planned windows
DETAILS = "version:details"  # moved on by any change of an equipment's details or cycle times
_shared: list[Cache] = []


def read_cache() -> Cache:
    """This process's read cache of resource's answers (Redis when MES_REDIS_URL is set)."""
    if not _shared:
        settings = get_settings()
        _shared.append(make_cache(settings.redis_url, "reporting", settings.redis_prefix))
    return _shared[0]


def use_cache(cache: Cache) -> Cache | None:
    """Replaces this process's read cache (tests, benchmarks); returns the one it replaced."""
    old = _shared[0] if _shared else None
    _shared[:] = [cache]
    return old


async def invalidate(version_key: str, cache: Cache | None = None) -> None:
    """A change in resource: the version goes, the next reader starts a new one, and entries keyed
    by the old one are never read again (they expire). A delete is tried even while Redis seems away."""
    await (cache or read_cache()).delete(version_key)


def _calendar(code: str, cal: _Calendar) -> Calendar:
    return Calendar(
        code,
        ZoneInfo(cal.time_zone),
        [
            Pattern(p.name, frozenset(p.weekdays), p.start, p.end, p.valid_from, p.valid_to)
            for p in cal.patterns
        ],
    )


@dataclass
class Resource:
    """A request's view of resource: answers are kept for the request, and in `cache` across
    requests when one is given (only for callers who may read resource themselves)."""

    token: str | None
    directory: ServiceDirectory
    request_id: str | None = None
    cache: Cache | None = None
    ttl_s: float = 0.0
    _calendars: dict[str, Calendar | None] = field(default_factory=dict)
    _planned: dict[tuple[str, datetime, datetime], list[Window]] = field(default_factory=dict)
    _cycle_times: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    _versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_caller(
        cls, token: str | None, principal: object, directory: ServiceDirectory, request_id: str | None
    ) -> Resource:
        """The cache serves only a caller holding resource:read, the permission resource itself
        checks; anyone else asks resource, which answers as it would without a cache."""
        ttl = config.cache_ttl_s()
        may = isinstance(principal, Principal) and principal.has("resource:read") and ttl > 0
        return cls(token, directory, request_id, read_cache() if may else None, ttl)

    async def _get(self, path: str, model: type[_Remote], **params: str) -> _Remote:
        client = self.directory.client("resource")
        return await client.get_model(
            R + path, model, token=self.token, request_id=self.request_id, params=params or None
        )

    async def _version(self, name: str) -> str | None:
        """The version entries are keyed by, read once per request; None: no cache."""
        if self.cache is None or self.ttl_s <= 0:
            return None
        if name not in self._versions:
            got = await self.cache.get(name)
            if not isinstance(got, str):  # never set, or lost (a Redis restart): start a new one
                got = uuid.uuid4().hex
                await self.cache.set(name, got, None)
            self._versions[name] = got
        return self._versions[name]

    async def _cached(self, version: str, key: str) -> object | None:
        v = await self._version(version)
        return None if v is None or self.cache is None else await self.cache.get(f"{key}@{v}")

    async def _keep(self, version: str, key: str, value: object) -> None:
        v = await self._version(version)
        if v is not None and self.cache is not None:
            await self.cache.set(f"{key}@{v}", value, self.ttl_s)

    async def _calendar_at(self, code: str) -> Calendar | None:
        """The calendar held at `code` itself (None: it has none), cached per code."""
        key = f"calendar:{code}"
        hit = await self._cached(CALENDARS, key)
        if isinstance(hit, dict) and "calendar" in hit:
            return (
                None
                if hit["calendar"] is None
                else _calendar(code, _Calendar.model_validate(hit["calendar"]))
            )
        try:
            cal = await self._get(f"/equipment/{code}/calendar", _Calendar)
        except RemoteError as e:
            if e.status != 404:
                raise
            await self._keep(CALENDARS, key, {"calendar": None})
            return None
        assert isinstance(cal, _Calendar)
        await self._keep(CALENDARS, key, {"calendar": cal.model_dump(mode="json")})
        return _calendar(code, cal)

    async def calendar(self, path: str) -> Calendar | None:
        """The nearest calendar up the equipment's path (its own, its work center's, its site's...)."""
        for code in reversed(path.split("/")):
            if code not in self._calendars:
                self._calendars[code] = await self._calendar_at(code)
            found = self._calendars[code]
            if found is not None:
                return found
        return None

    async def planned(self, code: str, start: datetime, end: datetime) -> list[Window]:
        key = (code, start, end)
        if key not in self._planned:
            name = f"planned:{code}:{start.isoformat()}:{end.isoformat()}"
            hit = await self._cached(CALENDARS, name)
            if isinstance(hit, dict):
                got = _Planned.model_validate(hit)
            else:
                fetched = await self._get(
                    f"/equipment/{code}/planned-windows",
                    _Planned,
                    start=start.isoformat(),
                    end=end.isoformat(),
                )
                assert isinstance(fetched, _Planned)
                got = fetched
                await self._keep(CALENDARS, name, got.model_dump(mode="json"))
            self._planned[key] = [(w.start, w.end) for w in got.windows]
        return self._planned[key]

    async def cycle_times(self, code: str) -> dict[str, Decimal]:
        if code not in self._cycle_times:
            name = f"details:{code}"
            hit = await self._cached(DETAILS, name)
            if isinstance(hit, dict):
                got = _Details.model_validate(hit)
            else:
                fetched = await self._get(f"/equipment/{code}/details", _Details)
                assert isinstance(fetched, _Details)
                got = fetched
                await self._keep(DETAILS, name, got.model_dump(mode="json"))
            self._cycle_times[code] = {c.product_code: c.ideal_cycle_time_s for c in got.cycle_times}
        return self._cycle_times[code]
