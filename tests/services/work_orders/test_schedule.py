"""Issue 16: a work center's machines run in parallel, equipment that is down gets nothing, and a
change to an order marks the schedule stale instead of replanning the plant in its request."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from mes.services.work_orders.service import schedule

from .conftest import Plant, W, ok

MONDAY = "2030-01-07T06:00:00Z"  # shifts: Monday to Friday 06:00-14:00 UTC


def _ops(plan: dict[str, Any]) -> dict[tuple[str, str], tuple[str | None, str | None, str | None]]:
    return {
        (o["work_order"], op["key"]): (op["equipment"], op["planned_start"], op["planned_end"])
        for o in plan["orders"]
        for op in o["operations"]
    }


async def _get_schedule(plant: Plant) -> Any:
    return ok(await plant.h.client.get(f"{W}/schedule", headers=plant.planner()))


async def _planned_rows(plant: Plant) -> int:
    async with plant.h.db("work-orders").transaction() as s:
        found = await s.scalar(text("SELECT count(*) FROM wo_operation WHERE planned_start IS NOT NULL"))
        return int(found or 0)


async def test_two_presses_of_one_work_center_run_two_operations_at_the_same_time(plant: Plant) -> None:
    await plant.order("WO-1", "10", priority=1)
    await plant.order("WO-2", "10", priority=2)
    ops = _ops(await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner()))
    # moulding = 30 + 1.5 x 10 = 45 min each, side by side on the two presses
    assert ops[("WO-1", "10")] == ("IMM-1", MONDAY, "2030-01-07T06:45:00Z")
    assert ops[("WO-2", "10")] == ("IMM-2", MONDAY, "2030-01-07T06:45:00Z")
    # one assembly bench: the second assembly waits for the first (10 + 2 x 10 = 30 min)
    assert ops[("WO-1", "20")] == ("ASSY-1", "2030-01-07T06:45:00Z", "2030-01-07T07:15:00Z")
    assert ops[("WO-2", "20")] == ("ASSY-1", "2030-01-07T07:15:00Z", "2030-01-07T07:45:00Z")


async def test_the_parts_of_a_split_operation_run_at_the_same_time(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    split = {
        "parts": [{"quantity": "6", "equipment": "IMM-1"}, {"quantity": "4", "equipment": "IMM-2"}],
        "reason": "Rush: both presses",
    }
    await plant.post(f"{W}/orders/WO-1/operations/10/split", split, plant.planner())
    ops = _ops(await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner()))
    # each part sets up (30) and runs its own quantity (1.5 per unit), from the same start
    assert ops[("WO-1", "10-A")] == ("IMM-1", MONDAY, "2030-01-07T06:39:00Z")
    assert ops[("WO-1", "10-B")] == ("IMM-2", MONDAY, "2030-01-07T06:36:00Z")
    assert ops[("WO-1", "20")] == ("ASSY-1", "2030-01-07T06:39:00Z", "2030-01-07T07:09:00Z")


async def test_a_machine_in_maintenance_gets_nothing(plant: Plant) -> None:
    await plant.set_state("IMM-2", "maintenance")
    for n in ("WO-1", "WO-2", "WO-3"):
        await plant.order(n, "10")
    plan = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    ops = _ops(plan)
    mould = [ops[(n, "10")] for n in ("WO-1", "WO-2", "WO-3")]
    assert [m[0] for m in mould] == ["IMM-1", "IMM-1", "IMM-1"]  # one after the other on IMM-1
    assert [m[1] for m in mould] == [MONDAY, "2030-01-07T06:45:00Z", "2030-01-07T07:30:00Z"]
    assert not any(eq == "IMM-2" for eq, _, _ in ops.values())
    units = {u["equipment"]: u for u in plan["units"]}
    assert (units["IMM-2"]["available"], units["IMM-2"]["state"], units["IMM-2"]["windows"]) == (
        False,
        "maintenance",
        [],
    )
    assert units["IMM-1"]["available"] and units["IMM-1"]["windows"][0] == {
        "start": MONDAY,
        "end": "2030-01-07T14:00:00Z",
    }


async def test_a_split_part_on_a_machine_that_is_down_is_not_placed(plant: Plant) -> None:
    await plant.order("WO-1", "10", due="2030-01-08T12:00:00Z")
    split = {
        "parts": [{"quantity": "5", "equipment": "IMM-1"}, {"quantity": "5", "equipment": "IMM-2"}],
        "reason": "Both presses",
    }
    await plant.post(f"{W}/orders/WO-1/operations/10/split", split, plant.planner())
    await plant.set_state("IMM-2", "down")
    plan = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    ops = _ops(plan)
    assert ops[("WO-1", "10-A")][0] == "IMM-1"
    assert ops[("WO-1", "10-B")] == (None, None, None)  # its press is down: nothing on it
    assert ops[("WO-1", "20")] == (None, None, None)  # waits for the part that can't run
    assert plan["orders"][0]["late"] is True  # due inside the horizon and not placeable


async def test_releasing_an_order_marks_the_schedule_stale_without_recomputing(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    first = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    assert (first["recomputations"], first["stale"], first["computed_by"]) == (1, False, "planner-kim")
    planned = await _planned_rows(plant)
    assert planned == 2

    released = []
    for n in ("WO-2", "WO-3", "WO-4"):
        released.append(await plant.order(n, "10"))
    # the requests did no planning: no recompute, no planned row written, nothing placed
    assert all(r["planned_start"] is None for r in released)
    assert all(op["planned_start"] is None for r in released for op in r["operations"])
    after = await _get_schedule(plant)
    assert (after["recomputations"], after["stale"]) == (1, True)
    assert after["computed_at"] == first["computed_at"]
    assert await _planned_rows(plant) == planned
    since = datetime.fromisoformat(after["stale_since"])

    db = plant.h.db("work-orders")
    caller = schedule.LATEST.caller
    assert caller is not None and caller.subject == "planner-kim"
    # debounced: while changes keep coming, the worker waits
    assert await schedule.refresh_stale(db, caller, now=since + timedelta(seconds=1)) is None
    assert (await _get_schedule(plant))["recomputations"] == 1
    # then one recompute plans all three releases at once
    done = await schedule.refresh_stale(db, caller, now=since + timedelta(seconds=60))
    assert done is not None and (done.recomputations, done.stale) == (2, False)
    assert await _planned_rows(plant) == 8
    for n in ("WO-2", "WO-3", "WO-4"):
        assert (await plant.get_order(n))["planned_start"] is not None
    # nothing stale: the next round does nothing
    assert await schedule.refresh_stale(db, caller, now=since + timedelta(seconds=120)) is None
    assert (await _get_schedule(plant))["recomputations"] == 2


async def test_every_order_change_only_marks_the_schedule_stale(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    await plant.order("WO-2", "10")
    await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    assert await _planned_rows(plant) == 4
    await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Customer call"}, plant.planner())
    held = await plant.get_order("WO-1")
    assert (held["planned_start"], held["planned_end"]) == (None, None)  # out of the plan at once
    await plant.post(f"{W}/orders/WO-1/resume", {}, plant.planner())
    await plant.post(f"{W}/orders/WO-2/operations/10/skip", {"reason": "Bought in"}, plant.planner())
    await plant.post(f"{W}/orders/WO-2/cancel", {"reason": "Order withdrawn"}, plant.planner())
    now = await _get_schedule(plant)
    assert (now["recomputations"], now["stale"]) == (1, True)
    async with plant.h.db("work-orders").transaction() as s:
        marks = [r.what for r in await s.execute(text("SELECT what FROM schedule_change ORDER BY id"))]
    # the releases were planned by the recompute; what came after waits for the worker
    assert marks == ["hold WO-1", "resume WO-1", "skip WO-2/10", "cancel WO-2"]


async def test_a_background_recompute_without_a_token_keeps_the_schedule_stale_and_says_why(
    plant: Plant,
) -> None:
    await plant.order("WO-1", "10")
    db = plant.h.db("work-orders")
    later = datetime.fromisoformat((await _get_schedule(plant))["stale_since"]) + timedelta(minutes=1)
    assert await schedule.refresh_stale(db, None, now=later) is None
    stale = await _get_schedule(plant)
    assert stale["stale"] and stale["recomputations"] == 0
    assert stale["last_error"].startswith("planning_unavailable: No recent user token")
    # a failed round is retried later, not every second
    caller = schedule.LATEST.caller
    assert caller is not None
    assert await schedule.refresh_stale(db, caller, now=later + timedelta(seconds=5)) is None
    assert (await _get_schedule(plant))["recomputations"] == 0
    done = await schedule.refresh_stale(db, caller, now=datetime.now(UTC) + timedelta(minutes=2))
    assert done is not None and (done.stale, done.last_error, done.recomputations) == (False, None, 1)
    # the explicit recompute still runs at once
    await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Customer call"}, plant.planner())
    assert (await _get_schedule(plant))["stale"]
    plan = await plant.post(f"{W}/schedule/recompute", {"start": MONDAY}, plant.planner())
    assert (plan["stale"], plan["last_error"], plan["recomputations"]) == (False, None, 2)
