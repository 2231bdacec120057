"""HTTP hardening of every service (ADR 22): security headers, CORS for configured origins only,
request rate limits per client with the IETF RateLimit fields, shared by replicas through Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from mes.platform.app import attach, build_service_app
from mes.platform.embedded import build_embedded_app
from mes.platform.http import ServiceDirectory
from mes.platform.ratelimit import MemoryLimiter, Rate, RateLimits, RedisLimiter
from mes.platform.settings import Settings
from mes.platform.testing import Databases, Harness, bearer, free_port
from mes.services import all_specs

ORIGIN = "https://mes.example.org"


def problem(r: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = r.json()
    assert body["code"] == code, body
    return body


def assert_security_headers(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"


def client_at(h: Harness, address: str) -> httpx.AsyncClient:
    """A client of the harness's services seen from `address`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=h.app, client=(address, 40000)), base_url="http://mes.test"
    )


# ---------------------------------------------------------------- security headers


async def test_every_service_answers_with_the_security_headers(harness: Harness) -> None:
    for spec in all_specs():
        root = spec.info.api_root
        reader = harness.auth("platform:events:manage")
        answers = {
            "health": await harness.client.get(f"{root}/health"),
            "unknown path": await harness.client.get(f"{root}/no-such-thing"),
            "no token": await harness.client.get(f"{root}/dead-letters"),
            "with token": await harness.client.get(f"{root}/dead-letters", headers=reader),
            "command": await harness.client.post(f"{root}/dead-letters/999999/replay", headers=reader),
        }
        for what, r in answers.items():
            assert r.status_code < 500, (spec.info.name, what, r.text)
            assert_security_headers(r)
        # an answer to a request with credentials, or to a command, is never stored by a cache
        assert answers["with token"].headers["cache-control"] == "no-store"
        assert answers["command"].headers["cache-control"] == "no-store"
        assert "cache-control" not in answers["health"].headers


async def test_the_api_documentation_page_may_load_its_scripts_but_not_be_framed(harness: Harness) -> None:
    r = await harness.client.get("/api/v1/resource/docs")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert r.headers["x-frame-options"] == "DENY"


# ---------------------------------------------------------------- CORS


@pytest.fixture
def cors_client(harness: Harness) -> httpx.AsyncClient:
    """The resource service built with one allowed origin, on the harness's runtime."""
    spec = next(s for s in all_specs() if s.info.name == "resource")
    app = build_service_app(spec, Settings(cors_origins=[ORIGIN]))
    attach(app, harness.runtimes["resource"], ServiceDirectory(asgi_app=harness.app), harness.keys.verifier())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mes.test")


def preflight(
    origin: str, method: str = "POST", headers: str = "authorization, content-type"
) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_a_preflight_from_a_configured_origin_is_allowed(cors_client: httpx.AsyncClient) -> None:
    async with cors_client as c:
        r = await c.options("/api/v1/resource/equipment", headers=preflight(ORIGIN))
    assert r.status_code == 204, r.text
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in r.headers["access-control-allow-methods"]
    allowed = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "traceparent"} <= allowed
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["vary"] == "Origin"
    assert_security_headers(r)


async def test_a_preflight_from_another_origin_is_refused(cors_client: httpx.AsyncClient) -> None:
    async with cors_client as c:
        other = await c.options("/api/v1/resource/equipment", headers=preflight("https://evil.example"))
        odd_header = await c.options(
            "/api/v1/resource/equipment", headers=preflight(ORIGIN, headers="x-custom-thing")
        )
        odd_method = await c.options("/api/v1/resource/equipment", headers=preflight(ORIGIN, "TRACE"))
    for r, code in ((other, "cors_refused"), (odd_header, "cors_refused"), (odd_method, "cors_refused")):
        problem(r, 403, code)
        assert "access-control-allow-origin" not in r.headers
        assert_security_headers(r)


async def test_an_ordinary_request_gets_allow_origin_only_for_a_configured_origin(
    cors_client: httpx.AsyncClient, harness: Harness
) -> None:
    reader = harness.auth("resource:read")
    async with cors_client as c:
        allowed = await c.get("/api/v1/resource/equipment", headers={**reader, "Origin": ORIGIN})
        other = await c.get(
            "/api/v1/resource/equipment", headers={**reader, "Origin": "https://evil.example"}
        )
    assert allowed.status_code == other.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "RateLimit" in allowed.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers


