"""Acceptance 4: the dispatch list and a small finite-capacity schedule, against a hand computation."""

from sqlalchemy import text

from mes.contracts.quality import WorkOrderHoldRequested
from mes.platform.events import Envelope
from mes.services.work_orders.service import schedule

from .conftest import SETUP, Plant, R, W, ok

MONDAY = "2030-01-07T06:00:00Z"  # shifts: Monday to Friday 06:00-14:00 UTC


async def _three_orders(plant: Plant) -> None:
    await plant.order("WO-A", "300", priority=2, due="2030-01-07T12:00:00Z")
    await plant.order("WO-B", "20", priority=1, due="2030-01-08T14:00:00Z")
    await plant.order("WO-C", "4", priority=2, due="2030-01-07T09:00:00Z")


async def test_schedule_matches_the_hand_computed_plan(plant: Plant) -> None:
    await _three_orders(plant)
    plan = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    got = {
        o["work_order"]: [
            (op["key"], op["minutes"], op["equipment"], op["planned_start"], op["planned_end"])
            for op in o["operations"]
        ]
        for o in plan["orders"]
    }
    # loaded in dispatch order B (priority 1), C (due first), A; op 10 = 30 + 1.5/unit, op 20 = 10 + 2/unit;
    # moulding has two presses (IMM-1, IMM-2) used side by side, assembly one bench (ASSY-1)
    assert [o["work_order"] for o in plan["orders"]] == ["WO-B", "WO-C", "WO-A"]
    assert got["WO-B"] == [
        ("10", "60", "IMM-1", "2030-01-07T06:00:00Z", "2030-01-07T07:00:00Z"),  # a tie: the first press
        ("20", "50", "ASSY-1", "2030-01-07T07:00:00Z", "2030-01-07T07:50:00Z"),
    ]
    assert got["WO-C"] == [
        ("10", "36", "IMM-2", "2030-01-07T06:00:00Z", "2030-01-07T06:36:00Z"),  # beside B, not after it
        ("20", "18", "ASSY-1", "2030-01-07T07:50:00Z", "2030-01-07T08:08:00Z"),  # waits for the bench
    ]
    assert got["WO-A"] == [
        # IMM-2 is free first (06:36): 480 min = 444 on Monday until the shift ends, 36 on Tuesday
        ("10", "480", "IMM-2", "2030-01-07T06:36:00Z", "2030-01-08T06:36:00Z"),
        # 610 min: 444 on Tuesday, 166 on Wednesday
        ("20", "610", "ASSY-1", "2030-01-08T06:36:00Z", "2030-01-09T08:46:00Z"),
    ]
    late = {o["work_order"]: o["late"] for o in plan["orders"]}
    assert late == {"WO-A": True, "WO-B": False, "WO-C": False}
    order = await plant.get_order("WO-A")
    assert (order["planned_end"], order["late"]) == ("2030-01-09T08:46:00Z", True)
    assert ok(await plant.h.client.get(f"{W}/schedule", headers=plant.planner())) == plan


async def test_schedule_is_recomputed_when_orders_change(plant: Plant) -> None:
    await _three_orders(plant)
    before = {
        o["work_order"]: o
        for o in (await plant.post(f"{W}/schedule/recompute", {}, plant.planner()))["orders"]
    }
    assert all(o["planned_start"] is not None for o in before.values())
    await plant.post(f"{W}/orders/WO-B/hold", {"reason": "Customer changed the colour"}, plant.planner())
    held = await plant.get_order("WO-B")
    assert held["planned_start"] is None  # no longer planned while held, at once
    # the others move when the schedule worker replans (ADR 24)
    assert await schedule.refresh_stale(plant.h.db("work-orders"), schedule.LATEST.caller, debounce_s=0)
    after = {o["number"]: o for o in [await plant.get_order(n) for n in ("WO-A", "WO-C")]}
    assert after["WO-C"]["planned_end"] < before["WO-C"]["planned_end"]  # assembles in B's place


