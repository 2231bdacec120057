"""Each yield report is published as it happens (work_orders.yield_reported.v1), completion included."""

from .conftest import Plant, ok

TOPIC = "work_orders.yield_reported.v1"


async def test_every_yield_report_is_its_own_event(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(
        await plant.op(
            "WO-1", "10", "yield", {"good": "6", "scrap": [{"quantity": "1", "reason": "short shot"}]}
        )
    )
    ok(await plant.op("WO-1", "10", "complete", {"good": "3"}))
    first, last = await plant.payloads(TOPIC)
    assert (first["good"], first["scrap"], first["equipment"], first["product"]) == (
        "6",
        "1",
        "IMM-1",
        "KIT-100",
    )
    assert first["scrap_reasons"] == [{"reason": "short shot", "quantity": "1"}]
    assert (last["good"], last["scrap"], last["scrap_reasons"]) == ("3", "0", [])
    assert first["report_id"] != last["report_id"] and first["operation"] == "10"


async def test_a_completion_that_adds_nothing_publishes_no_yield(plant: Plant) -> None:
    await plant.order("WO-1", "10", under_tolerance_pct="100")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "yield", {"good": "10"}))
    ok(await plant.op("WO-1", "10", "complete", {}))
    assert len(await plant.payloads(TOPIC)) == 1
