"""Every operation of every service is permission-checked: 401 without a token, 403 without the
permission; and (auth acceptance 3) each default role gets 403 exactly where it lacks it, with the
database unchanged wherever the answer was 401, 403 or 422."""

import re

import pytest
from sqlalchemy import text

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


REFUSED = (401, 403, 422)
# tables whose purpose is to keep the record of a refusal, written with it on purpose: an inbound
# ERP message that doesn't validate is kept for the integrator to inspect and replay (ADR 19)
RECORDS_OF_REFUSALS = {"integration": ("message_dead_letter",)}


class Fingerprints:
    """A digest of every table of a service's database, as the test's transaction sees it."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self._queries: dict[str, str] = {}
        self.taken = 0

    async def __call__(self, service: str) -> str:
        async with self.h.db(service).transaction() as s:
            if service not in self._queries:
                tables = (
                    await s.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
                    )
                ).scalars()
                tables = [t for t in tables if t not in RECORDS_OF_REFUSALS.get(service, ())]
                self._queries[service] = " UNION ALL ".join(
                    f"SELECT '{t}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d"
                    f' FROM "{t}" x'
                    for t in tables
                )
            rows = (
                await s.execute(
                    text(f"SELECT string_agg(t || d, ',' ORDER BY t) FROM ({self._queries[service]}) f")
                )
            ).scalar()
        self.taken += 1
        return str(rows)


def _service_of(path: str) -> str:
    return next(s.name for s in SERVICES if path.startswith(s.api_root + "/") or path == s.api_root)


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
    fingerprint = Fingerprints(h)
    for role, (_, granted) in ROLES.items():
        # a real token the auth service issued for a user holding just this role
        headers = await h.login(f"user-{role}", PASSWORD)
        for method, path, permission in ops:
            if method == "POST" and path.endswith(("/keys/rotate", "/deactivate")):
                continue  # would end the walk's own sessions or keys; their 403s are checked below
            service = _service_of(path)
            before = await fingerprint(service) if method != "GET" else None
            r = await h.client.request(method, path, json={}, headers=headers)
            if permission in granted:
                assert r.status_code not in (401, 403), (role, method, path, r.status_code, r.text)
            else:
                assert r.status_code == 403, (role, method, path, r.status_code)
                assert r.json()["permission"] == permission
            if before is not None and r.status_code in REFUSED:
                # refused: not a row of the service's database changed (no half-done command)
                assert await fingerprint(service) == before, (role, method, path, r.status_code, r.text)
    assert fingerprint.taken > 100
    viewer = await h.login("user-viewer", PASSWORD)
    for method, path, permission in ops:
        if method == "POST" and path.endswith(("/keys/rotate", "/deactivate")):
            assert permission not in ROLES["viewer"][1]
            assert (await h.client.request(method, path, json={}, headers=viewer)).status_code == 403


@pytest.mark.parametrize("s", SERVICES, ids=lambda s: s.name)
async def test_operations_endpoints_answer_without_a_token(harness: Harness, s) -> None:  # type: ignore[no-untyped-def]
    r = await harness.client.get(f"{s.api_root}/health")
    assert r.status_code == 200
