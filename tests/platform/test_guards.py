"""Bad input gets a clear 4xx problem+json with a stable code and changes nothing; tokens are checked."""

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import structlog
import uvicorn
from prometheus_client import REGISTRY
from sqlalchemy import text

from mes.platform.registry import SERVICES
from mes.platform.testing import Harness, TestKeys, bearer
from mes.platform.testservers import free_port

URL = "/api/v1/resource/equipment"
PERMS = ("resource:equipment:write", "resource:read")


def _is_problem(r, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == code
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


async def _nothing_stored(h: Harness) -> None:
    async with h.db("resource").transaction() as s:
        assert (await s.execute(text("SELECT count(*) FROM equipment"))).scalar() == 0
        assert (await s.execute(text("SELECT count(*) FROM outbox"))).scalar() == 0
        assert (await s.execute(text("SELECT count(*) FROM audit_log"))).scalar() == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"code": "A", "name": ', 400, "malformed_json"),
        (b"\xff\xfe not json", 400, "malformed_json"),
        (b'{"code": 12, "name": ["x"], "level": "site"}', 422, "validation_failed"),
        (b'{"name": "no code", "level": "enterprise"}', 422, "validation_failed"),
        (b'{"code": "A", "name": "a", "level": "enterprise", "colour": "red"}', 422, "validation_failed"),
        (b'{"code": "A", "name": "bad\\u0000name", "level": "enterprise"}', 422, "validation_failed"),
        (b'{"code": "A", "name": "a", "level": "galaxy"}', 422, "validation_failed"),
        (b"[]", 422, "validation_failed"),
    ],
)
async def test_bad_bodies_are_problems_and_change_nothing(
    harness: Harness, body: bytes, status: int, code: str
) -> None:
    r = await harness.client.post(
        URL, content=body, headers={**harness.auth(*PERMS), "content-type": "application/json"}
    )
    problem = _is_problem(r, status, code)
    if status == 422:
        assert problem["errors"], "validation problems name the fields"
        assert all({"field", "message"} <= e.keys() for e in problem["errors"])
    await _nothing_stored(harness)


async def test_oversize_body_is_413(harness: Harness) -> None:
    big = json.dumps({"code": "A", "name": "x" * 2_000_000, "level": "enterprise"})
    r = await harness.client.post(
        URL, content=big, headers={**harness.auth(*PERMS), "content-type": "application/json"}
    )
    _is_problem(r, 413, "body_too_large")

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65536

    r = await harness.client.post(
        URL, content=chunks(), headers={**harness.auth(*PERMS), "content-type": "application/json"}
    )
    _is_problem(r, 413, "body_too_large")
    await _nothing_stored(harness)


async def test_nul_in_url_unknown_route_and_wrong_method(harness: Harness) -> None:
    _is_problem(await harness.client.get(URL + "/A%00B", headers=harness.auth(*PERMS)), 400, "nul_character")
    _is_problem(
        await harness.client.get(URL + "?level=site%00", headers=harness.auth(*PERMS)), 400, "nul_character"
    )
    _is_problem(await harness.client.get("/api/v1/resource/nothing-here"), 404, "not_found")
    _is_problem(await harness.client.delete("/api/v1/resource/health"), 405, "method_not_allowed")


async def test_every_response_carries_a_request_id(harness: Harness) -> None:
    r = await harness.client.get("/api/v1/resource/health", headers={"X-Request-ID": "line1-terminal-7"})
    assert r.headers["x-request-id"] == "line1-terminal-7"
    r = await harness.client.get("/api/v1/resource/nothing-here")
    assert len(r.headers["x-request-id"]) == 32
    assert r.json()["request_id"] == r.headers["x-request-id"]


# ---------------------------------------------------------------- tokens


