"""Issue 17: quantities right. A unit counted whole refuses fractions (422 `fractional_quantity`);
an operation can't report more than the operations before it delivered (422 `exceeds_predecessor`,
plus MES_WORK_ORDERS_OVERREPORT_TOLERANCE_PCT)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from .conftest import SETUP, M, Plant, ok


async def _count(plant: Plant, service: str, sql: str) -> int:
    async with plant.h.db(service).transaction() as s:
        return int((await s.execute(text(sql))).scalar_one())


def _refused(r: Any, code: str) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    return body


async def test_units_say_their_decimals_and_items_carry_them(plant: Plant) -> None:
    units = ok(await plant.h.client.get(f"{M}/units", headers=plant.planner()))
    decimals = {u["code"]: u["decimals"] for u in units}
    assert (decimals["pcs"], decimals["pack100"], decimals["kg"]) == (0, 2, 6)
    label = ok(await plant.h.client.get(f"{M}/items/LABEL", headers=plant.planner()))
    assert (label["uom"], label["uom_decimals"]) == ("pcs", 0)
    order = await plant.order("WO-1", "10")
    assert (order["uom"], order["uom_decimals"]) == ("pcs", 0)


async def test_a_fraction_of_a_piece_is_refused_at_yield_and_changes_nothing(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    body = _refused(await plant.op("WO-1", "10", "yield", {"good": "1.5"}), "fractional_quantity")
    assert (body["uom"], body["decimals"]) == ("pcs", 0)
    assert "1.5" in body["detail"] and "whole" in body["detail"]
    scrap = {"good": "1", "scrap": [{"quantity": "0.25", "reason": "Flash"}]}
    _refused(await plant.op("WO-1", "10", "yield", scrap), "fractional_quantity")
    _refused(await plant.op("WO-1", "10", "complete", {"good": "9.5"}), "fractional_quantity")
    assert await _count(plant, "work-orders", "SELECT count(*) FROM yield_record") == 0
    op = (await plant.get_order("WO-1"))["operations"][0]
    assert (op["good"], op["scrap"], op["status"]) == ("0", "0", "in_progress")
    assert (
        ok(await plant.op("WO-1", "10", "yield", {"good": "1.000"}))["good"] == "1"
    )  # whole, however written


async def test_a_product_made_before_units_had_decimals_learns_them_at_its_first_report(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    async with plant.h.db("work-orders").transaction() as s:
        await s.execute(text("UPDATE product SET uom_decimals = NULL"))
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    _refused(await plant.op("WO-1", "10", "yield", {"good": "0.5"}), "fractional_quantity")
    ok(await plant.op("WO-1", "10", "yield", {"good": "2"}))
    assert await _count(plant, "work-orders", "SELECT uom_decimals FROM product") == 0


async def test_a_fraction_of_a_piece_is_refused_at_consumption(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "yield", {"good": "10"}))
    ok(await plant.op("WO-1", "10", "complete", {}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    r = await plant.op("WO-1", "20", "consume", {"lot": "L-001", "quantity": "2.5"}, key_header="scan-1")
    assert _refused(r, "fractional_quantity")["unit"] == "pcs"
    # half a piece written in packs of 100: more decimals than a pack takes
    fine = {"lot": "L-001", "quantity": "0.005", "uom": "pack100"}
    _refused(await plant.op("WO-1", "20", "consume", fine, key_header="scan-3"), "too_many_decimals")
    assert (await plant.lot("L-001"))["quantity"] == "500"
    assert await _count(plant, "work-orders", "SELECT count(*) FROM consumption") == 0
    packs = {"lot": "L-001", "quantity": "0.02", "uom": "pack100"}  # 2 pieces
    assert ok(await plant.op("WO-1", "20", "consume", packs, key_header="scan-4"))["quantity"] == "2"
    # material's own endpoint says the same
    direct = await plant.h.client.post(
        f"{M}/lots/L-001/consume",
        json={"quantity": "1.5", "work_order": "WO-1", "operation": "20"},
        headers=plant.h.auth(*SETUP, "material:lot:consume", "workorder:read") | {"Idempotency-Key": "d-1"},
    )
    _refused(direct, "fractional_quantity")
    # an output of 1.5 kits, or half a label named as an input, is refused too
    half_kit = {
        "code": "KIT-X",
        "quantity": "1.5",
        "location": "FG",
        "inputs": [{"lot": "L-001", "quantity": "1"}],
    }
    _refused(await plant.op("WO-1", "20", "produce", half_kit, key_header="out-1"), "fractional_quantity")
    half_label = {
        "code": "KIT-X",
        "quantity": "1",
        "location": "FG",
        "inputs": [{"lot": "L-001", "quantity": "0.5"}],
    }
    _refused(await plant.op("WO-1", "20", "produce", half_label, key_header="out-2"), "fractional_quantity")
    assert (await plant.lot("L-001"))["quantity"] == "498"
    # kilograms take decimals
    assert (await plant.lot("R-001"))["quantity"] == "100"


async def _deliver(plant: Plant, good: str) -> None:
    await plant.order("WO-1", "10", under_tolerance_pct="100")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "yield", {"good": good, "scrap": [{"quantity": "1", "reason": "Flash"}]}))
    ok(await plant.op("WO-1", "10", "complete", {}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))


async def test_an_operation_cant_report_more_than_its_predecessor_delivered(plant: Plant) -> None:
    await _deliver(plant, "8")
    body = _refused(await plant.op("WO-1", "20", "yield", {"good": "9"}), "exceeds_predecessor")
    assert (body["delivered"], body["allowed"], body["reported"]) == ("8", "8", "9")
    assert "delivered 8" in body["detail"]
    ok(await plant.op("WO-1", "20", "yield", {"good": "6"}))
    # scrap is made of delivered parts too
    over = {"good": "1", "scrap": [{"quantity": "2", "reason": "Damaged"}]}
    _refused(await plant.op("WO-1", "20", "yield", over), "exceeds_predecessor")
    _refused(await plant.op("WO-1", "20", "complete", {"good": "3"}), "exceeds_predecessor")
    assert (await plant.get_order("WO-1"))["operations"][1]["good"] == "6"
    done = ok(await plant.op("WO-1", "20", "complete", {"good": "2"}))
    assert (done["status"], done["good"]) == ("completed", "8")


async def test_the_tolerance_over_the_predecessor_is_configurable(
    plant: Plant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MES_WORK_ORDERS_OVERREPORT_TOLERANCE_PCT", "25")
    await _deliver(plant, "8")
    body = _refused(await plant.op("WO-1", "20", "yield", {"good": "11"}), "exceeds_predecessor")
    assert (body["delivered"], body["allowed"]) == ("8", "10")
    assert ok(await plant.op("WO-1", "20", "yield", {"good": "10"}))["good"] == "10"


async def test_parts_back_from_rework_count_as_delivered(plant: Plant) -> None:
    await plant.order("WO-1", "10", under_tolerance_pct="100")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "yield", {"good": "10"}))
    ok(await plant.op("WO-1", "10", "complete", {}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "yield", {"good": "10"}))
    # three go back from 20 to 10: 10-R1 makes them again, 20-R1 assembles them
    rework = {"to_operation": "10", "quantity": "3", "reason": "Label crooked"}
    order = await plant.post(
        "/api/v1/workorders/orders/WO-1/operations/20/rework", rework, plant.h.auth("workorder:dispatch")
    )
    assert [o["key"] for o in order["operations"]] == ["10", "20", "10-R1", "20-R1"]
    ok(await plant.op("WO-1", "10-R1", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10-R1", "yield", {"good": "2"}))
    ok(await plant.op("WO-1", "10-R1", "complete", {}))
    ok(await plant.op("WO-1", "20-R1", "start", {"equipment": "ASSY-1"}))
    _refused(await plant.op("WO-1", "20-R1", "yield", {"good": "3"}), "exceeds_predecessor")
    ok(await plant.op("WO-1", "20-R1", "yield", {"good": "2"}))
