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

    return seed
