"""Failure counters with lockout: in memory (embedded, one process) or in Redis (shared by replicas).

A `Strikes` store counts failures per key in a sliding window; the failure that reaches the limit
locks the key. Each lockout within a day doubles the next one (backoff), up to a ceiling. Keys are
hashed before they are stored, since a "user name" typed at a login may well be a password.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

LOCKOUT_MEMORY_S = 24 * 3600  # how long earlier lockouts count towards a longer next one


@dataclass(frozen=True)
class Policy:
    limit: int  # failures within `window_s` that lock the key
    window_s: int
    lock_s: int  # first lockout; each further one within a day doubles it
    max_lock_s: int


@dataclass(frozen=True)
class Strike:
    failures: int  # failures counted so far in the window (0 once it locked)
    locked_s: int  # >0: this failure locked the key for that many seconds


class Strikes(Protocol):
    async def locked_for(self, scope: str, key: str) -> int:
        """Seconds the key stays locked; 0 when it isn't."""
        ...

    async def strike(self, scope: str, key: str, policy: Policy) -> Strike: ...

    async def clear(self, scope: str, key: str) -> None:
        """A success: forget the failures (lockout history stays for the backoff)."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def _digest(scope: str, key: str) -> str:
    return f"{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def _lock_seconds(policy: Policy, lockouts: int) -> int:
    return int(min(policy.max_lock_s, policy.lock_s * 2 ** max(lockouts - 1, 0)))


class MemoryStrikes:
    """One process's counters; right for the embedded mode, where one process serves everything."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locks: dict[str, float] = {}
        self._lockouts: dict[str, list[float]] = {}

    async def locked_for(self, scope: str, key: str) -> int:
        until = self._locks.get(_digest(scope, key), 0.0)
        return max(0, math.ceil(until - self._clock()))

    async def strike(self, scope: str, key: str, policy: Policy) -> Strike:
        k, now = _digest(scope, key), self._clock()
        recent = [t for t in self._failures.get(k, []) if t > now - policy.window_s] + [now]
        if len(recent) < policy.limit:
            self._failures[k] = recent
            return Strike(len(recent), 0)
        self._failures.pop(k, None)
        history = [t for t in self._lockouts.get(k, []) if t > now - LOCKOUT_MEMORY_S] + [now]
        self._lockouts[k] = history
        seconds = _lock_seconds(policy, len(history))
        self._locks[k] = now + seconds
        return Strike(0, seconds)

    async def clear(self, scope: str, key: str) -> None:
        self._failures.pop(_digest(scope, key), None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None


# KEYS: failures, lock, lockouts; ARGV: now_ms, window_ms, limit, lock_ms, max_lock_ms, memory_ms
# The whole decision runs in Redis, so two replicas striking at once can't both miss the limit.
_STRIKE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], now, now .. ':' .. redis.call('INCR', KEYS[1] .. ':seq'))
redis.call('PEXPIRE', KEYS[1] .. ':seq', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[3]) then return {n, 0} end
redis.call('DEL', KEYS[1])
local lockouts = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
local ms = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ (lockouts - 1))
redis.call('SET', KEYS[2], '1', 'PX', ms)
return {0, ms}
"""


class RedisStrikes:
    """Counters every replica shares (distributed mode); times are the Redis server's, one clock."""

    def __init__(self, url: str, prefix: str = "mes") -> None:
        import redis.asyncio as redis

        self._redis: Any = redis.Redis.from_url(url)
        self._prefix = prefix
        self._script: Any = self._redis.register_script(_STRIKE)

    def _keys(self, scope: str, key: str) -> list[str]:
        base = f"{self._prefix}:strikes:{_digest(scope, key)}"
        return [f"{base}:failures", f"{base}:lock", f"{base}:lockouts"]

    async def locked_for(self, scope: str, key: str) -> int:
        ms = int(await self._redis.pttl(self._keys(scope, key)[1]))
        return math.ceil(ms / 1000) if ms > 0 else 0

    async def strike(self, scope: str, key: str, policy: Policy) -> Strike:
        seconds, micros = await self._redis.time()
        now_ms = int(seconds) * 1000 + int(micros) // 1000
        failures, lock_ms = await self._script(
            keys=self._keys(scope, key),
            args=[
                now_ms,
                policy.window_s * 1000,
                policy.limit,
                policy.lock_s * 1000,
                policy.max_lock_s * 1000,
                LOCKOUT_MEMORY_S * 1000,
            ],
        )
        return Strike(int(failures), math.ceil(int(lock_ms) / 1000))

    async def clear(self, scope: str, key: str) -> None:
        failures = self._keys(scope, key)[0]
        await self._redis.delete(failures, failures + ":seq")

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def make_strikes(redis_url: str, prefix: str = "mes") -> Strikes:
    """Redis when a URL is configured (replicas share lockouts), else this process's memory."""
    return RedisStrikes(redis_url, prefix) if redis_url else MemoryStrikes()
