"""Acceptance 1-3: an order runs through the API; refusals change nothing; completion is idempotent."""

from decimal import Decimal

from .conftest import Plant, ok


async def test_a_full_order_runs_through_the_api(plant: Plant) -> None:
    await plant.order("WO-1", "10", under_tolerance_pct="10")
    r = await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"})
    assert ok(r)["status"] == "in_progress" and ok(r)["work_order_status"] == "in_progress"
    c = ok(await plant.op("WO-1", "10", "consume", {"lot": "R-001", "quantity": "5"}, key_header="scan-1"))
    assert (c["item"], c["quantity"], c["remaining"]) == ("PP-RESIN", "5", "95")
    ok(
        await plant.op(
            "WO-1", "10", "yield", {"good": "9", "scrap": [{"quantity": "1", "reason": "short shot"}]}
        )
    )
    done = ok(await plant.op("WO-1", "10", "complete", {}))
    assert (done["status"], done["good"], done["scrap"], done["process_loss"]) == ("completed", "9", "1", "0")
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "consume", {"lot": "L-001", "quantity": "9"}, key_header="scan-2"))
    out = ok(
        await plant.op(
            "WO-1",
            "20",
            "produce",
            {"code": "KIT-LOT-1", "quantity": "9", "location": "FG", "inputs": [{"lot": "L-001"}]},
            key_header="make-1",
        ),
        201,
    )
    assert out["components"] == [{"lot": "L-001", "item": "LABEL", "quantity": "9", "uom": "pcs"}]
    last = ok(await plant.op("WO-1", "20", "complete", {"good": "9"}))
    assert last["work_order_status"] == "completed"

    order = await plant.get_order("WO-1")
    assert (order["status"], order["good"], order["scrap"], order["short"]) == ("completed", "9", "1", False)
    # material: exactly what the steps imply
    resin, labels, kit = await plant.lot("R-001"), await plant.lot("L-001"), await plant.lot("KIT-LOT-1")
    assert (resin["quantity"], resin["status"]) == ("95", "available")
    assert (labels["quantity"], labels["status"]) == ("491", "available")
    assert (kit["item"], kit["quantity"], kit["location"], kit["status"]) == (
        "KIT-100",
        "9",
        "FG",
        "available",
    )
    assert await plant.topics(prefix="work_orders.") == [
        "work_orders.work_order_created.v1",
        "work_orders.work_order_released.v1",
        "work_orders.work_order_started.v1",
        "work_orders.operation_started.v1",
        "work_orders.operation_completed.v1",
        "work_orders.operation_started.v1",
        "work_orders.operation_completed.v1",
        "work_orders.work_order_completed.v1",
    ]
    assert await plant.topics("material", "material.lot_consumed") == ["material.lot_consumed.v1"] * 2
    assert await plant.topics("material", "material.lot_produced") == ["material.lot_produced.v1"]
    completed = await plant.payloads("work_orders.operation_completed.v1")
    first = completed[0]
    assert (first["operation"], first["good"], first["scrap"], first["equipment"]) == (
        "10",
        "9",
        "1",
        "IMM-1",
    )
    assert first["scrap_reasons"] == [{"reason": "short shot", "quantity": "1"}]
    assert first["operators"] == ["op-ana"]
    assert Decimal(first["run_minutes"]) == Decimal(first["elapsed_minutes"]) - Decimal(
        first["paused_minutes"]
    )
    finished = (await plant.payloads("work_orders.work_order_completed.v1"))[0]
    assert (finished["good"], finished["scrap"], finished["process_loss"]) == ("9", "1", "0")
