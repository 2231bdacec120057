"""Request rate limits (ADR 22): a token bucket per service, route class and client.

Classes: `signin` (a request that changes something without credentials: sign-in, station
sign-in, API-key token, refresh) is counted per client address; `reads` (GET, HEAD) and
`commands` (the other methods) are counted per token when the request carries one, else per
client address. A sign-in flood from one address therefore empties only that address's sign-in
bucket: other users, and the same address's authenticated work, go on. Operations endpoints
(health, readiness, metrics, the API documents, the JWKS) are never limited.

Buckets live in this process's memory (embedded mode, one process) or in Redis, where one Lua
script takes a token atomically with the Redis server's clock, so replicas share each bucket.
If Redis can't be reached the request is let through (and logged): a limiter outage must not
become an outage of the API.

Every limited answer carries the IETF RateLimit-Policy and RateLimit fields
(draft-ietf-httpapi-ratelimit-headers: `"reads";q=12000;w=60` and `"reads";r=11999;t=1`); a
refused one is 429 problem+json with Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes.platform.errors import problem

log = structlog.get_logger("mes.ratelimit")

CLASSES = ("signin", "reads", "commands")
_SAFE = frozenset({"GET", "HEAD"})
# paths (after the service's /api/v1/<prefix>) that are never limited
_UNLIMITED_TAILS = ("/health", "/ready", "/metrics", "/openapi.json", "/docs", "/.well-known/jwks.json")


@dataclass(frozen=True)
class Rate:
    """`quota` requests per `window_s` seconds: the bucket holds `quota` tokens and refills
    continuously at quota/window_s per second."""

    quota: int
    window_s: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'120/60': 120 requests per 60 seconds."""
        quota, _, window = text.partition("/")
        rate = cls(int(quota), int(window or "60"))
        if rate.quota < 0 or rate.window_s <= 0:
            raise ValueError(f"a rate limit is QUOTA/WINDOW_SECONDS, not {text!r}")
        return rate

    @property
    def per_s(self) -> float:
        return self.quota / self.window_s


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int  # whole tokens left after this request
    retry_after_s: int  # refused: seconds until one token is back
    reset_s: int  # seconds until the bucket is full again


class Limiter(Protocol):
    async def take(self, key: str, rate: Rate) -> Decision: ...

    async def close(self) -> None: ...


def _decide(tokens: float, rate: Rate, allowed: bool) -> Decision:
    missing = rate.quota - tokens
    return Decision(
        allowed,
        int(tokens),
        0 if allowed else max(1, math.ceil((1 - tokens) / rate.per_s)),
        max(0, math.ceil(missing / rate.per_s)),
    )


class MemoryLimiter:
    """This process's buckets (embedded mode). Idle buckets are dropped once there are many."""

    MAX_BUCKETS = 100_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    async def take(self, key: str, rate: Rate) -> Decision:
        now = self._clock()
        tokens, at = self._buckets.get(key, (float(rate.quota), now))
        tokens = min(float(rate.quota), tokens + (now - at) * rate.per_s)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        if len(self._buckets) >= self.MAX_BUCKETS and key not in self._buckets:
            self._forget_idle(now)
        self._buckets[key] = (tokens, now)
        return _decide(tokens, rate, allowed)

    def _forget_idle(self, now: float) -> None:
        # a bucket untouched for an hour is full again for any rate this module is given
        for key in [k for k, (_, at) in self._buckets.items() if now - at > 3600]:
            del self._buckets[key]

    async def close(self) -> None:
        return None


# KEYS: the bucket; ARGV: quota, tokens per millisecond. Returns allowed, tokens left (x1000).
# Refill, take and store happen in one script with the server's clock: replicas can't race.
_TAKE = """
local quota = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or quota
local at = tonumber(b[2]) or now
tokens = math.min(quota, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((quota - tokens) / per_ms) + 1000)
return {allowed, math.floor(tokens * 1000)}
"""


