"""Acceptance 5: `mes demo` on an empty system seeds a plant whose orders can be executed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from mes import cli
from mes.demo import OPERATOR_PASSWORD, DemoError, seed
from mes.demo_plant import OPERATORS
from mes.demo_reporting import MACHINES, PAST_SHIFTS, plan_machine, shifts_until
from mes.platform.testing import AuthHarness, free_port
from mes.services.auth.service.bootstrap import bootstrap_admin
from mes.services.reporting.models import YieldReport

W = "/api/v1/workorders"
ADMIN, PASSWORD = "admin", "Plant-Chief-2026!"


async def test_demo_seeds_every_state_and_its_released_orders_can_be_executed(
    auth_harness: AuthHarness,
) -> None:
    h = auth_harness
    assert await bootstrap_admin(h.db("auth"), ADMIN, PASSWORD)
    said: list[str] = []
    now = datetime.now(UTC).replace(microsecond=0)
    states = await seed(h.client, ADMIN, PASSWORD, settle=h.deliver, say=said.append, now=now)
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
    # every shift of the history counts once what the machine made (the current one too: the
    # history and the demo orders' live yields are not both counted), at whatever hour this runs
    shifts = shifts_until(now, PAST_SHIFTS)
    for key, start, end in shifts[-2:]:
        for machine in MACHINES:
            q = f"scope={machine}&start={quote(start.isoformat())}&end={quote(end.isoformat())}"
            page = await h.client.get(f"/api/v1/reporting/production?{q}&limit=1000", headers=admin)
            counted = sum(Decimal(str(r["good"])) + Decimal(str(r["scrap"])) for r in page.json()["items"])
            async with h.db("reporting").transaction() as rs:
                orders = await rs.scalars(
                    select(YieldReport).where(
                        YieldReport.equipment_code == machine,
                        YieldReport.at >= start,
                        YieldReport.at < end,
                        YieldReport.work_order.not_like("HIST-%"),
                    )
                )
                live = sum((y.good + y.scrap + y.rework for y in orders), Decimal(0))
            plan = plan_machine(machine, shifts, now)  # the model, nothing taken off
            modelled = sum(
                (
                    Decimal(line["good"]) + sum((Decimal(x["quantity"]) for x in line["scrap"]), Decimal(0))
                    for line in plan.lines
                    if start <= datetime.fromisoformat(line["at"]) < end
                ),
                Decimal(0),
            )
            assert counted == max(modelled, live), (key, machine, counted, modelled, live)
            if end > now:
                assert live == 0 or counted < modelled + live, (key, machine)  # not counted twice
    assert timedelta(0) <= now - shifts[-1][1]
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
    # the person who ran it learns who the demo operators are, not only their password
    told = "\n".join(said)
    assert OPERATOR_PASSWORD in told
    for username, name, _ in OPERATORS:
        assert username in told and name in told


async def test_demo_says_why_it_cant_sign_in(auth_harness: AuthHarness) -> None:
    """No administrator (its password was refused at start), or a wrong password: a sentence, not a 401."""
    with pytest.raises(DemoError) as refused:
        await seed(auth_harness.client, ADMIN, PASSWORD, settle=auth_harness.deliver, say=lambda _: None)
    message = str(refused.value)
    assert message.startswith("can't sign in as admin:")
    assert "MES_ADMIN_PASSWORD" in message and "mes create-admin" in message
    assert "401" not in message


@pytest.mark.parametrize("argv", [["demo", "--username", ADMIN, "--password", PASSWORD]])
def test_demo_command_says_how_to_start_the_system_when_nothing_runs(argv: list[str], capsys: Any) -> None:
    code = cli.main([*argv, "--base-url", f"http://127.0.0.1:{free_port()}"])
    assert code == 2
    assert "start it with `mes up` first" in capsys.readouterr().out


def _produced(lines: list[dict[str, Any]], start: datetime, end: datetime) -> Decimal:
    return sum(
        (
            Decimal(line["good"]) + sum((Decimal(x["quantity"]) for x in line["scrap"]), Decimal(0))
            for line in lines
            if start <= datetime.fromisoformat(line["at"]) < end
        ),
        Decimal(0),
    )


@pytest.mark.parametrize("live", [Decimal(0), Decimal(57), Decimal(10_000)])
def test_the_history_of_the_running_shift_leaves_room_for_what_the_orders_reported(live: Decimal) -> None:
    """Tuesday 2026-03-03 11:40 Paris time, inside the early shift: whatever the demo's orders
    reported on a machine this shift is taken off the history's modelled production, so the
    shift counts max(modelled, live) once; past shifts are untouched."""
    now = datetime(2026, 3, 3, 10, 40, tzinfo=UTC)
    shifts = shifts_until(now, PAST_SHIFTS)
    _, start, end = shifts[-1]
    assert start <= now < end
    model = plan_machine("IMM-11", shifts, now)
    plan = plan_machine("IMM-11", shifts, now, live)
    modelled = _produced(model.lines, start, end)
    assert modelled > 57
    # the shift counts the history plus the orders' live yields: the model once, or the orders alone
    assert _produced(plan.lines, start, end) + live == max(modelled, live)
    for _, s0, s1 in shifts[:-1]:
        assert _produced(plan.lines, s0, s1) == _produced(model.lines, s0, s1)
    assert plan.states == model.states
