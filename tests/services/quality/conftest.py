"""The quality tests' plant: the work orders test plant plus gauges, a signer and inspection plans."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mes.platform.testing import Harness
from services.work_orders.conftest import Plant, seed

Q = "/api/v1/quality"
A = "/api/v1/auth"
M = "/api/v1/material"
W = "/api/v1/workorders"
PASSWORD = "blue-lathe-turns-42"
ENGINEER = (
    "quality:read",
    "quality:plan:write",
    "quality:inspection:record",
    "quality:nc:write",
    "quality:nc:disposition",
    "quality:inspection:waive",
    "quality:gauge:write",
    "auth:signature:sign",
    "auth:signature:read",
    "material:read",
    "material:lot:hold",
    "material:lot:move",
    "material:lot:adjust",
)
INSPECTOR = ("quality:read", "quality:inspection:record", "material:read")


def ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


class QualityPlant:
    def __init__(self, h: Harness, plant: Plant) -> None:
        self.h = h
        self.wo = plant

    def engineer(self, sub: str = "qe-lea", *perms: str) -> dict[str, str]:
        return self.h.auth(*(perms or ENGINEER), sub=sub)

    def inspector(self, sub: str = "op-ana") -> dict[str, str]:
        return self.h.auth(*INSPECTOR, sub=sub)

    async def q(
        self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.h.client.request(method, Q + path, json=body, headers=headers or self.engineer())

    async def plan(self, body: dict[str, Any], release: bool = True) -> Any:
        plan = ok(await self.q("POST", "/plans", body), 201)
        if release:
            plan = ok(await self.q("POST", f"/plans/{plan['code']}/versions/{plan['version']}/release"))
        await self.h.deliver()
        return plan

    async def record(
        self, task: str, body: dict[str, Any], who: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.q("POST", f"/tasks/{task}/results", body, headers=who or self.inspector())

    async def lot(self, code: str) -> Any:
        return ok(await self.h.client.get(f"{M}/lots/{code}", headers=self.engineer()))

    async def signer(self, username: str = "qe-lea", roles: tuple[str, ...] = ("quality",)) -> None:
        body = {
            "username": username,
            "display_name": username.title(),
            "password": PASSWORD,
            "roles": list(roles),
        }
        ok(
            await self.h.client.post(
                f"{A}/users", json=body, headers=self.h.auth("auth:user:write", "auth:user:read")
            ),
            201,
        )

    async def sign(
        self,
        record_type: str,
        record_id: str,
        content: Any,
        username: str = "qe-lea",
        meaning: str = "approved",
    ) -> str:
        body = {
            "record_type": record_type,
            "record_id": record_id,
            "content": content,
            "meaning": meaning,
            "username": username,
            "password": PASSWORD,
        }
        sig = ok(await self.h.client.post(f"{A}/signatures", json=body, headers=self.engineer(username)), 201)
        return str(sig["id"])


@pytest.fixture
async def qp(harness: Harness) -> QualityPlant:
    plant = await seed(harness)
    p = QualityPlant(harness, plant)
    today = "2026-01-01"
    ok(
        await p.q(
            "POST",
            "/gauges",
            {"code": "CAL-7", "name": "Caliper 7", "interval_days": 3650, "calibrated_on": today},
        ),
        201,
    )
    ok(
        await p.q(
            "POST",
            "/gauges",
            {"code": "CAL-OLD", "name": "Old caliper", "interval_days": 30, "due_on": "2020-01-01"},
        ),
        201,
    )
    ok(await p.q("POST", "/defect-codes", {"code": "SCRATCH", "name": "Scratch"}), 201)
    ok(await p.q("POST", "/defect-codes", {"code": "FLASH", "name": "Flash on parting line"}), 201)
    return p


WIDTH = {
    "code": "WIDTH",
    "name": "Kit width",
    "kind": "variable",
    "nominal": "10.0",
    "lsl": "9.9",
    "usl": "10.1",
    "unit": "mm",
    "decimals": 2,
}
ASSEMBLY_PLAN = {
    "code": "IP-KIT-20",
    "kind": "in_process",
    "item": "KIT-100",
    "operation": "20",
    "characteristics": [WIDTH],
}
RESIN_PLAN = {
    "code": "IN-RESIN",
    "kind": "incoming",
    "item": "PP-RESIN",
    "sampling": {"method": "iso2859", "aql": "2.5", "level": "II"},
    "characteristics": [
        {"code": "PELLETS", "name": "Pellet shape and colour", "kind": "attribute"},
        {
            "code": "MFI",
            "name": "Melt flow index",
            "kind": "variable",
            "lsl": "10",
            "usl": "14",
            "unit": "g/10min",
            "gauge_required": False,
        },
    ],
}
