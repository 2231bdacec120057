"""A small moulding-and-assembly plant, seeded through the services' APIs, for the work order tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from mes.platform.testing import Harness, RowLockWatch

W = "/api/v1/workorders"
M = "/api/v1/material"
R = "/api/v1/resource"
PLANNER = (
    "workorder:read",
    "workorder:write",
    "workorder:routing:write",
    "workorder:release",
    "workorder:dispatch",
    "material:read",
    "resource:read",
)
# the default operator role of the auth catalog
OPERATOR = (
    "resource:read",
    "workorder:read",
    "material:read",
    "quality:read",
    "workorder:execute",
    "material:lot:consume",
    "material:lot:move",
    "resource:state:write",
    "resource:downtime:write",
)
SETUP = (
    "resource:equipment:write",
    "resource:shift:write",
    "resource:personnel:write",
    "resource:read",
    "material:master:write",
    "material:lot:receive",
    "material:lot:hold",
    "material:read",
    "auth:user:read",  # resource asks auth whether a person's user exists
)


def ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


class Plant:
    def __init__(self, h: Harness) -> None:
        self.h = h

    def planner(self) -> dict[str, str]:
        return self.h.auth(*PLANNER, sub="planner-kim")

    def operator(self, name: str = "op-ana") -> dict[str, str]:
        return self.h.auth(*OPERATOR, sub=name)

    async def post(self, path: str, body: Any, headers: dict[str, str], status: int = 200) -> Any:
        return ok(await self.h.client.post(path, json=body, headers=headers), status)

    async def order(
        self, number: str = "WO-1", quantity: str = "10", release: bool = True, **extra: Any
    ) -> Any:
        body = {"number": number, "product": "KIT-100", "quantity": quantity, "due": "2030-01-10T12:00:00Z"}
        order = await self.post(f"{W}/orders", body | extra, self.planner(), 201)
        if release:
            order = await self.post(f"{W}/orders/{number}/release", {}, self.planner())
        return order

    async def op(
        self,
        number: str,
        key: str,
        action: str,
        body: Any = None,
        *,
        who: str = "op-ana",
        key_header: str | None = None,
    ) -> httpx.Response:
        headers = self.operator(who)
        if key_header:
            headers["Idempotency-Key"] = key_header
        return await self.h.client.post(
            f"{W}/orders/{number}/operations/{key}/{action}", json=body or {}, headers=headers
        )

    async def get_order(self, number: str = "WO-1") -> Any:
        return ok(await self.h.client.get(f"{W}/orders/{number}", headers=self.planner()))

    async def lot(self, code: str) -> Any:
        return ok(await self.h.client.get(f"{M}/lots/{code}", headers=self.planner()))

    async def set_state(self, code: str, state: str) -> None:
        await self.post(
            f"{R}/equipment/{code}/state",
            {"state": state, "reason_code": None},
            self.h.auth(*SETUP, "resource:state:write"),
        )
        await self.h.deliver()

    async def topics(self, service: str = "work-orders", prefix: str = "") -> list[str]:
        async with self.h.db(service).transaction() as s:
            rows = await s.execute(
                text("SELECT topic FROM outbox WHERE topic LIKE :p ORDER BY id"), {"p": prefix + "%"}
            )
            return [r.topic for r in rows]

    async def payloads(self, topic: str, service: str = "work-orders") -> list[dict[str, Any]]:
        async with self.h.db(service).transaction() as s:
            rows = await s.execute(
                text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
            )
            return [r.payload for r in rows]


async def seed(h: Harness) -> Plant:
    p = Plant(h)
    admin = h.auth(*SETUP)
    for body in (
        {"code": "ACME", "name": "Acme", "level": "enterprise"},
        {"code": "PLANT-1", "name": "Plant Lyon", "level": "site", "parent_code": "ACME"},
        {"code": "PROD", "name": "Production", "level": "area", "parent_code": "PLANT-1"},
        {"code": "WC-MOULD", "name": "Moulding", "level": "work_center", "parent_code": "PROD"},
        {"code": "WC-ASSY", "name": "Assembly", "level": "work_center", "parent_code": "PROD"},
        {"code": "IMM-1", "name": "Press 1", "level": "equipment", "parent_code": "WC-MOULD"},
        {"code": "IMM-2", "name": "Press 2", "level": "equipment", "parent_code": "WC-MOULD"},
        {"code": "ASSY-1", "name": "Bench 1", "level": "equipment", "parent_code": "WC-ASSY"},
    ):
        await p.post(f"{R}/equipment", body, admin, 201)
    # Monday to Friday, 06:00-14:00 UTC, no breaks: easy to plan by hand
    calendar = {
        "time_zone": "UTC",
        "patterns": [{"name": "early", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00"}],
    }
    ok(await h.client.put(f"{R}/equipment/PLANT-1/calendar", json=calendar, headers=admin))
    for code, name in (("MOULDING", "Injection moulding"), ("ASSEMBLY", "Assembly")):
        await p.post(f"{R}/skills", {"code": code, "name": name}, admin, 201)
    for username, skills in (
        ("op-ana", [("MOULDING", 2), ("ASSEMBLY", 1)]),
        ("op-ben", [("ASSEMBLY", 2)]),
        ("op-carl", []),
    ):
        await h.enrol(username)
        await p.post(f"{R}/persons", {"username": username, "name": username}, admin, 201)
        for skill, level in skills:
            await p.post(f"{R}/persons/{username}/qualifications", {"skill": skill, "level": level}, admin)
    for body in (
        {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"},
        {"code": "L1-SIDE", "name": "Line 1 line-side", "kind": "line_side"},
        {"code": "FG", "name": "Finished goods", "kind": "warehouse"},
    ):
        await p.post(f"{M}/locations", body, admin, 201)
    for body in (
        {"code": "PP-RESIN", "name": "Polypropylene resin", "kind": "raw", "uom": "kg"},
        {"code": "LABEL", "name": "Label", "kind": "packaging", "uom": "pcs"},
        {"code": "KIT-100", "name": "Storage kit", "kind": "finished", "uom": "pcs"},
    ):
        await p.post(f"{M}/items", body, admin, 201)
    bom = {
        "version": "A",
        "valid_from": "2020-01-01",
        "lines": [
            {"component": "PP-RESIN", "quantity": "0.5", "uom": "kg"},
            {"component": "LABEL", "quantity": "1", "uom": "pcs"},
        ],
    }
    await p.post(f"{M}/items/KIT-100/boms", bom, admin, 201)
    for code, item, qty in (
        ("R-001", "PP-RESIN", "100"),
        ("R-HELD", "PP-RESIN", "50"),
        ("L-001", "LABEL", "500"),
    ):
        await p.post(
            f"{M}/lots", {"code": code, "item": item, "quantity": qty, "location": "L1-SIDE"}, admin, 201
        )
    await p.post(f"{M}/lots/R-HELD/hold", {"reason": "Melt flow out of spec"}, admin)
    await h.deliver()  # work centers reach work orders
    await p.post(f"{W}/products", {"code": "KIT-100"}, p.planner(), 201)
    routing = {
        "version": "1",
        "operations": [
            {
                "seq": 10,
                "name": "Mould",
                "work_center": "WC-MOULD",
                "setup_minutes": "30",
                "run_minutes_per_unit": "1.5",
                "skills": [{"code": "MOULDING", "min_level": 2}],
                "materials": [{"item": "PP-RESIN"}],
            },
            {
                "seq": 20,
                "name": "Assemble",
                "work_center": "WC-ASSY",
                "setup_minutes": "10",
                "run_minutes_per_unit": "2",
                "skills": [{"code": "ASSEMBLY", "min_level": 1}],
                "materials": [{"item": "LABEL"}],
            },
        ],
    }
    await p.post(f"{W}/products/KIT-100/routings", routing, p.planner(), 201)
    return p


@pytest.fixture
async def plant(harness: Harness) -> Plant:
    return await seed(harness)


@pytest.fixture(autouse=True)
async def _no_remote_call_under_a_row_lock(row_lock_watch: RowLockWatch) -> Any:
    """Every work orders test checks ADR 35: no call to another service while a row is locked."""
    yield
    assert [(c.method, c.path, c.locks) for c in row_lock_watch.under_lock] == []
