"""Acceptance 5: `mes demo` on an empty system seeds a plant whose orders can be executed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from mes import cli
from mes.demo import OPERATOR_PASSWORD, DemoError, seed
from mes.demo_plant import OPERATORS, ORDERS, ROUTINGS
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
    # the dashboard's labour efficiency over the history: a plant's figure, the history with its
    # crews' minutes outweighing the demo orders run in seconds
    q = f"start={quote(shifts[0][1].isoformat())}&end={quote((now + timedelta(hours=1)).isoformat())}"
    eff = await h.client.get(f"/api/v1/reporting/labour-efficiency?{q}", headers=admin)
    assert eff.status_code == 200, eff.text
    assert 70 <= eff.json()["total"]["labour_efficiency"] <= 110, eff.json()["total"]
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


def _earned_and_booked(lines: list[dict[str, Any]], who: str | None = None) -> tuple[Decimal, Decimal]:
    """Labour efficiency's two sums over imported lines, as reporting computes them (a crew shares
    a line's standard minutes in proportion to each one's minutes)."""
    earned = booked = Decimal(0)
    for line in lines:
        crew = {x["operator"]: Decimal(x["minutes"]) for x in line["labour"]}
        total = sum(crew.values(), Decimal(0))
        mine = total if who is None else crew.get(who, Decimal(0))
        if total:
            earned += Decimal(line["standard_minutes"]) * mine / total
            booked += mine
    return earned, booked


@pytest.mark.parametrize(
    "now", [datetime(2026, 3, 3, 10, 40, tzinfo=UTC), datetime(2026, 3, 6, 16, 5, tzinfo=UTC)]
)
def test_the_history_books_plausible_labour_and_the_live_orders_weigh_little(now: datetime) -> None:
    """Tuesday 11:40 and Friday 17:05 Paris time: every hourly line carries its crew's minutes
    (never more than the hour, about the running time) and the standard minutes of the ideal
    cycle time x produced x crew; over the history labour efficiency is a plant's figure, with
    operators apart, and the demo's completed orders (worked in seconds) barely move it."""
    shifts = shifts_until(now, PAST_SHIFTS)
    lines = [line for m in MACHINES for line in plan_machine(m, shifts, now).lines]
    assert lines and all(line["labour"] for line in lines)
    for line in lines:
        assert 1 <= len(line["labour"]) <= 2
        assert all(Decimal(0) < Decimal(x["minutes"]) <= 60 for x in line["labour"])
        ict, crew = Decimal(MACHINES[line["equipment"]][3]), len(line["labour"])
        produced = Decimal(line["good"]) + sum((Decimal(x["quantity"]) for x in line["scrap"]), Decimal(0))
        assert Decimal(line["standard_minutes"]) == round(ict * produced * crew / 60, 2)
    earned, booked = _earned_and_booked(lines)
    assert Decimal("0.80") <= earned / booked <= Decimal("0.95"), earned / booked
    people = {x["operator"] for line in lines for x in line["labour"]}
    assert people <= {username for username, _, _ in OPERATORS} and len(people) >= 4
    each = {p: (lambda e, b: e / b)(*_earned_and_booked(lines, p)) for p in people}
    assert all(Decimal("0.70") <= v <= Decimal("1.10") for v in each.values()), each
    assert max(each.values()) - min(each.values()) > Decimal("0.02"), each  # operators differ
    # the demo's completed orders: standard minutes from their routings, next to no minutes worked
    live = Decimal(0)
    for _, product, qty, _, _, state in ORDERS:
        if state in ("completed", "closed"):
            first, second = ROUTINGS[product]
            live += Decimal(first["setup_minutes"]) + Decimal(first["run_minutes_per_unit"]) * Decimal(qty)
            live += Decimal(second["setup_minutes"]) + Decimal(second["run_minutes_per_unit"]) * (
                Decimal(qty) - 1
            )
    assert live / (earned + live) < Decimal("0.05"), (live, earned)
    assert Decimal("0.70") <= (earned + live) / booked <= Decimal("1.10")
