"""Issue 17: every command a station terminal sends honours its Idempotency-Key.

The same key twice returns the first answer and books once (checked in the databases); the same
key with another body is refused with 422 `idempotency_key_reused`, and nothing more happens.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import OPERATOR, SETUP, M, Plant, R, W, ok


async def _twice(
    plant: Plant, path: str, body: Any, headers: dict[str, str], key: str, other: Any, status: int = 200
) -> Any:
    """POSTs `body` twice with `key`: the same answer both times; `other` with the key is 422."""
    keyed = headers | {"Idempotency-Key": key}
    first = ok(await plant.h.client.post(path, json=body, headers=keyed), status)
    again = ok(await plant.h.client.post(path, json=body, headers=keyed), status)
    assert again == first
    reused = await plant.h.client.post(path, json=other, headers=keyed)
    assert reused.status_code == 422, reused.text
    assert reused.json()["code"] == "idempotency_key_reused"
    return first


async def _count(plant: Plant, service: str, sql: str, **params: Any) -> int:
    async with plant.h.db(service).transaction() as s:
        return int((await s.execute(text(sql), params)).scalar_one())


async def _topic(plant: Plant, topic: str, service: str = "work-orders") -> int:
    return await _count(plant, service, "SELECT count(*) FROM outbox WHERE topic = :t", t=topic)


OP = f"{W}/orders/WO-1/operations"


async def test_operation_commands_book_once_per_key(plant: Plant) -> None:
    await plant.order("WO-1", "10", under_tolerance_pct="10")
    ana = plant.operator("op-ana")
    started = await _twice(
        plant, f"{OP}/10/start", {"equipment": "IMM-1"}, ana, "k-start", {"equipment": "IMM-2"}
    )
    assert started["status"] == "in_progress"
    assert await _topic(plant, "work_orders.operation_started.v1") == 1
    assert await _count(plant, "work-orders", "SELECT count(*) FROM labour") == 1

    paused = await _twice(
        plant, f"{OP}/10/pause", {"reason": "Break"}, ana, "k-pause", {"reason": "Tool change"}
    )
    assert (paused["status"], paused["pause_reason"]) == ("paused", "Break")
    assert await _count(plant, "work-orders", "SELECT count(*) FROM op_pause") == 1
    resumed = await _twice(plant, f"{OP}/10/resume", {}, ana, "k-resume", {"reason": "back"})
    assert resumed["status"] == "in_progress"
    assert await _topic(plant, "work_orders.operation_resumed.v1") == 1

    report = {"good": "4", "scrap": [{"quantity": "1", "reason": "Flash"}]}
    reported = await _twice(plant, f"{OP}/10/yield", report, ana, "k-yield", {"good": "5"})
    assert (reported["good"], reported["scrap"]) == ("4", "1")
    assert await _count(plant, "work-orders", "SELECT count(*) FROM yield_record") == 2  # good + scrap line
    assert await _topic(plant, "work_orders.yield_reported.v1") == 1

    consumed = await _twice(
        plant,
        f"{OP}/10/consume",
        {"lot": "R-001", "quantity": "2.5"},
        ana,
        "k-scan",
        {"lot": "R-001", "quantity": "3"},
    )
    assert (consumed["quantity"], consumed["remaining"]) == ("2.5", "97.5")
    assert (await plant.lot("R-001"))["quantity"] == "97.5"
    assert await _count(plant, "work-orders", "SELECT count(*) FROM consumption") == 1

    ok(await plant.op("WO-1", "10", "yield", {"good": "5"}))
    done = await _twice(plant, f"{OP}/10/complete", {}, ana, "k-complete-10", {"good": "1"})
    assert (done["status"], done["good"]) == ("completed", "9")
    assert await _topic(plant, "work_orders.operation_completed.v1") == 1

    # labour: a second operator clocks in and out of operation 20, once per key
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ben = plant.operator("op-ben")
    joined = await _twice(plant, f"{OP}/20/join", {}, ben, "k-join", {"x": 1})
    assert sorted(c["operator"] for c in joined["labour"] if c["clock_out"] is None) == ["op-ana", "op-ben"]
    left = await _twice(plant, f"{OP}/20/leave", {}, ben, "k-leave", {"x": 1})
    assert [c["operator"] for c in left["labour"] if c["clock_out"] is None] == ["op-ana"]
    assert await _count(plant, "work-orders", "SELECT count(*) FROM labour WHERE operator = 'op-ben'") == 1

    ok(await plant.op("WO-1", "20", "consume", {"lot": "L-001", "quantity": "9"}, key_header="scan-2"))
    made = await _twice(
        plant,
        f"{OP}/20/produce",
        {"code": "KIT-LOT-1", "quantity": "9", "location": "FG", "inputs": [{"lot": "L-001"}]},
        ana,
        "k-produce",
        {"code": "KIT-LOT-2", "quantity": "9", "location": "FG"},
        201,
    )
    assert made["code"] == "KIT-LOT-1"
    assert await _count(plant, "material", "SELECT count(*) FROM lot WHERE code LIKE 'KIT-LOT-%'") == 1
    last = await _twice(plant, f"{OP}/20/complete", {"good": "9"}, ana, "k-complete-20", {"good": "8"})
    assert last["work_order_status"] == "completed"
    assert await _topic(plant, "work_orders.work_order_completed.v1") == 1
    assert (await plant.get_order("WO-1"))["good"] == "9"


async def test_order_commands_book_once_per_key(plant: Plant) -> None:
    await plant.order("WO-2", "5", release=False)
    lead = plant.planner()
    orders = f"{W}/orders/WO-2"
    released = await _twice(plant, f"{orders}/release", {}, lead, "k-release", {"reason": "now"})
    assert released["status"] == "released"
    held = await _twice(
        plant, f"{orders}/hold", {"reason": "Customer call"}, lead, "k-hold", {"reason": "Other"}
    )
    assert (held["status"], held["hold_reason"]) == ("on_hold", "Customer call")
    back = await _twice(plant, f"{orders}/resume", {}, lead, "k-back", {"reason": "ok"})
    assert back["status"] == "released"
    for topic in ("released", "on_hold", "resumed"):
        assert await _topic(plant, f"work_orders.work_order_{topic}.v1") == 1
    # a floor change: skipping an operation
    skipped = await _twice(
        plant, f"{orders}/operations/20/skip", {"reason": "Not needed"}, lead, "k-skip", {"reason": "Other"}
    )
    assert [o["status"] for o in skipped["operations"]] == ["pending", "skipped"]
    assert await _count(plant, "work-orders", "SELECT count(*) FROM floor_change") == 1
    cancelled = await _twice(
        plant, f"{orders}/cancel", {"reason": "Dropped"}, lead, "k-cancel", {"reason": "x"}
    )
    assert cancelled["status"] == "cancelled"
    assert await _topic(plant, "work_orders.work_order_cancelled.v1") == 1


async def test_creating_an_order_again_with_its_key_returns_the_first_answer_not_a_conflict(
    plant: Plant,
) -> None:
    """A creation whose answer was lost (the kill loop met it: a replica killed after the commit)
    is retried with its key: 201 and the first answer again, one order, one event; without the key
    honoured the retry was 409 duplicate_code."""
    body = {"number": "WO-K1", "product": "KIT-100", "quantity": "10", "due": "2030-01-10T12:00:00Z"}
    first = await _twice(
        plant, f"{W}/orders", body, plant.planner(), "k-create", body | {"quantity": "11"}, 201
    )
    assert first["number"] == "WO-K1"
    assert await _count(plant, "work-orders", "SELECT count(*) FROM work_order WHERE number = 'WO-K1'") == 1
    assert await _topic(plant, "work_orders.work_order_created.v1") == 1
    # without a key the natural key still refuses a second order
    again = await plant.h.client.post(f"{W}/orders", json=body, headers=plant.planner())
    assert again.status_code == 409 and again.json()["code"] == "duplicate_code"


async def test_lot_commands_book_once_per_key(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP, "material:lot:move", "material:lot:adjust")
    lots = f"{M}/lots"
    moves = "SELECT count(*) FROM movement m JOIN lot l ON l.id = m.lot_id WHERE l.code = :c AND m.kind = :k"
    held = await _twice(
        plant, f"{lots}/L-001/hold", {"reason": "Smudged"}, admin, "k-lot-hold", {"reason": "x1x"}
    )
    assert held["status"] == "on_hold"
    released = await _twice(
        plant, f"{lots}/L-001/release", {"reason": "Fine"}, admin, "k-lot-rel", {"reason": "x2x"}
    )
    assert released["status"] == "available"
    moved = await _twice(
        plant, f"{lots}/L-001/move", {"to_location": "WH-01"}, admin, "k-move", {"to_location": "FG"}
    )
    assert moved["location"] == "WH-01"
    scrapped = await _twice(
        plant,
        f"{lots}/L-001/scrap",
        {"quantity": "3", "reason": "Torn"},
        admin,
        "k-scrap",
        {"quantity": "4", "reason": "Torn"},
    )
    assert scrapped["quantity"] == "497"
    for kind in ("hold", "release", "move", "scrap"):
        assert await _count(plant, "material", moves, c="L-001", k=kind) == 1


async def test_machine_state_and_down_reason_from_the_station_book_once_per_key(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP, "resource:downtime:write")
    ok(
        await plant.h.client.post(
            f"{R}/sites/PLANT-1/reason-codes", json={"code": "JAM", "name": "Material jam"}, headers=admin
        ),
        201,
    )
    station = plant.h.auth(*OPERATOR, sub="op-ana")
    state = f"{R}/equipment/IMM-1/state"
    down = {"state": "down", "at": "2026-03-02T06:00:00Z", "reason_code": "JAM"}
    first = await _twice(plant, state, down, station, "k-andon", {"state": "idle"})
    assert (first["state"], first["reason_code"]) == ("down", "JAM")
    await _twice(plant, state, {"state": "running"}, station, "k-run", {"state": "setup"})
    assert await _topic(plant, "resource.equipment_state_changed.v1", "resource") == 2
    stops = ok(await plant.h.client.get(f"{R}/equipment/IMM-1/downtimes", headers=station))["items"]
    assert len(stops) == 1
    classified = await _twice(
        plant,
        f"{R}/downtimes/{stops[0]['id']}/classify",
        {"reason_code": "JAM", "comment": "Hopper"},
        station,
        "k-classify",
        {"reason_code": "JAM"},
    )
    assert (classified["reason_code"], classified["comment"]) == ("JAM", "Hopper")
    assert await _topic(plant, "resource.downtime_classified.v1", "resource") == 1


async def test_without_a_key_a_command_still_runs_each_time(plant: Plant) -> None:
    """The key is optional on these commands: a client that sends none gets no replay."""
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    for _ in range(2):
        ok(await plant.op("WO-1", "10", "yield", {"good": "1"}))
    assert (await plant.get_order("WO-1"))["operations"][0]["good"] == "2"