async def test_dispatch_list_order_and_why_operations_cant_start(plant: Plant) -> None:
    await _three_orders(plant)
    await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    mould = ok(await plant.h.client.get(f"{W}/dispatch?work_center=WC-MOULD", headers=plant.operator()))
    assert [(i["work_order"], i["operation"]) for i in mould["items"]] == [
        ("WO-B", "10"),
        ("WO-C", "10"),
        ("WO-A", "10"),
    ]
    assert [i["can_start"] for i in mould["items"]] == [True, True, False]
    a = mould["items"][2]
    # R-001 holds 100 kg available; the held lot doesn't count; A needs 300 x 0.5 kg
    assert a["materials"] == [
        {"item": "PP-RESIN", "required": "150", "available": "100", "uom": "kg", "short": True}
    ]
    assert [b["code"] for b in a["blocked_by"]] == ["material_short"]
    assert mould["items"][0]["planned_start"] == "2030-01-07T06:00:00Z"

    assy = ok(await plant.h.client.get(f"{W}/dispatch?work_center=WC-ASSY", headers=plant.operator()))
    assert [i["work_order"] for i in assy["items"]] == ["WO-B", "WO-C", "WO-A"]
    assert all(b["code"] == "previous_operation_open" for i in assy["items"] for b in i["blocked_by"])

    # both presses down (resource events) and a quality hold on C (quality event)
    await plant.set_state("IMM-1", "down")
    await plant.set_state("IMM-2", "maintenance")
    hold = WorkOrderHoldRequested(
        work_order="WO-C", reason="Sink marks", reference="NCR-7", requested_by="qe-lena"
    )
    await plant.h.runtimes["work-orders"].bus.publish(
        Envelope(
            str(hold.event_id), hold.topic, hold.aggregate_id, "quality", hold.model_dump_json().encode()
        )
    )
    mould = ok(await plant.h.client.get(f"{W}/dispatch?work_center=WC-MOULD", headers=plant.operator()))
    codes = {i["work_order"]: [b["code"] for b in i["blocked_by"]] for i in mould["items"]}
    assert codes == {
        "WO-B": ["equipment_unavailable"],
        "WO-C": ["quality_hold", "equipment_unavailable"],
        "WO-A": ["equipment_unavailable", "material_short"],
    }
    assert not any(i["can_start"] for i in mould["items"])
    assert "Sink marks (NCR-7)" in mould["items"][1]["blocked_by"][0]["detail"]


async def test_a_calendar_that_cant_be_planned_never_fails_release_hold_or_resume(plant: Plant) -> None:
    """Issue 10.2: with a calendar resource could not plan on a work center, release, resume and
    recompute answered 500 and the order stayed planned. ADR 11: a failing planning call never
    fails the change; the schedule catches up at the next recompute."""
    setup = plant.h.auth(*SETUP)
    early = {"name": "early", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00"}
    offset = {"time_zone": "UTC", "patterns": [{**early, "breaks": [{"start": "10:00Z", "end": "10:30Z"}]}]}
    r = await plant.h.client.put(f"{R}/equipment/WC-ASSY/calendar", json=offset, headers=setup)
    assert r.status_code == 422, r.text  # the calendar is refused now
    ok(
        await plant.h.client.put(
            f"{R}/equipment/WC-ASSY/calendar", json={"time_zone": "UTC", "patterns": [early]}, headers=setup
        )
    )
    # resource fails on this work center's calendar (a zone its time-zone database no longer has)
    where = "equipment_id = (SELECT id FROM equipment WHERE code = 'WC-ASSY')"
    async with plant.h.db("resource").transaction() as s:
        await s.execute(text(f"UPDATE shift_calendar SET time_zone = 'Mars/Olympus' WHERE {where}"))
    order = await plant.order("WO-1", "10")  # released through the API
    assert (order["status"], order["planned_start"]) == ("released", None)
    held = await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Customer call"}, plant.planner())
    assert held["status"] == "on_hold"
    resumed = await plant.post(f"{W}/orders/WO-1/resume", {}, plant.planner())
    assert (resumed["status"], resumed["planned_start"]) == ("released", None)
    r = await plant.h.client.post(f"{W}/schedule/recompute", json={"start": MONDAY}, headers=plant.planner())
    assert r.status_code == 503 and r.json()["code"] == "planning_unavailable", r.text
    # the calendar is repaired: the next recompute plans the order
    async with plant.h.db("resource").transaction() as s:
        await s.execute(text(f"UPDATE shift_calendar SET time_zone = 'UTC' WHERE {where}"))
    plan = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    assert [(o["work_order"], o["planned_start"]) for o in plan["orders"]] == [("WO-1", MONDAY)]
    audit = await _audit_actions(plant, "WO-1")
    assert audit == ["work_order.created", "work_order.release", "work_order.hold", "work_order.resume"]


async def _audit_actions(plant: Plant, number: str) -> list[str]:
    async with plant.h.db("work-orders").transaction() as s:
        rows = await s.execute(
            text("SELECT action FROM audit_log WHERE entity_id = :n ORDER BY id"), {"n": number}
        )
        return [r.action for r in rows]