async def test_without_configured_origins_a_preflight_is_refused(harness: Harness) -> None:
    r = await harness.client.options("/api/v1/material/lots", headers=preflight("http://localhost:5173"))
    problem(r, 403, "cors_refused")
    # an OPTIONS that is no preflight is still not a method the API takes
    assert (await harness.client.options("/api/v1/material/lots")).status_code == 405


# ---------------------------------------------------------------- rate limits


def limit_harness(h: Harness, limits: RateLimits) -> None:
    for _, app in h.app.services:
        app.state.rate_limits = limits  # type: ignore[attr-defined]


async def test_a_client_over_its_limit_gets_429_with_the_headers_and_others_are_served(
    harness: Harness,
) -> None:
    limit_harness(harness, RateLimits(MemoryLimiter(), {"reads": Rate(3, 60), "commands": Rate(3, 60)}))
    alice, bob = harness.auth("resource:read", sub="alice"), harness.auth("resource:read", sub="bob")
    answers = [await harness.client.get("/api/v1/resource/equipment", headers=alice) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert answers[0].headers["ratelimit-policy"] == '"reads";q=3;w=60'
    assert answers[0].headers["ratelimit"].startswith('"reads";r=2;t=')
    over = await harness.client.get("/api/v1/resource/equipment", headers=alice)
    body = problem(over, 429, "rate_limited")
    retry = int(over.headers["retry-after"])
    assert 1 <= retry <= 20  # one request's worth of a 3-per-minute bucket
    assert body["retry_after_s"] == retry
    assert over.headers["ratelimit-policy"] == '"reads";q=3;w=60'
    assert over.headers["ratelimit"].startswith('"reads";r=0;t=')
    assert_security_headers(over)
    # another token has its own bucket; so has another service; operations are never limited
    assert (await harness.client.get("/api/v1/resource/equipment", headers=bob)).status_code == 200
    assert (await harness.client.get("/api/v1/material/lots", headers=alice)).status_code in (200, 403)
    assert (await harness.client.get("/api/v1/resource/health")).status_code == 200
    assert (await harness.client.get("/api/v1/resource/ready")).status_code == 200


async def test_a_sign_in_flood_from_one_address_does_not_block_other_users(harness: Harness) -> None:
    limit_harness(harness, RateLimits(MemoryLimiter(), {"signin": Rate(5, 60), "reads": Rate(100, 60)}))
    await harness.enrol("carol")
    async with client_at(harness, "203.0.113.7") as attacker, client_at(harness, "198.51.100.2") as user:
        flood = []
        for i in range(8):  # guessing a password for one name after another
            wrong = {"username": f"guess-{i}", "password": "not-the-password-123"}
            r = await attacker.post("/api/v1/auth/login", json=wrong)
            flood.append((r.status_code, r.json()["code"]))
        assert flood[:5] == [(401, "invalid_credentials")] * 5, flood
        assert flood[5:] == [(429, "rate_limited")] * 3, flood
        refused = await attacker.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
        problem(refused, 429, "rate_limited")
        assert refused.headers["ratelimit-policy"] == '"signin";q=5;w=60'
        # another address signs in as usual, and the flooding address's token work goes on
        login = {"username": "carol", "password": "harness-user-2026-pass"}
        assert (await user.post("/api/v1/auth/login", json=login)).status_code == 200
        reader = harness.auth("resource:read", sub="dave")
        assert (await attacker.get("/api/v1/resource/equipment", headers=reader)).status_code == 200


async def test_a_class_without_a_rate_and_a_harness_without_limits_are_not_limited(harness: Harness) -> None:
    reader = harness.auth("resource:read")
    for _ in range(5):
        r = await harness.client.get("/api/v1/resource/equipment", headers=reader)
        assert r.status_code == 200 and "ratelimit" not in r.headers
    limit_harness(harness, RateLimits(MemoryLimiter(), {"signin": Rate(1, 60)}))
    for _ in range(5):
        assert (await harness.client.get("/api/v1/resource/equipment", headers=reader)).status_code == 200


def test_rates_parse_from_settings() -> None:
    assert Rate.parse("120/60") == Rate(120, 60)
    assert Rate.parse("10") == Rate(10, 60)
    with pytest.raises(ValueError):
        Rate.parse("10/0")
    limits = RateLimits.from_settings(
        MemoryLimiter(),
        Settings(rate_limit_signin="7/30", rate_limit_reads="0/60", rate_limit_commands="9/10"),
    )
    assert limits is not None and limits.rates == {"signin": Rate(7, 30), "commands": Rate(9, 10)}
    assert RateLimits.from_settings(MemoryLimiter(), Settings(rate_limits_enabled=False)) is None
    defaults = Settings()  # generous: the tests, the demo, the e2e suite and benchmarks stay under
    assert Rate.parse(defaults.rate_limit_reads).quota >= 6000


@pytest.fixture
async def redis_limiters(redis_url: str) -> AsyncIterator[list[RedisLimiter]]:
    prefix = f"mes-test-{uuid.uuid4().hex[:8]}"
    limiters = [RedisLimiter(redis_url, prefix), RedisLimiter(redis_url, prefix)]
    yield limiters
    import redis.asyncio as redis

    r = redis.Redis.from_url(redis_url)
    keys = [k async for k in r.scan_iter(f"{prefix}:*")]
    if keys:
        await r.delete(*keys)
    await r.aclose()
    for limiter in limiters:
        await limiter.close()


async def test_two_replicas_share_each_clients_bucket_through_redis(
    harness: Harness, redis_limiters: list[RedisLimiter]
) -> None:
    """Two instances of the resource service (two apps, as two replicas would be), each with its
    own Redis connection: a client's requests through either count against one bucket."""
    spec = next(s for s in all_specs() if s.info.name == "resource")
    replicas = []
    for limiter in redis_limiters:
        app = build_service_app(spec, Settings())
        attach(
            app,
            harness.runtimes["resource"],
            ServiceDirectory(asgi_app=harness.app),
            harness.keys.verifier(),
            rate_limits=RateLimits(limiter, {"reads": Rate(4, 60)}),
        )
        replicas.append(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mes.test"))
    erin = bearer(harness.keys.token("resource:read", sub="erin"))
    frank = bearer(harness.keys.token("resource:read", sub="frank"))
    statuses = []
    for i in range(6):
        r = await replicas[i % 2].get("/api/v1/resource/equipment", headers=erin)
        statuses.append(r.status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]
    last = await replicas[1].get("/api/v1/resource/equipment", headers=erin)
    problem(last, 429, "rate_limited")
    assert int(last.headers["retry-after"]) >= 1
    assert last.headers["ratelimit"].startswith('"reads";r=0;t=')
    assert (await replicas[0].get("/api/v1/resource/equipment", headers=frank)).status_code == 200
    for c in replicas:
        await c.aclose()


async def test_embedded_mode_limits_every_service_from_the_settings(service_databases: Databases) -> None:
    """`mes up`: the settings' rates, one set of buckets for the process."""
    specs = [s for s in all_specs() if s.info.name in ("resource", "material")]
    app = build_embedded_app(specs, Settings(rate_limit_reads="2/60"), service_databases.urls)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mes") as c:
        statuses = [(await c.get("/api/v1/resource/equipment")).status_code for _ in range(3)]
        other = await c.get("/api/v1/material/lots")
        health = [(await c.get("/api/v1/resource/health")).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # anonymous reads: per address
    assert other.status_code == 401 and other.headers["ratelimit-policy"] == '"reads";q=2;w=60'
    assert health == [200, 200, 200]


async def test_with_redis_away_requests_are_served_not_refused(harness: Harness) -> None:
    limit_harness(
        harness, RateLimits(RedisLimiter(f"redis://127.0.0.1:{free_port()}/0"), {"reads": Rate(1, 60)})
    )
    reader = harness.auth("resource:read")
    for _ in range(3):
        r = await harness.client.get("/api/v1/resource/equipment", headers=reader)
        assert r.status_code == 200 and "ratelimit" not in r.headers
