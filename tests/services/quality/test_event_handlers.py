"""Tasks and quarantine from other services' events: a received lot under an incoming plan is
never consumable until its inspection is accepted (acceptance 5); produced lots are remembered."""

from __future__ import annotations

from decimal import Decimal

from mes.contracts.material import LotReceived
from mes.platform.events import record_event

from .conftest import RESIN_PLAN, M, QualityPlant, W, ok, problem


async def _receive(qp: QualityPlant, code: str, qty: str = "100", supplier: str = "Polymers SA") -> dict:
    body = {"code": code, "item": "PP-RESIN", "quantity": qty, "location": "L1-SIDE", "supplier": supplier}
    lot = ok(
        await qp.h.client.post(
            f"{M}/lots", json=body, headers=qp.wo.h.auth("material:lot:receive", "material:read")
        ),
        201,
    )
    await qp.h.deliver()
    return dict(lot)


async def _task_for(qp: QualityPlant, lot: str) -> dict:
    tasks = ok(await qp.q("GET", f"/tasks?lot_code={lot}"))["items"]
    assert len(tasks) == 1
    return dict(tasks[0])


async def _consume(qp: QualityPlant, lot: str) -> object:
    await qp.wo.order("WO-9", quantity="2")
    ok(await qp.wo.op("WO-9", "10", "start", {"equipment": "IMM-1"}))
    return await qp.wo.op("WO-9", "10", "consume", {"lot": lot, "quantity": "1"}, key_header=f"c-{lot}")


async def test_a_received_lot_is_quarantined_from_receipt_and_consumable_only_once_accepted(
    qp: QualityPlant,
) -> None:
    await qp.plan(RESIN_PLAN)
    item = ok(await qp.h.client.get(f"{M}/items/PP-RESIN", headers=qp.engineer()))
    assert item["inspect_on_receipt"] is True
    lot = await _receive(qp, "R-IN-1")
    assert lot["status"] == "quarantine"  # from the receipt itself, before any event
    task = await _task_for(qp, "R-IN-1")
    s = task["sampling"]
    # lot of 100, level II -> F (n 20); AQL 2.5 -> Ac 1, Re 2 (ISO 2859-1 Table II-A)
    assert (s["code_letter"], s["sample_size"], s["ac"], s["re"], s["severity"]) == ("F", 20, 1, 2, "normal")
    refused = problem(await _consume(qp, "R-IN-1"), 409, "lot_not_consumable")
    assert "quarantine" in refused["detail"]
    verdict = ok(
        await qp.record(
            task["number"],
            {
                "results": [
                    {"characteristic": "PELLETS", "nonconforming": 1},
                    {"characteristic": "MFI", "values": [11.8, 12.1]},
                ]
            },
        )
    )
    assert verdict["verdict"] == "passed"
    await qp.h.deliver()
    assert (await qp.lot("R-IN-1"))["status"] == "available"
    ok(await qp.wo.op("WO-9", "10", "consume", {"lot": "R-IN-1", "quantity": "1"}, key_header="c-2"))


async def test_a_rejected_incoming_lot_is_held_with_an_ncr(qp: QualityPlant) -> None:
    await qp.plan(RESIN_PLAN)
    await _receive(qp, "R-IN-2")
    task = await _task_for(qp, "R-IN-2")
    verdict = ok(
        await qp.record(
            task["number"],
            {
                "results": [
                    {"characteristic": "PELLETS", "nonconforming": 2},
                    {"characteristic": "MFI", "values": [12.0]},
                ]
            },
        )
    )
    assert verdict["verdict"] == "failed"
    await qp.h.deliver()
    lot = await qp.lot("R-IN-2")
    assert lot["status"] == "on_hold"
    ncr = ok(await qp.q("GET", f"/ncrs/{verdict['ncr']}"))
    assert ncr["held_lots"] == ["R-IN-2"]
    assert ncr["work_order_held"] is False


async def test_two_rejected_lots_of_five_tighten_the_next_lots_plan(qp: QualityPlant) -> None:
    await qp.plan(RESIN_PLAN)
    for i, bad in enumerate((2, 0, 3)):
        await _receive(qp, f"R-S-{i}")
        task = await _task_for(qp, f"R-S-{i}")
        body = {
            "results": [
                {"characteristic": "PELLETS", "nonconforming": bad},
                {"characteristic": "MFI", "values": [12.0]},
            ]
        }
        ok(await qp.record(task["number"], body))
    state = ok(await qp.q("GET", "/switching?supplier=Polymers SA&item=PP-RESIN"))["state"]
    assert state["severity"] == "tightened"
    await _receive(qp, "R-S-9")
    s = (await _task_for(qp, "R-S-9"))["sampling"]
    # Table II-B: F at 2.5 points down to G (n 32), Ac 1, Re 2
    assert (s["severity"], s["code_letter"], s["plan_letter"], s["sample_size"], s["ac"], s["re"]) == (
        "tightened", "F", "G", 32, 1, 2,
    )  # fmt: skip
    other = ok(await qp.q("GET", "/switching?supplier=Other Ltd&item=PP-RESIN"))["state"]
    assert other["severity"] == "normal"  # kept per supplier and item


async def test_a_lot_received_before_material_knew_of_the_plan_is_put_on_hold(qp: QualityPlant) -> None:
    await qp.plan(RESIN_PLAN)
    # as if material had received it as available (an older receipt still in flight)
    async with qp.h.db("material").transaction() as s:
        await record_event(
            s,
            LotReceived(
                lot_code="R-001", item_code="PP-RESIN", uom="kg", actor="x", quantity=Decimal(100), location="L1-SIDE",
                supplier=None, supplier_lot=None, status="available",
            ),
        )  # fmt: skip
    await qp.h.deliver()
    assert (await qp.lot("R-001"))["status"] == "on_hold"
    assert (await _task_for(qp, "R-001"))["status"] == "due"


async def test_items_without_incoming_plan_receive_as_before(qp: QualityPlant) -> None:
    lot = await _receive(qp, "R-FREE")
    assert lot["status"] == "available"
    assert ok(await qp.q("GET", "/tasks?lot_code=R-FREE"))["total"] == 0


async def test_redelivered_events_create_one_task(qp: QualityPlant) -> None:
    await qp.plan({**RESIN_PLAN, "code": "IN-RESIN-2"})
    await _receive(qp, "R-IN-3")
    async with qp.h.db("material").transaction() as s:
        from sqlalchemy import text

        await s.execute(
            text("UPDATE outbox SET published_at = NULL WHERE topic = 'material.lot_received.v1'")
        )
    await qp.h.deliver()
    assert ok(await qp.q("GET", "/tasks?lot_code=R-IN-3"))["total"] == 1
    assert W  # the work orders API is used by the other tests of this module
