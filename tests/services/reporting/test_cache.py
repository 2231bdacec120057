"""ADR 30: reporting keeps resource's calendars, planned windows and cycle times across requests,
and resource's events make the next report read them afresh. Calls are counted where resource's
app receives them; the Redis variant runs against a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mes.platform.cache import RedisCache
from mes.platform.testing import Harness
from mes.platform.testservers import free_port
from mes.services.reporting import clients

from .conftest import Plant, R, at
from .test_oee import DAY, EARLY, LATE, figures, monday


class Counting:
    """Resource's own app, counting the requests it receives (and serving them as before)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)

    def take(self) -> list[str]:
        got, self.paths = self.paths, []
        return got


def count_resource(h: Harness) -> Counting:
    for i, (root, app) in enumerate(h.app.services):
        if root == R:
            counter = Counting(app)
            h.app.services[i] = (root, counter)
            return counter
    raise AssertionError("resource is not mounted")


async def by_shift(plant: Plant, code: str = "PRESS-1") -> dict[str, dict[str, Any]]:
    return {r["period"]: r for r in await plant.oee(scope=code, grain="shift", **DAY)}


async def test_a_second_report_asks_resource_nothing(plant: Plant) -> None:
    await monday(plant)
    calls = count_resource(plant.h)
    first = await by_shift(plant)
    asked = calls.take()
    assert any(p.endswith("/calendar") for p in asked) and any(p.endswith("/details") for p in asked)
    assert any(p.endswith("/planned-windows") for p in asked)
    second = await by_shift(plant)
    assert calls.take() == []
    assert second == first
    assert figures(second["2026-03-02/early"]) == EARLY and figures(second["2026-03-02/late"]) == LATE


async def test_a_calendar_change_in_resource_counts_in_the_next_report(plant: Plant) -> None:
    await monday(plant)
    calls = count_resource(plant.h)
    assert list(await by_shift(plant)) == ["2026-03-02/early", "2026-03-02/late"]
    calls.take()
    # the work center gets a calendar of its own: one shift, 06:00-14:00 without a break
    one = [{"name": "day", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00"}]
    await plant.resource("PUT", "/equipment/WC-1/calendar", {"time_zone": "UTC", "patterns": one})
    await plant.h.deliver()
    after = await by_shift(plant)
    assert list(after) == ["2026-03-02/day"]
    assert after["2026-03-02/day"]["planned_operation_min"] == 480
    assert any(p.endswith("/WC-1/calendar") for p in calls.take())
    # an exception on that calendar (a non-production window) changes the planned time as well
    stop = {
        "kind": "non_production",
        "name": "Audit",
        "starts_at": at(6).isoformat(),
        "ends_at": at(7).isoformat(),
    }
    await plant.resource("POST", "/equipment/WC-1/calendar/exceptions", stop)
    await plant.h.deliver()
    assert (await by_shift(plant))["2026-03-02/day"]["planned_operation_min"] == 420
    assert await by_shift(plant) == await by_shift(plant)
    assert calls.take().count(f"{R}/equipment/WC-1/planned-windows") == 1


async def test_a_cycle_time_change_counts_in_the_next_report(plant: Plant) -> None:
    await monday(plant)
    before = (await by_shift(plant))["2026-03-02/early"]
    assert before["performance"] == pytest.approx(390 / 420 * 100, abs=0.01)
    await plant.resource("PUT", "/equipment/PRESS-1/cycle-times/CAP", {"ideal_cycle_time_s": "15"})
    await plant.h.deliver()
    after = (await by_shift(plant))["2026-03-02/early"]
    assert after["performance"] == pytest.approx(195 / 420 * 100, abs=0.01)


async def test_a_caller_without_resource_read_is_not_served_from_the_cache(plant: Plant) -> None:
    await monday(plant)
    await by_shift(plant)
    calls = count_resource(plant.h)
    r = await plant.h.client.get(
        "/api/v1/reporting/oee",
        params={"scope": "PRESS-1", "grain": "shift", **DAY},
        headers=plant.h.auth("reporting:read", sub="viewer"),
    )
    assert r.status_code == 403 and r.json()["permission"] == "resource:read", r.text
    assert calls.take() != []  # resource was asked, and refused the caller as it always did


@pytest.fixture
async def redis_caches(redis_url: str) -> AsyncIterator[list[RedisCache]]:
    """Two replicas' caches, each with its own connection to one Redis, under a test prefix."""
    prefix = f"mes-test-{uuid.uuid4().hex[:8]}"
    caches = [RedisCache(redis_url, "reporting", prefix), RedisCache(redis_url, "reporting", prefix)]
    yield caches
    import redis.asyncio as redis

    r = redis.Redis.from_url(redis_url)
    keys = [k async for k in r.scan_iter(f"{prefix}:*")]
    if keys:
        await r.delete(*keys)
    await r.aclose()
    for c in caches:
        await c.close()


async def test_replicas_share_the_cache_through_redis(plant: Plant, redis_caches: list[RedisCache]) -> None:
    await monday(plant)
    one, two = redis_caches
    calls = count_resource(plant.h)
    clients.use_cache(one)
    first = await by_shift(plant)
    assert calls.take() != []
    clients.use_cache(two)  # the other replica: its first report finds what the first one read
    assert await by_shift(plant) == first
    assert calls.take() == []
    # replica two handles resource's event; replica one's next report reads afresh
    await plant.resource("PUT", "/equipment/PRESS-1/cycle-times/CAP", {"ideal_cycle_time_s": "15"})
    await plant.h.deliver()
    clients.use_cache(one)
    early = (await by_shift(plant))["2026-03-02/early"]
    assert early["performance"] == pytest.approx(195 / 420 * 100, abs=0.01)
    assert f"{R}/equipment/PRESS-1/details" in calls.take()


async def test_with_redis_away_reports_are_still_answered(plant: Plant) -> None:
    await monday(plant)
    away = RedisCache(f"redis://127.0.0.1:{free_port()}/0", "reporting")
    clients.use_cache(away)
    calls = count_resource(plant.h)
    for _ in range(2):
        by = await by_shift(plant)
        assert figures(by["2026-03-02/early"]) == EARLY and figures(by["2026-03-02/late"]) == LATE
        assert calls.take() != []  # nothing cached: every report asks resource, as without a cache
    await plant.resource("PUT", "/equipment/PRESS-1/cycle-times/CAP", {"ideal_cycle_time_s": "15"})
    assert await plant.h.deliver() > 0  # the invalidation fails quietly; the event is handled
    early = (await by_shift(plant))["2026-03-02/early"]
    assert early["performance"] == pytest.approx(195 / 420 * 100, abs=0.01)
    await away.close()