class RedisLimiter:
    """Buckets every replica shares (distributed mode)."""

    def __init__(self, url: str, prefix: str = "mes") -> None:
        import redis.asyncio as redis

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._prefix = prefix
        self._script: Any = self._redis.register_script(_TAKE)

    async def take(self, key: str, rate: Rate) -> Decision:
        allowed, milli = await self._script(
            keys=[f"{self._prefix}:ratelimit:{key}"], args=[rate.quota, repr(rate.per_s / 1000)]
        )
        return _decide(int(milli) / 1000, rate, bool(int(allowed)))

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str, prefix: str = "mes") -> Limiter:
    """Redis when a URL is configured (replicas share the buckets), else this process's memory."""
    return RedisLimiter(redis_url, prefix) if redis_url else MemoryLimiter()


@dataclass(frozen=True)
class RateLimits:
    """What a service enforces: a limiter and the rate of each class (a class without one, or
    with quota 0, is not limited)."""

    limiter: Limiter
    rates: Mapping[str, Rate]

    @classmethod
    def from_settings(cls, limiter: Limiter, settings: Any) -> RateLimits | None:
        if not settings.rate_limits_enabled:
            return None
        rates = {name: Rate.parse(getattr(settings, f"rate_limit_{name}")) for name in CLASSES}
        return cls(limiter, {name: rate for name, rate in rates.items() if rate.quota > 0})


def classify(scope: Scope) -> tuple[str, str] | None:
    """(class, client key) of a request, or None when it isn't limited."""
    method: str = scope["method"]
    path: str = scope["path"]
    if method == "OPTIONS" or path.endswith(_UNLIMITED_TAILS) or "/docs/" in path:
        return None
    credential = next((v for n, v in scope["headers"] if n == b"authorization"), None)
    if credential:
        # the token itself (hashed), not its claims: a forged token can't spend another's bucket
        key = "token:" + hashlib.sha256(credential).hexdigest()[:32]
        return ("reads" if method in _SAFE else "commands"), key
    client = scope.get("client")
    address = client[0] if client else "unknown"
    return ("reads" if method in _SAFE else "signin"), f"address:{address}"


class RateLimitMiddleware:
    """Takes one token per request from its bucket; 429 problem+json when it is empty.
    The limits are read from the app's state (`app.state.rate_limits`), absent: no limits."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits: RateLimits | None = (
            getattr(scope["app"].state, "rate_limits", None) if "app" in scope else None
        )
        found = classify(scope) if scope["type"] == "http" and limits is not None else None
        rate = limits.rates.get(found[0]) if limits is not None and found is not None else None
        if found is None or rate is None or limits is None:
            await self.app(scope, receive, send)
            return
        name, client = found
        try:
            decision = await limits.limiter.take(f"{self.service}:{name}:{client}", rate)
        except Exception as e:  # the limiter's store is away: serve rather than refuse everyone
            log.warning("rate_limiter_unavailable", service=self.service, error=str(e))
            await self.app(scope, receive, send)
            return
        fields = [
            (b"ratelimit-policy", f'"{name}";q={rate.quota};w={rate.window_s}'.encode()),
            (b"ratelimit", f'"{name}";r={decision.remaining};t={decision.reset_s}'.encode()),
        ]
        if not decision.allowed:
            await problem(
                429,
                "rate_limited",
                f"Too many {name} requests: at most {rate.quota} in {rate.window_s} s. "
                f"Try again in {decision.retry_after_s} s.",
                instance=scope["path"],
                headers={
                    "Retry-After": str(decision.retry_after_s),
                    **{n.decode(): v.decode() for n, v in fields},
                },
                request_id=scope.get("state", {}).get("request_id"),
                retry_after_s=decision.retry_after_s,
            )(scope, receive, send)
            return

        async def send_with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *fields]
            await send(message)

        await self.app(scope, receive, send_with_fields)
