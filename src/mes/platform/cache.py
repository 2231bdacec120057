"""A read cache with a time to live (ADR 30): in memory (embedded, one process) or in Redis (replicas).

Values are JSON. Keys are namespaced by the owning service (`<prefix>:cache:<service>:<key>` in
Redis), so two services never read each other's entries. A cache is an optimisation, never a
source of truth: if Redis can't be reached, `get` answers a miss and `set`/`delete` do nothing
(each logged as a warning), so the caller falls through to the remote call it would make anyway.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Protocol

import structlog

log = structlog.get_logger("mes.cache")


class Cache(Protocol):
    async def get(self, key: str) -> Any | None:
        """The stored JSON value, or None for a miss (absent, expired, or the store is away)."""
        ...

    async def set(self, key: str, value: Any, ttl_s: float | None) -> None:
        """Stores `value` (JSON-serialisable) for `ttl_s` seconds; None: until deleted."""
        ...

    async def delete(self, *keys: str) -> None: ...

    async def close(self) -> None: ...


class MemoryCache:
    """One process's entries (a dict with expiry); right for the embedded mode."""

    def __init__(self, namespace: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.namespace = namespace
        self._clock = clock
        self._entries: dict[str, tuple[float | None, str]] = {}

    async def get(self, key: str) -> Any | None:
        found = self._entries.get(key)
        if found is None:
            return None
        until, raw = found
        if until is not None and until <= self._clock():
            self._entries.pop(key, None)
            return None
        return json.loads(raw)

    async def set(self, key: str, value: Any, ttl_s: float | None) -> None:
        if ttl_s is not None and ttl_s <= 0:
            return
        if len(self._entries) > 50_000:  # bounded: drop what has expired, else start afresh
            now = self._clock()
            self._entries = {k: v for k, v in self._entries.items() if v[0] is None or v[0] > now}
            if len(self._entries) > 50_000:
                self._entries.clear()
        # stored serialised: a caller can't change a cached value by mutating what it got
        self._entries[key] = (None if ttl_s is None else self._clock() + ttl_s, json.dumps(value))

    async def delete(self, *keys: str) -> None:
        for k in keys:
            self._entries.pop(k, None)

    def clear(self) -> None:
        self._entries.clear()

    async def close(self) -> None:
        return None


class RedisCache:
    """Entries every replica shares (distributed mode). Failures are logged and count as misses;
    after one, Redis is left alone for `pause_s` so that a dead server costs each request nothing."""

    def __init__(
        self,
        url: str,
        namespace: str,
        prefix: str = "mes",
        pause_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import redis.asyncio as redis

        self.namespace = namespace
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._prefix = f"{prefix}:cache:{namespace}:"
        self._pause_s = pause_s
        self._clock = clock
        self._away_until = 0.0

    def _away(self) -> bool:
        return self._clock() < self._away_until

    def _failed(self, op: str, e: Exception) -> None:
        self._away_until = self._clock() + self._pause_s
        log.warning("cache_unavailable", op=op, namespace=self.namespace, error=type(e).__name__)

    async def get(self, key: str) -> Any | None:
        if self._away():
            return None
        try:
            raw = await self._redis.get(self._prefix + key)
        except Exception as e:  # an outage (refused, timeout, reset...) must not fail the request
            self._failed("get", e)
            return None
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_s: float | None) -> None:
        if (ttl_s is not None and ttl_s <= 0) or self._away():
            return
        try:
            if ttl_s is None:
                await self._redis.set(self._prefix + key, json.dumps(value))
            else:
                await self._redis.set(self._prefix + key, json.dumps(value), px=max(1, int(ttl_s * 1000)))
        except Exception as e:
            self._failed("set", e)

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        # a delete is tried even while paused: it is what keeps the cache correct
        try:
            await self._redis.delete(*(self._prefix + k for k in keys))
        except Exception as e:
            self._failed("delete", e)

    async def close(self) -> None:
        await self._redis.aclose()


def make_cache(redis_url: str, namespace: str, prefix: str = "mes") -> Cache:
    """Redis when a URL is configured (replicas share the entries), else this process's memory."""
    return RedisCache(redis_url, namespace, prefix) if redis_url else MemoryCache(namespace)
