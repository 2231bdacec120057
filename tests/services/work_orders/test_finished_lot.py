"""Completing the last operation makes the finished lot (or serials), named by the item's rule, with the
lots the order consumed as its inputs; a repeated completion makes nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mes.contracts.work_orders import WorkOrderCompleted

from .conftest import SETUP, M, Plant, W, ok


async def lots_of(plant: Plant, number: str, item: str) -> list[Any]:
    page = ok(
        await plant.h.client.get(
            f"{M}/lots", params={"work_order": number, "item": item}, headers=plant.planner()
        )
    )
    return list(page["items"])


async def inputs(plant: Plant, code: str) -> list[tuple[str, str, str]]:
    rows = ok(await plant.h.client.get(f"{M}/lots/{code}/inputs", headers=plant.planner()))
    return [(r["lot"], r["quantity"], r["uom"]) for r in rows]


async def run_two_operations(plant: Plant, number: str, last_key: str | None = None) -> Any:
    await plant.order(number, "10")
    ok(await plant.op(number, "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op(number, "10", "consume", {"lot": "R-001", "quantity": "5"}, key_header=f"{number}-c1"))
    ok(await plant.op(number, "10", "complete", {"good": "10"}))
    ok(await plant.op(number, "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op(number, "20", "consume", {"lot": "L-001", "quantity": "10"}, key_header=f"{number}-c2"))
    return await plant.op(number, "20", "complete", {"good": "10"}, key_header=last_key)


async def test_the_last_operation_makes_the_finished_lot_with_its_inputs(plant: Plant) -> None:
    first = ok(await run_two_operations(plant, "WO-1", last_key="finish-1"))
    assert first["work_order_status"] == "completed"
    completed = await plant.payloads("work_orders.work_order_completed.v1")
    assert completed[-1]["operation"] == "20"
    await plant.h.deliver()

    [lot] = await lots_of(plant, "WO-1", "KIT-100")
    today = datetime.now(UTC).strftime("%y%m%d")
    assert lot["code"] == f"KIT-100-{today}-0001"  # the default rule {item}-{yyMMdd}-{seq}
    assert (lot["quantity"], lot["uom"], lot["status"], lot["location"]) == ("10", "pcs", "available", "FG")
    assert lot["attributes"] == {"completion_of": "WO-1"}
    assert await inputs(plant, lot["code"]) == [("L-001", "10", "pcs"), ("R-001", "5", "kg")]
    produced = await plant.payloads("material.lot_produced.v1", service="material")
    assert [(p["lot_code"], p["work_order"], p["operation"]) for p in produced] == [
        (lot["code"], "WO-1", "20")
    ]
    assert sorted(i["lot_code"] for i in produced[0]["inputs"]) == ["L-001", "R-001"]

    # the same completion again (a double tap, a replay after reconnect): the first answer, no second lot
    again = await plant.op("WO-1", "20", "complete", {"good": "10"}, key_header="finish-1")
    assert again.status_code == 200 and again.json() == first
    await plant.h.deliver()
    # and the completion announced twice (another event id): still the one lot
    await plant.h.publish(
        WorkOrderCompleted(
            work_order="WO-1",
            product="KIT-100",
            actor="op-ana",
            quantity=completed[-1]["quantity"],
            good=completed[-1]["good"],
            scrap="0",
            process_loss="0",
            short=False,
            reason=None,
            operation="20",
        )
    )
    await plant.h.deliver()
    assert [x["code"] for x in await lots_of(plant, "WO-1", "KIT-100")] == [lot["code"]]

    # the next order's lot takes the next number of the day
    ok(await run_two_operations(plant, "WO-2"))
    await plant.h.deliver()
    [second] = await lots_of(plant, "WO-2", "KIT-100")
    assert second["code"] == f"KIT-100-{today}-0002"


async def test_what_the_last_operation_produced_itself_is_not_made_again(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "consume", {"lot": "L-001", "quantity": "10"}, key_header="c"))
    body = {
        "code": "KIT-OWN",
        "quantity": "6",
        "location": "FG",
        "inputs": [{"lot": "L-001", "quantity": None}],
    }
    body["inputs"] = [{"lot": "L-001"}]
    ok(await plant.op("WO-1", "20", "produce", body, key_header="p"), 201)
    ok(await plant.op("WO-1", "20", "complete", {"good": "10"}))
    await plant.h.deliver()
    lots = {x["code"]: x for x in await lots_of(plant, "WO-1", "KIT-100")}
    assert lots["KIT-OWN"]["quantity"] == "6"
    [rest] = [x for c, x in lots.items() if c != "KIT-OWN"]
    assert rest["quantity"] == "4"  # the good not produced yet
    assert await inputs(plant, rest["code"]) == []  # all of L-001 went into KIT-OWN


async def test_serial_items_get_one_serial_per_good_unit_named_by_their_rule(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP)
    item = {
        "code": "PUMP-1",
        "name": "Pump",
        "kind": "finished",
        "uom": "pcs",
        "tracking": "serial",
        "lot_pattern": "SN-{wo}-{seq:3}",
    }
    assert (
        ok(await plant.h.client.post(f"{M}/items", json=item, headers=admin), 201)["lot_pattern"]
        == item["lot_pattern"]
    )
    bad = await plant.h.client.post(
        f"{M}/items", json=item | {"code": "PUMP-2", "lot_pattern": "SN-{when}"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_item"
    bom = {
        "version": "A",
        "valid_from": "2020-01-01",
        "lines": [{"component": "PP-RESIN", "quantity": "1", "uom": "kg"}],
    }
    await plant.post(f"{M}/items/PUMP-1/boms", bom, admin, 201)
    await plant.post(f"{W}/products", {"code": "PUMP-1"}, plant.planner(), 201)
    routing = {
        "version": "1",
        "operations": [
            {
                "seq": 10,
                "name": "Build",
                "work_center": "WC-MOULD",
                "setup_minutes": "0",
                "run_minutes_per_unit": "1",
                "materials": [{"item": "PP-RESIN"}],
            }
        ],
    }
    await plant.post(f"{W}/products/PUMP-1/routings", routing, plant.planner(), 201)
    body = {"number": "WO-9", "product": "PUMP-1", "quantity": "3", "due": "2030-01-10T12:00:00Z"}
    await plant.post(f"{W}/orders", body, plant.planner(), 201)
    await plant.post(f"{W}/orders/WO-9/release", {}, plant.planner())
    ok(await plant.op("WO-9", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-9", "10", "consume", {"lot": "R-001", "quantity": "3"}, key_header="c"))
    ok(await plant.op("WO-9", "10", "complete", {"good": "3"}))
    await plant.h.deliver()
    serials = await lots_of(plant, "WO-9", "PUMP-1")
    assert [(s["code"], s["quantity"]) for s in serials] == [
        ("SN-WO-9-001", "1"),
        ("SN-WO-9-002", "1"),
        ("SN-WO-9-003", "1"),
    ]
    for s in serials:
        assert await inputs(plant, s["code"]) == [("R-001", "1", "kg")]
