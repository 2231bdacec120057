from collections.abc import Awaitable, Callable

import pytest

from mes.platform.testing import Harness

ALL = (
    "material:read",
    "material:master:write",
    "material:lot:receive",
    "material:lot:consume",
    "material:lot:move",
    "material:lot:adjust",
    "material:lot:hold",
    "workorder:read",  # every role that books material reads the orders it books against
)
M = "/api/v1/material"


@pytest.fixture
def plant(harness: Harness) -> Callable[[], Awaitable[None]]:
    """Items, locations and a received resin lot of a small moulding plant."""

    async def seed() -> None:
        auth = harness.auth(*ALL, sub="planner-kim")
        for body in (
            {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"},
            {"code": "L1-SIDE", "name": "Line 1 line-side", "kind": "line_side"},
        ):
            assert (await harness.client.post(f"{M}/locations", json=body, headers=auth)).status_code == 201
        for body in (
            {"code": "PP-RESIN", "name": "Polypropylene resin", "kind": "raw", "uom": "kg"},
            {"code": "MB-BLUE", "name": "Blue masterbatch", "kind": "raw", "uom": "g"},
            {"code": "CAP-32", "name": "32 mm cap", "kind": "intermediate", "uom": "pcs"},
            {"code": "BOTTLE-1L", "name": "1 l bottle with cap", "kind": "finished", "uom": "pcs"},
        ):
            assert (await harness.client.post(f"{M}/items", json=body, headers=auth)).status_code == 201
        await open_orders(harness, "WO-1", "WO-7", "WO-1001", "WO-1002")

    return seed


W = "/api/v1/workorders"
R = "/api/v1/resource"
MINUTES = {"setup_minutes": "0", "run_minutes_per_unit": "1"}


async def open_orders(h: Harness, *numbers: str, product: str = "BOTTLE-1L") -> None:
    """Real work orders of `product` (an item of the plant above): stock is booked only against those."""
    setup = h.auth("resource:equipment:write", "material:read", "resource:read", sub="planner-kim")
    planner = h.auth(
        "workorder:read", "workorder:write", "workorder:routing:write", "material:read", "resource:read"
    )
    for body in (
        {"code": "ACME", "name": "Acme", "level": "enterprise"},
        {"code": "PLANT-1", "name": "Plant", "level": "site", "parent_code": "ACME"},
        {"code": "PROD", "name": "Production", "level": "area", "parent_code": "PLANT-1"},
        {"code": "WC-1", "name": "Moulding", "level": "work_center", "parent_code": "PROD"},
    ):
        r = await h.client.post(f"{R}/equipment", json=body, headers=setup)
        assert r.status_code in (201, 409), r.text
    await h.deliver()  # the work center reaches work orders
    r = await h.client.post(f"{W}/products", json={"code": product}, headers=planner)
    assert r.status_code in (201, 409), r.text
    routing = {"version": "1", "operations": [{"seq": 10, "name": "Mould", "work_center": "WC-1", **MINUTES}]}
    r = await h.client.post(f"{W}/products/{product}/routings", json=routing, headers=planner)
    assert r.status_code in (201, 409), r.text
    for number in numbers:
        body = {"number": number, "product": product, "quantity": "10", "due": "2030-01-10T12:00:00Z"}
        r = await h.client.post(f"{W}/orders", json=body, headers=planner)
        assert r.status_code == 201, r.text