def _b64(data: dict) -> str:  # type: ignore[type-arg]
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(**over: object) -> dict:  # type: ignore[type-arg]
    now = datetime.now(UTC)
    base = {
        "sub": "eve",
        "perms": list(PERMS),
        "roles": [],
        "iss": "mes-auth",
        "aud": "mes",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    base.update(over)
    return base


def _bad_tokens(keys: TestKeys) -> dict[str, str]:
    good = keys.token(*PERMS)
    head, payload, sig = good.split(".")
    tampered = _b64({**json.loads(base64.urlsafe_b64decode(payload + "==")), "perms": ["*"]})
    public_pem = keys.private.public_key().public_bytes_raw()
    now = datetime.now(UTC)
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': keys.kid})}.{_b64(_claims())}.",
        "hs256 with the public key": jwt.encode(
            _claims(), public_pem, algorithm="HS256", headers={"kid": keys.kid}
        ),
        "changed payload": f"{head}.{tampered}.{sig}",
        "unknown kid": jwt.encode(_claims(), keys.private, algorithm="EdDSA", headers={"kid": "nope"}),
        "wrong iss": keys.token(*PERMS, iss="someone-else"),
        "wrong aud": keys.token(*PERMS, aud="other-app"),
        "expired": keys.token(*PERMS, iat=now - timedelta(hours=2), exp=now - timedelta(hours=1)),
        "not yet valid": keys.token(*PERMS, nbf=now + timedelta(hours=1)),
        "garbage": "not-a-jwt",
    }


async def test_no_or_bad_token_is_401_with_nothing_to_learn(harness: Harness) -> None:
    r = await harness.client.get(URL)
    _is_problem(r, 401, "authentication_required")
    details = set()
    for name, token in _bad_tokens(harness.keys).items():
        r = await harness.client.get(URL, headers=bearer(token))
        body = _is_problem(r, 401, "invalid_token")
        assert r.headers["www-authenticate"] == "Bearer", name
        details.add(body["detail"])
    assert len(details) == 1, "every bad token gets the same detail"


async def test_every_service_refuses_every_bad_token_alike(harness: Harness) -> None:
    """Each service verifies tokens itself (from the JWKS): none of them lets a bad one through."""
    bad = _bad_tokens(harness.keys)
    details, checked = set(), []
    for s in SERVICES:
        doc = (await harness.client.get(f"{s.api_root}/openapi.json")).json()
        protected = [
            (m, p) for p, ops in doc["paths"].items() for m, op in ops.items() if "x-permission" in op
        ]
        if not protected:  # a service whose issue hasn't given it routes yet
            continue
        checked.append(s.name)
        method, path = protected[0]
        path = path.replace("{", "").replace("}", "")
        for token in bad.values():
            r = await harness.client.request(method, path, json={}, headers=bearer(token))
            details.add(_is_problem(r, 401, "invalid_token")["detail"])
    assert {"auth", "work-orders", "material", "resource"} <= set(checked)
    assert len(details) == 1, "one answer for every bad token at every service: nothing to learn"


async def test_valid_token_without_permission_is_403(harness: Harness) -> None:
    body = {"code": "ACME", "name": "Acme", "level": "enterprise"}
    r = await harness.client.post(URL, json=body, headers=harness.auth("resource:read"))
    assert _is_problem(r, 403, "permission_denied")["permission"] == "resource:equipment:write"
    await _nothing_stored(harness)
    r = await harness.client.post(URL, json=body, headers=harness.auth(*PERMS))
    assert r.status_code == 201


# ---------------------------------------------------------------- unexpected errors


def _failing_app() -> Any:
    from fastapi import APIRouter

    from mes.platform.app import ServiceSpec, build_service_app
    from mes.platform.registry import service_info
    from mes.platform.settings import Settings

    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    spec = ServiceSpec(service_info("resource"), "test", Path("."), routers=[router])
    return build_service_app(spec, Settings())


def _samples(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "mes_http_requests_total",
        {"service": "resource", "method": "GET", "route": route, "status": status},
    )
    return value or 0.0


