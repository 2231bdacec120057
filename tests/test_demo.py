"""Acceptance 5: `mes demo` on an empty system seeds a plant whose orders can be executed."""

from typing import Any

import pytest

from mes import cli
from mes.demo import OPERATOR_PASSWORD, seed
from mes.platform.testing import AuthHarness, free_port
from mes.services.auth.service.bootstrap import bootstrap_admin

W = "/api/v1/workorders"
ADMIN, PASSWORD = "admin", "Plant-Chief-2026!"


async def test_demo_seeds_every_state_and_its_released_orders_can_be_executed(
    auth_harness: AuthHarness,
) -> None:
    h = auth_harness
    assert await bootstrap_admin(h.db("auth"), ADMIN, PASSWORD)
    said: list[str] = []
    states = await seed(h.client, ADMIN, PASSWORD, settle=h.deliver, say=said.append)
    assert set(states.values()) == {
        "planned",
        "released",
        "in_progress",
        "on_hold",
        "completed",
        "closed",
        "cancelled",
    }
    admin = await h.login(ADMIN, PASSWORD)
    machines = await h.client.get("/api/v1/resource/equipment?level=equipment", headers=admin)
    assert machines.json()["total"] == 10
    # a seeded operator signs in and runs a released order to the end
    ana = await h.login("ana.moreau", OPERATOR_PASSWORD)

    async def op(key: str, action: str, body: dict[str, Any], idem: str | None = None) -> Any:
        headers = ana | ({"Idempotency-Key": idem} if idem else {})
        r = await h.client.post(f"{W}/orders/WO-1005/operations/{key}/{action}", json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()

    await op("10", "start", {"equipment": "IMM-12"})
    await op("10", "consume", {"lot": "PP-2610-07", "quantity": "175"}, "t-1")
    await op("10", "complete", {"good": "500"})
    await op("20", "start", {"equipment": "ASM-12"})
    await op("20", "consume", {"lot": "HG-2611-01", "quantity": "1000"}, "t-2")
    done = await op("20", "complete", {"good": "500"})
    assert done["work_order_status"] == "completed"
    lot = await h.client.get("/api/v1/material/lots/PP-2610-07", headers=admin)
    assert lot.json()["quantity"] == "75"
    # the dispatch list of line 1's moulding shows the demo's open work
    dispatch = await h.client.get(f"{W}/dispatch?work_center=L1-MOULD", headers=admin)
    assert [i["work_order"] for i in dispatch.json()["items"]] == ["WO-1003"]


@pytest.mark.parametrize("argv", [["demo", "--username", ADMIN, "--password", PASSWORD]])
def test_demo_command_says_how_to_start_the_system_when_nothing_runs(argv: list[str], capsys: Any) -> None:
    code = cli.main([*argv, "--base-url", f"http://127.0.0.1:{free_port()}"])
    assert code == 2
    assert "start it with `mes up` first" in capsys.readouterr().out
