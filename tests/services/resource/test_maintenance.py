"""Acceptance 4: a counter-based plan becomes due after the cycles the machine reported (as the
integration service publishes them), and the equipment is unavailable while the order runs."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.testing import Harness
from mes.services.resource.service.watchdog import run_checks

from .conftest import Seed, call, publish

CHECK = {"username": "op-li", "equipment_code": "PRESS-4", "skills": []}


async def test_cycle_plan_due_after_reported_cycles_and_equipment_unavailable_meanwhile(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "POST", "/persons", {"username": "op-li", "name": "Li Wei"})
    t0 = datetime.now(UTC) - timedelta(hours=2)
    await publish(harness, MachineStateReported(equipment_code="PRESS-4", state="running", at=t0))
    await publish(
        harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=200, at=t0)
    )
    plan = {"code": "PM-PRESS4-TOOL", "name": "Tool lubrication", "equipment_code": "PRESS-4", "trigger": "cycles", "interval": "1000"}  # fmt: skip
    created = await call(harness, "POST", "/maintenance/plans", plan)
    assert created["baseline"] == "200" and created["used"] == "0"
    for i in range(1, 10):  # 900 cycles: not yet due
        at = t0 + timedelta(minutes=i)
        await publish(
            harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=100, at=at)
        )
        await publish(
            harness, MachineCounterReported(equipment_code="PRESS-4", counter="good", increment=98, at=at)
        )
    assert (await call(harness, "GET", "/maintenance/orders?equipment=PRESS-4"))["items"] == []
    assert (await call(harness, "GET", "/maintenance/plans/PM-PRESS4-TOOL"))["used"] == "900"
    await publish(harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=100, at=t0 + timedelta(minutes=10)))  # fmt: skip
    orders = (await call(harness, "GET", "/maintenance/orders?equipment=PRESS-4"))["items"]
    assert [(o["plan_code"], o["status"], o["trigger"], o["counter_value"]) for o in orders] == [
        ("PM-PRESS4-TOOL", "open", "cycles", "1200")
    ]
    # more cycles while the order is open raise no second order
    await publish(harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=500, at=t0 + timedelta(minutes=11)))  # fmt: skip
    assert len((await call(harness, "GET", "/maintenance/orders"))["items"]) == 1
    number = orders[0]["number"]
    assert (await call(harness, "POST", "/authorizations/check", {**CHECK}))["allowed"]

    await call(harness, "POST", f"/maintenance/orders/{number}/assign", {"assignee": "tech-sam"})
    started = await call(harness, "POST", f"/maintenance/orders/{number}/start", sub="tech-sam")
    assert started["status"] == "in_progress"
    state = await call(harness, "GET", "/equipment/PRESS-4/state")
    assert (state["state"], state["available"], state["opc_operation_mode"]) == (
        "maintenance",
        False,
        "Maintenance",
    )
    refused = await call(harness, "POST", "/authorizations/check", CHECK)
    assert [r["code"] for r in refused["reasons"]] == ["equipment_unavailable"]
    assert "maintenance" in refused["reasons"][0]["detail"]

    done = await call(harness, "POST", f"/maintenance/orders/{number}/complete", {"comment": "Lubricated, wear OK"}, sub="tech-sam")  # fmt: skip
    assert done["status"] == "completed" and done["completed_by"] == "tech-sam"
    assert (await call(harness, "GET", "/equipment/PRESS-4/state"))["available"] is True
    assert (await call(harness, "POST", "/authorizations/check", CHECK))["allowed"]
    plan_now = await call(harness, "GET", "/maintenance/plans/PM-PRESS4-TOOL")
    assert (plan_now["baseline"], plan_now["used"]) == ("1700", "0")
    async with harness.db("resource").transaction() as s:
        topics = (await s.execute(text("SELECT topic FROM outbox WHERE topic LIKE 'resource.maintenance%' ORDER BY id"))).scalars().all()  # fmt: skip
    assert topics == ["resource.maintenance_due.v1", "resource.maintenance_completed.v1"]


async def test_calendar_and_operating_hour_plans_fall_due_in_the_periodic_check(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    now = datetime.now(UTC)
    await call(harness, "POST", "/equipment/PRESS-5/state", {"state": "running", "at": (now - timedelta(hours=30)).isoformat()})  # fmt: skip
    await call(harness, "POST", "/equipment/PRESS-5/state", {"state": "idle", "at": (now - timedelta(hours=10)).isoformat()})  # fmt: skip
    await call(harness, "POST", "/maintenance/plans", {"code": "PM-HOURS", "name": "Hydraulics", "equipment_code": "PRESS-5", "trigger": "operating_hours", "interval": "40"})  # fmt: skip
    await call(harness, "POST", "/maintenance/plans", {"code": "PM-WEEKLY", "name": "Weekly check", "equipment_code": "PRESS-5", "trigger": "calendar", "interval": "7"})  # fmt: skip
    assert (await call(harness, "GET", "/maintenance/plans/PM-HOURS"))["baseline"] == "20"
    listed = await call(harness, "GET", "/maintenance/plans?equipment=PRESS-5")
    assert [(p["code"], p["trigger"]) for p in listed] == [
        ("PM-HOURS", "operating_hours"),
        ("PM-WEEKLY", "calendar"),
    ]
    assert await call(harness, "GET", "/maintenance/plans?equipment=PRESS-4") == []
    await call(harness, "POST", "/equipment/PRESS-5/state", {"state": "running", "at": (now - timedelta(minutes=1)).isoformat()})  # fmt: skip
    async with harness.db("resource").transaction() as s:
        assert (await run_checks(s, now + timedelta(days=1))).orders == []  # 20 + 24 h: 24 h used of 40
        in_a_week = await run_checks(s, now + timedelta(days=7, minutes=1))
    assert len(in_a_week.orders) == 2
    plans = {o["plan_code"] for o in (await call(harness, "GET", "/maintenance/orders?status=open"))["items"]}
    assert plans == {"PM-HOURS", "PM-WEEKLY"}


async def test_order_transitions_are_checked(harness: Harness, plant: Seed) -> None:
    await plant()
    order = await call(
        harness, "POST", "/maintenance/orders", {"equipment_code": "PRESS-4", "description": "Oil leak"}
    )
    auth = harness.auth("resource:maintenance:write")
    r = await harness.client.post(
        f"/api/v1/resource/maintenance/orders/{order['number']}/complete", json={}, headers=auth
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = await harness.client.post("/api/v1/resource/maintenance/orders/MO-NOPE/start", headers=auth)
    assert r.status_code == 404
    r = await harness.client.post(
        "/api/v1/resource/maintenance/plans",
        json={"code": "P", "name": "x", "equipment_code": "PRESS-4", "trigger": "cycles", "interval": "-5"},
        headers=auth,
    )
    assert r.status_code == 422
    assert (await call(harness, "GET", "/equipment/PRESS-4/state"))["state"] is None