async def test_an_unexpected_error_is_a_counted_logged_500_that_keeps_the_connection() -> None:
    app = _failing_app()
    before = _samples("/boom", "500")
    with structlog.testing.capture_logs() as logs:
        # the app itself answers: nothing escapes to the server, which would drop the connection
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/api/v1/resource/boom", headers={"X-Request-ID": "boom-1"})
    _is_problem(r, 500, "internal_error")
    assert r.json()["request_id"] == "boom-1"
    assert _samples("/boom", "500") == before + 1
    assert any(e["event"] == "request" and e["status"] == 500 and e["request_id"] == "boom-1" for e in logs)
    assert any(e["event"] == "unhandled_exception" for e in logs)

    # over a real server: the next request on the same keep-alive connection is answered
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answers = []
        for path in ("/api/v1/resource/boom", "/api/v1/resource/health"):
            writer.write(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(
                next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:"))[15:]
            )
            await reader.readexactly(length)
            answers.append(head.split(b" ")[1])
        assert answers == [b"500", b"200"]
        writer.close()
        await writer.wait_closed()
    finally:
        server.should_exit = True
        await task


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("level", ["1_000", "\u0665", " 5 ", "5", True, "+5"])
async def test_an_integer_is_a_json_integer_and_nothing_else(harness: Harness, level: object) -> None:
    admin = harness.auth("resource:personnel:write", "resource:read")
    r = await harness.client.post(
        "/api/v1/resource/skills", json={"code": "CNC", "name": "CNC"}, headers=admin
    )
    assert r.status_code == 201, r.text
    r = await harness.client.post(
        "/api/v1/resource/persons/ana/qualifications", json={"skill": "CNC", "level": level}, headers=admin
    )
    problem = _is_problem(r, 422, "validation_failed")
    assert problem["errors"][0]["field"] == "body.level", problem


@pytest.mark.parametrize("quantity", ["1_000", "\u0665", " 5", "5 ", "1e3", "+5", ".5", "5.", True])
async def test_a_decimal_string_follows_one_pattern(harness: Harness, quantity: object) -> None:
    r = await harness.client.post(
        "/api/v1/material/lots",
        json={"item": "RESIN", "quantity": quantity, "location": "WH-01"},
        headers=harness.auth("material:lot:receive"),
    )
    problem = _is_problem(r, 422, "validation_failed")
    assert problem["errors"][0]["field"] == "body.quantity", problem


async def test_the_decimal_pattern_and_one_skill_scale_are_in_the_openapi(harness: Harness) -> None:
    from mes.platform.schemas import DECIMAL_PATTERN

    doc = (await harness.client.get("/api/v1/material/openapi.json")).json()
    quantity = doc["components"]["schemas"]["LotReceive"]["properties"]["quantity"]
    assert {"type": "string", "pattern": DECIMAL_PATTERN}.items() <= next(
        s for s in quantity["anyOf"] if s.get("type") == "string"
    ).items()
    read = doc["components"]["schemas"]["LotRead"]["properties"]["quantity"]
    assert read.get("pattern") == DECIMAL_PATTERN
    levels = []
    for prefix, schema, field in (
        ("resource", "QualificationGrant", "level"),
        ("workorders", "SkillRequirement", "min_level"),
    ):
        doc = (await harness.client.get(f"/api/v1/{prefix}/openapi.json")).json()
        schemas = doc["components"]["schemas"]
        prop = (schemas.get(schema) or schemas[f"{schema}-Input"])["properties"][field]
        levels.append((prop["minimum"], prop["maximum"]))
    assert levels == [(1, 9), (1, 9)]


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "operation", ["1\u200b0", "\u202e01", "\U0001f527", "10\u2069", "\uff11\uff10", "", "1" * 33]
)
async def test_an_operation_key_is_a_plain_identifier(harness: Harness, operation: str) -> None:
    r = await harness.client.post(
        "/api/v1/material/lots/R-001/consume",
        json={"quantity": "1", "work_order": "WO-1", "operation": operation},
        headers={**harness.auth("material:lot:consume"), "Idempotency-Key": "k-1"},
    )
    problem = _is_problem(r, 422, "validation_failed")
    assert problem["errors"][0]["field"] == "body.operation", problem


@pytest.mark.parametrize("code", ["LOT\u200b1", "LOT-\u202e1", "\U0001f4e6", "LOT 1", "L\u00f6T"])
async def test_codes_are_plain_identifiers_everywhere(harness: Harness, code: str) -> None:
    for path, body, perm in (
        (
            "/api/v1/material/lots",
            {"code": code, "item": "X", "quantity": "1", "location": "WH"},
            "material:lot:receive",
        ),
        (
            "/api/v1/material/items",
            {"code": code, "name": "x", "kind": "raw", "uom": "kg"},
            "material:master:write",
        ),
        (
            "/api/v1/resource/equipment",
            {"code": code, "name": "x", "level": "enterprise"},
            "resource:equipment:write",
        ),
        ("/api/v1/workorders/products", {"code": code}, "workorder:routing:write"),
    ):
        r = await harness.client.post(path, json=body, headers=harness.auth(perm))
        _is_problem(r, 422, "validation_failed")
