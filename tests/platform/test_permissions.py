"""Every operation of every service is permission-checked: 401 without a token, 403 without the
permission; and (auth acceptance 3) each default role gets 403 exactly where it lacks it."""

import re

import pytest

from mes.platform.registry import SERVICES
from mes.platform.testing import AuthHarness, Harness
from mes.services.auth.models.permissions import ROLES
from mes.services.auth.service.bootstrap import bootstrap_admin

OPEN = {"/health", "/ready", "/metrics"}  # operations endpoints stay open for probes and scrapers
PASSWORD = "walk-every-route-2026"


async def _operations(h: Harness) -> list[tuple[str, str, str | None]]:
    """(method, path with placeholders filled, x-permission) of every non-public operation."""
    ops = []
    for s in SERVICES:
        doc = (await h.client.get(f"{s.api_root}/openapi.json")).json()
        for path, methods in doc["paths"].items():
            if path.removeprefix(s.api_root) in OPEN:
                continue
            for method, op in methods.items():
                if op.get("security") == []:  # public by design (login, refresh, logout, JWKS)
                    continue
                ops.append((method.upper(), re.sub(r"\{[^}]+\}", "X-1", path), op.get("x-permission")))
    return ops


async def test_every_operation_needs_a_token_and_its_permission(harness: Harness) -> None:
    ops = await _operations(harness)
    assert len(ops) >= 20
    assert [(m, p) for m, p, perm in ops if not perm] == [], "every operation declares its permission"
    nobody = harness.auth(sub="visitor")  # a valid token holding no permission at all
    for method, path, _ in ops:
        r = await harness.client.request(method, path, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        r = await harness.client.request(method, path, json={}, headers=nobody)
        assert r.status_code == 403, (method, path, r.status_code)
        assert r.json()["code"] == "permission_denied"


async def test_each_default_role_is_refused_exactly_where_it_lacks_the_permission(
    auth_harness: AuthHarness,
) -> None:
    h = auth_harness
    assert await bootstrap_admin(h.db("auth"), "admin", PASSWORD)
    admin = await h.login("admin", PASSWORD)
    ops = await _operations(h)
    for role in ROLES:
        body = {
            "username": f"user-{role}",
            "display_name": role.title(),
            "password": PASSWORD,
            "roles": [role],
        }
        assert (await h.client.post("/api/v1/auth/users", headers=admin, json=body)).status_code == 201
    for role, (_, granted) in ROLES.items():
        # a real token the auth service issued for a user holding just this role
        headers = await h.login(f"user-{role}", PASSWORD)
        for method, path, permission in ops:
            if method == "POST" and path.endswith(("/keys/rotate", "/deactivate")):
                continue  # would end the walk's own sessions or keys; their 403s are checked below
            r = await h.client.request(method, path, json={}, headers=headers)
            if permission in granted:
                assert r.status_code not in (401, 403), (role, method, path, r.status_code, r.text)
            else:
                assert r.status_code == 403, (role, method, path, r.status_code)
                assert r.json()["permission"] == permission
    viewer = await h.login("user-viewer", PASSWORD)
    for method, path, permission in ops:
        if method == "POST" and path.endswith(("/keys/rotate", "/deactivate")):
            assert permission not in ROLES["viewer"][1]
            assert (await h.client.request(method, path, json={}, headers=viewer)).status_code == 403


@pytest.mark.parametrize("s", SERVICES, ids=lambda s: s.name)
async def test_operations_endpoints_answer_without_a_token(harness: Harness, s) -> None:  # type: ignore[no-untyped-def]
    r = await harness.client.get(f"{s.api_root}/health")
    assert r.status_code == 200
