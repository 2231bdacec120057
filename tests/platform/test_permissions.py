"""Every operation of every service is permission-checked: 401 without a token, 403 without the permission."""

import re

import pytest

from mes.platform.registry import SERVICES
from mes.platform.testing import Harness

OPEN = {"/health", "/ready", "/metrics"}  # operations endpoints stay open for probes and scrapers


async def _operations(h: Harness) -> list[tuple[str, str]]:
    ops = []
    for s in SERVICES:
        doc = (await h.client.get(f"{s.api_root}/openapi.json")).json()
        for path, methods in doc["paths"].items():
            if path.removeprefix(s.api_root) in OPEN:
                continue
            for method, op in methods.items():
                if op.get("security") == []:  # public by design (login, refresh, logout, JWKS)
                    continue
                ops.append((method.upper(), re.sub(r"\{[^}]+\}", "X-1", path)))
    return ops


async def test_every_operation_needs_a_token_and_its_permission(harness: Harness) -> None:
    ops = await _operations(harness)
    assert len(ops) >= 20
    nobody = harness.auth(sub="visitor")  # a valid token holding no permission at all
    for method, path in ops:
        r = await harness.client.request(method, path, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        r = await harness.client.request(method, path, json={}, headers=nobody)
        assert r.status_code == 403, (method, path, r.status_code)
        assert r.json()["code"] == "permission_denied"


@pytest.mark.parametrize("s", SERVICES, ids=lambda s: s.name)
async def test_operations_endpoints_answer_without_a_token(harness: Harness, s) -> None:  # type: ignore[no-untyped-def]
    r = await harness.client.get(f"{s.api_root}/health")
    assert r.status_code == 200
