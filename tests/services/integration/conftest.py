import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from mes.platform.testing import Harness, wait_until
from mes.services.integration.config import integration_settings, seal_key
from mes.services.integration.service.runners import Connectors

API = "/api/v1/integration"
R = "/api/v1/resource"
ALL = ("integration:read", "integration:write", "integration:message:send")
RESOURCE = ("resource:read", "resource:equipment:write")
PLANT = (
    ("ACME", "enterprise", None),
    ("LYON", "site", "ACME"),
    ("MOULDING", "area", "LYON"),
    ("LINE-1", "work_center", "MOULDING"),
    ("PRESS-4", "equipment", "LINE-1"),
    ("PRESS-5", "equipment", "LINE-1"),
)
MQTT = ("127.0.0.1", 1883)
TEST_SEAL_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()

Seed = Callable[[], Awaitable[None]]


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test receivers listen on 127.0.0.1: allowed here, as an installation would allow its
    own private ERP; the default (public targets only) is tested in test_targets.py."""
    monkeypatch.setenv("MES_INTEGRATION_ALLOWED_TARGETS", "127.0.0.1/32")
    monkeypatch.setenv("MES_INTEGRATION_SEAL_KEY", TEST_SEAL_KEY)
    integration_settings.cache_clear()
    seal_key.cache_clear()
    yield
    integration_settings.cache_clear()
    seal_key.cache_clear()


@pytest.fixture
def plant(harness: Harness) -> Seed:
    async def seed() -> None:
        auth = harness.auth(*RESOURCE, sub="engineer-ana")
        for code, level, parent in PLANT:
            body = {"code": code, "name": code.title(), "level": level, "parent_code": parent}
            r = await harness.client.post(f"{R}/equipment", json=body, headers=auth)
            assert r.status_code == 201, r.text

    return seed


async def call(h: Harness, method: str, path: str, body: Any = None, *, sub: str = "integrator") -> Any:
    r = await h.client.request(method, API + path, json=body, headers=h.auth(*ALL, sub=sub))
    assert r.status_code < 300, (method, path, r.status_code, r.text)
    return r.json() if r.status_code != 204 else None


class Line:
    """The connectors worker driven by the test: each `pump` flushes the runners and relays events."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.worker = Connectors(h.db("integration"))

    async def pump(self) -> None:
        await self.worker.flush()
        await self.h.deliver()

    async def until(self, check: Callable[[], Awaitable[bool]], timeout_s: float = 60.0) -> None:
        async def probe() -> bool:
            await self.pump()
            return await check()

        await wait_until(probe, timeout_s=timeout_s, interval_s=0.05)

    async def connected(self, name: str) -> None:
        await self.worker.reload()

        async def ok() -> bool:
            return bool((await call(self.h, "GET", f"/connectors/{name}"))["status"]["connected"])

        await self.until(ok)

    async def state(self, code: str) -> str | None:
        r = await self.h.client.get(f"{R}/equipment/{code}/state", headers=self.h.auth("resource:read"))
        return r.json()["state"]

    async def counters(self, code: str) -> dict[str, int]:
        r = await self.h.client.get(f"{R}/equipment/{code}/details", headers=self.h.auth("resource:read"))
        return dict(r.json()["counters"])


@pytest.fixture
async def line(harness: Harness) -> AsyncIterator[Line]:
    ln = Line(harness)
    yield ln
    await ln.worker.stop()
