"""Floor changes: rework, insert, skip and split, audited and shown as planned versus as built."""

from .conftest import Plant, W, ok


async def test_rework_insert_skip_and_split_show_as_planned_versus_as_built(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    sup = plant.h.auth("workorder:dispatch", "workorder:read", "resource:read", sub="sup-eva")
    # split moulding across both presses
    r = await plant.h.client.post(
        f"{W}/orders/WO-1/operations/10/split",
        json={
            "parts": [{"quantity": "6", "equipment": "IMM-1"}, {"quantity": "3", "equipment": "IMM-2"}],
            "reason": "rush",
        },
        headers=sup,
    )
    assert (r.status_code, r.json()["code"]) == (409, "invalid_floor_change")  # 9 is not 10
    order = await plant.post(
        f"{W}/orders/WO-1/operations/10/split",
        {
            "parts": [{"quantity": "6", "equipment": "IMM-1"}, {"quantity": "4", "equipment": "IMM-2"}],
            "reason": "rush",
        },
        sup,
    )
    assert [(o["key"], o["status"], o["equipment"], o["quantity"]) for o in order["operations"]] == [
        ("10", "split", None, "10"),
        ("10-A", "pending", "IMM-1", "6"),
        ("10-B", "pending", "IMM-2", "4"),
        ("20", "pending", None, "10"),
    ]
    # insert an inspection after moulding, then skip it
    order = await plant.post(
        f"{W}/orders/WO-1/operations",
        {
            "after": "10",
            "name": "Deburr",
            "work_center": "WC-ASSY",
            "run_minutes_per_unit": "0.5",
            "reason": "flash on parts",
        },
        sup,
        201,
    )
    assert [o["key"] for o in order["operations"]] == ["10", "10-A", "10-B", "10-I2", "20"]
    for key, qty in (("10-A", "6"), ("10-B", "4")):
        ok(await plant.op("WO-1", key, "start", {}))
        ok(await plant.op("WO-1", key, "complete", {"good": qty}))
    r = await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"})
    assert r.json()["code"] == "previous_operation_open"  # the deburring comes first
    await plant.post(f"{W}/orders/WO-1/operations/10-I2/skip", {"reason": "flash within spec after all"}, sup)
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "yield", {"good": "10"}))
    # two kits have labels askew: back to moulding? no, back to assembly's own step 20 for rework
    r = await plant.h.client.post(
        f"{W}/orders/WO-1/operations/20/rework",
        json={"to_operation": "20", "quantity": "11", "reason": "x"},
        headers=sup,
    )
    assert r.json()["code"] == "invalid_floor_change"
    order = await plant.post(
        f"{W}/orders/WO-1/operations/20/rework",
        {"to_operation": "20", "quantity": "2", "reason": "labels askew"},
        sup,
    )
    assert [(o["key"], o["origin"], o["quantity"]) for o in order["operations"]][-2:] == [
        ("20", "planned", "10"),
        ("20-R1", "rework", "2"),
    ]
    ok(await plant.op("WO-1", "20", "complete", {}))
    assert (await plant.get_order("WO-1"))["status"] == "in_progress"  # the rework is still to do
    ok(await plant.op("WO-1", "20-R1", "start", {"equipment": "ASSY-1"}))
    done = ok(await plant.op("WO-1", "20-R1", "complete", {"good": "2"}))
    assert done["work_order_status"] == "completed"
    order = await plant.get_order("WO-1")
    assert order["good"] == "10"  # 8 right first time + 2 reworked
    built = ok(await plant.h.client.get(f"{W}/orders/WO-1/as-built", headers=plant.planner()))
    assert [s["seq"] for s in built["planned"]] == [10, 20]
    assert [(o["key"], o["origin"], o["status"]) for o in built["as_built"]] == [
        ("10", "planned", "split"),
        ("10-A", "split", "completed"),
        ("10-B", "split", "completed"),
        ("10-I2", "inserted", "skipped"),
        ("20", "planned", "completed"),
        ("20-R1", "rework", "completed"),
    ]
    assert [(c["kind"], c["operation"], c["actor"]) for c in built["changes"]] == [
        ("split", "10", "sup-eva"),
        ("insert", "10-I2", "sup-eva"),
        ("skip", "10-I2", "sup-eva"),
        ("rework", "20", "sup-eva"),
    ]
    assert built["changes"][2]["reason"] == "flash within spec after all"
