"""The platform's read cache (ADR 30): in memory with expiry, or in a real Redis shared by
replicas; namespaced by service; a Redis outage answers misses instead of failing the caller."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from mes.platform.cache import MemoryCache, RedisCache, make_cache
from mes.platform.testservers import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_entries_expire_and_are_copies() -> None:
    clock = Clock()
    c = MemoryCache("reporting", clock)
    await c.set("a", {"x": [1, 2]}, 10)
    await c.set("v", "forever", None)
    got = await c.get("a")
    assert got == {"x": [1, 2]}
    got["x"].append(3)
    assert await c.get("a") == {"x": [1, 2]}
    clock.now += 9.9
    assert await c.get("a") == {"x": [1, 2]}
    clock.now += 0.2
    assert await c.get("a") is None
    assert await c.get("v") == "forever"
    await c.delete("v", "missing")
    assert await c.get("v") is None
    await c.set("off", 1, 0)  # a time to live of 0 stores nothing
    assert await c.get("off") is None


def test_redis_only_when_a_url_is_configured() -> None:
    assert isinstance(make_cache("", "reporting"), MemoryCache)
    assert isinstance(make_cache("redis://127.0.0.1:6379/0", "reporting"), RedisCache)


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    p = f"mes-test-{uuid.uuid4().hex[:8]}"
    yield p
    import redis.asyncio as redis

    r = redis.Redis.from_url(redis_url)
    keys = [k async for k in r.scan_iter(f"{p}:*")]
    if keys:
        await r.delete(*keys)
    await r.aclose()


async def test_redis_entries_are_shared_namespaced_and_expire(redis_url: str, prefix: str) -> None:
    one, two = RedisCache(redis_url, "reporting", prefix), RedisCache(redis_url, "reporting", prefix)
    other = RedisCache(redis_url, "quality", prefix)
    try:
        await one.set("calendar:LYON", {"time_zone": "UTC"}, 60)
        assert await two.get("calendar:LYON") == {"time_zone": "UTC"}
        assert await other.get("calendar:LYON") is None
        await two.delete("calendar:LYON")
        assert await one.get("calendar:LYON") is None
        import redis.asyncio as redis

        r = redis.Redis.from_url(redis_url)
        await one.set("short", 1, 30)
        await one.set("version", "abc", None)
        assert 0 < await r.pttl(f"{prefix}:cache:reporting:short") <= 30_000
        assert await r.pttl(f"{prefix}:cache:reporting:version") == -1
        await r.aclose()
    finally:
        for c in (one, two, other):
            await c.close()


async def test_redis_away_is_a_miss_not_an_error() -> None:
    clock = Clock()
    away = RedisCache(f"redis://127.0.0.1:{free_port()}/0", "reporting", clock=clock)
    try:
        await away.set("a", 1, 60)
        assert await away.get("a") is None
        await away.delete("a")
        assert away._away()  # the next calls skip Redis for a while, so a dead server costs nothing
        clock.now += 6
        assert not away._away()
        assert await away.get("a") is None
    finally:
        await away.close()
