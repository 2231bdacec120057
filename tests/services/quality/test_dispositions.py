"""Dispositions that act (ADR 40): a rework goes to work orders' rework command, a return to the
supplier ships the held lots back through material, each idempotent by the NCR's number; and a
released work order keeps the inspection plan version it was released with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text

from mes.platform.testing import RowLockWatch

from .conftest import ASSEMBLY_PLAN, ENGINEER, WIDTH, M, QualityPlant, W, ok, problem
from .test_closed_loop import _produce, _to_assembly

REWORKER = (*ENGINEER, "workorder:read", "workorder:dispatch")


async def _order(qp: QualityPlant, number: str = "WO-1") -> Any:
    return ok(await qp.h.client.get(f"{W}/orders/{number}", headers=qp.wo.planner()))


async def _ncr_on_assembly(qp: QualityPlant) -> dict[str, Any]:
    """WO-1's assembly made KIT-B (5, reported good), then its first piece failed: the NCR holds
    KIT-B and the order."""
    first = await _to_assembly(qp)
    await _produce(qp, "KIT-B", "5", "make-b")
    ok(await qp.wo.op("WO-1", "20", "yield", {"good": "5"}))
    verdict = ok(
        await qp.record(first, {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [9.5]}]})
    )
    await qp.h.deliver()
    ncr = dict(ok(await qp.q("GET", f"/ncrs/{verdict['ncr']}")))
    assert (ncr["work_order"], ncr["operation"], ncr["held_lots"]) == ("WO-1", "20", ["KIT-B"])
    assert (await _order(qp))["quality_hold"].endswith(f"({ncr['number']})")
    return ncr


async def _disposition(qp: QualityPlant, number: str, body: dict[str, Any], sub: str = "qe-lea") -> Any:
    return await qp.q("POST", f"/ncrs/{number}/disposition", body, headers=qp.engineer(sub, *REWORKER))


async def test_a_rework_disposition_sends_the_quantity_back_through_work_orders_once(
    qp: QualityPlant,
) -> None:
    ncr = await _ncr_on_assembly(qp)
    number = ncr["number"]
    await qp.signer()
    sig = await qp.sign("quality.ncr", number, ncr["content"])
    before = [o["key"] for o in (await _order(qp))["operations"]]

    # refused before anything is signed or changed: no operation named, an unknown one, a later one
    body = {"disposition": "rework", "signature_id": sig, "reason": "Width under; re-press the clips"}
    problem(await _disposition(qp, number, body), 422, "validation_failed")
    unknown = problem(
        await _disposition(qp, number, {**body, "rework_operation": "99"}), 422, "unknown_operation"
    )
    assert unknown["operation"] == "99"
    problem(
        await _disposition(qp, number, {**body, "rework_operation": "20", "rework_quantity": "6"}),
        422,
        "invalid_disposition",
    )  # 5 were reported good at 20: 6 can't go back
    await qp.h.deliver()
    again = ok(await qp.q("GET", f"/ncrs/{number}"))
    assert (again["status"], again["disposition"]) == ("open", None)
    order = await _order(qp)
    assert [o["key"] for o in order["operations"]] == before
    assert order["quality_hold"] is not None

    done = ok(await _disposition(qp, number, {**body, "rework_operation": "20"}))
    assert done["status"] == "dispositioned"
    assert done["disposition"]["rework"] == {
        "work_order": "WO-1",
        "from": "20",
        "to": "20",
        "quantity": "5",  # what the NCR holds: KIT-B's 5
        "operations": ["20-R1"],
    }
    assert done["disposition"]["held"] == ["KIT-B"]
    await qp.h.deliver()
    order = await _order(qp)
    ops = {o["key"]: o for o in order["operations"]}
    assert (ops["20-R1"]["origin"], ops["20-R1"]["quantity"], ops["20-R1"]["parent_key"]) == (
        "rework",
        "5",
        "20",
    )
    assert ops["20-R1"]["reason"].startswith(f"{number} rework:")
    assert (ops["20"]["good"], ops["20"]["rework"]) == ("0", "5")
    assert order["quality_hold"] is None  # released from its hold
    assert (await qp.lot("KIT-B"))["status"] == "on_hold"  # the suspect lot stays held

    # a retry with the NCR's key does not rework twice: work orders answers the first result
    reason = ops["20-R1"]["reason"]
    r = await qp.h.client.post(
        f"{W}/orders/WO-1/operations/20/rework",
        json={"to_operation": "20", "quantity": "5", "reason": reason},
        headers={**qp.engineer("qe-lea", *REWORKER), "Idempotency-Key": f"{number}:rework"},
    )
    assert r.status_code == 200, r.text
    order = await _order(qp)
    assert [o["key"] for o in order["operations"] if o["origin"] == "rework"] == ["20-R1"]
    # and the NCR is decided once
    problem(await _disposition(qp, number, {**body, "rework_operation": "20"}), 409, "invalid_state")
    async with qp.h.db("work-orders").transaction() as s:
        kinds = (await s.execute(text("SELECT kind FROM floor_change ORDER BY at"))).scalars().all()
    assert list(kinds) == ["rework"]


async def test_a_rework_needs_an_ncr_on_a_work_order(qp: QualityPlant) -> None:
    ncr = ok(await qp.q("POST", "/ncrs", {"title": "Resin wet", "item": "PP-RESIN", "lots": ["R-001"]}), 201)
    await qp.h.deliver()
    await qp.signer()
    sig = await qp.sign("quality.ncr", ncr["number"], ncr["content"])
    body = {"disposition": "rework", "signature_id": sig, "reason": "Dry it", "rework_operation": "10"}
    problem(await _disposition(qp, ncr["number"], body), 422, "invalid_disposition")
    again = ok(await qp.q("GET", f"/ncrs/{ncr['number']}"))
    assert (again["status"], again["disposition"]) == ("open", None)
    assert (await qp.lot("R-001"))["status"] == "on_hold"


async def _received(qp: QualityPlant, code: str, quantity: str, supplier: str | None) -> None:
    body = {"code": code, "item": "PP-RESIN", "quantity": quantity, "location": "WH-01"}
    if supplier is not None:
        body["supplier"] = supplier
    ok(await qp.h.client.post(f"{M}/lots", json=body, headers=qp.h.auth("material:lot:receive")), 201)


async def test_return_to_supplier_ships_the_held_lots_back_with_the_ncr_as_reason(qp: QualityPlant) -> None:
    await _received(qp, "R-PS1", "40", "Polymers SA")
    await _received(qp, "R-PS2", "10", "Polymers SA")
    ncr = ok(
        await qp.q(
            "POST", "/ncrs", {"title": "Pellets discoloured", "item": "PP-RESIN", "lots": ["R-PS1", "R-PS2"]}
        ),
        201,
    )
    number = ncr["number"]
    await qp.h.deliver()
    assert [(await qp.lot(c))["status"] for c in ("R-PS1", "R-PS2")] == ["on_hold", "on_hold"]
    await qp.signer()
    sig = await qp.sign("quality.ncr", number, ncr["content"])
    body = {"disposition": "return_to_supplier", "signature_id": sig, "reason": "Colour out of spec"}
    done = ok(await qp.q("POST", f"/ncrs/{number}/disposition", body))
    assert done["disposition"]["returned"] == [
        {"lot": "R-PS1", "quantity": "40", "uom": "kg", "supplier": "Polymers SA"},
        {"lot": "R-PS2", "quantity": "10", "uom": "kg", "supplier": "Polymers SA"},
    ]
    await qp.h.deliver()
    for code, qty in (("R-PS1", "40"), ("R-PS2", "10")):
        lot = await qp.lot(code)
        assert (lot["status"], Decimal(str(lot["quantity"]))) == ("shipped", 0)
        moves = ok(await qp.h.client.get(f"{M}/lots/{code}/movements", headers=qp.engineer()))
        ships = [
            (m["quantity"], m["customer"], m["destination"], m["reason"])
            for m in moves
            if m["kind"] == "ship"
        ]
        assert ships == [
            (f"-{qty}", "Polymers SA", "return to supplier", f"Returned to supplier Polymers SA ({number})")
        ]
    # a retry of material's return with the NCR's key is answered, not booked again
    r = await qp.h.client.post(
        f"{M}/lots/R-PS1/ship",
        json={
            "quantity": "40",
            "customer": "Polymers SA",
            "destination": "return to supplier",
            "reference": number,
            "return_to_supplier": True,
        },
        headers={**qp.engineer(), "Idempotency-Key": f"{number}:return:R-PS1"},
    )
    assert r.status_code == 200, r.text
    async with qp.h.db("material").transaction() as s:
        rows = (
            await s.execute(
                text(
                    "SELECT payload->>'lot_code', payload->>'reference', payload->>'return_to_supplier'"
                    " FROM outbox WHERE topic = 'material.lot_shipped.v1' ORDER BY id"
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [("R-PS1", number, "true"), ("R-PS2", number, "true")]


async def test_return_to_supplier_refused_when_no_supplier_is_known_changes_nothing(qp: QualityPlant) -> None:
    await _received(qp, "R-ANON", "20", None)
    ncr = ok(await qp.q("POST", "/ncrs", {"title": "Wet", "item": "PP-RESIN", "lots": ["R-ANON"]}), 201)
    number = ncr["number"]
    await qp.h.deliver()
    await qp.signer()
    sig = await qp.sign("quality.ncr", number, ncr["content"])
    body = {"disposition": "return_to_supplier", "signature_id": sig, "reason": "Moisture"}
    refused = problem(await qp.q("POST", f"/ncrs/{number}/disposition", body), 422, "invalid_disposition")
    assert refused["lot"] == "R-ANON"
    await qp.h.deliver()
    again = ok(await qp.q("GET", f"/ncrs/{number}"))
    assert (again["status"], again["disposition"]) == ("open", None)
    lot = await qp.lot("R-ANON")
    assert (lot["status"], Decimal(str(lot["quantity"]))) == ("on_hold", 20)
    # naming the supplier sends it back
    done = ok(await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "supplier": "Resinco"}))
    assert done["disposition"]["returned"] == [
        {"lot": "R-ANON", "quantity": "20", "uom": "kg", "supplier": "Resinco"}
    ]
    assert (await qp.lot("R-ANON"))["status"] == "shipped"


LENGTH = {**WIDTH, "code": "LENGTH", "name": "Kit length", "nominal": "50", "lsl": "49", "usl": "51"}


async def _assembly_tasks(qp: QualityPlant, number: str) -> list[tuple[str, int]]:
    p = qp.wo
    ok(await p.op(number, "10", "start", {"equipment": "IMM-1"}))
    ok(await p.op(number, "10", "complete", {"good": "10"}))
    ok(await p.op(number, "20", "start", {"equipment": "ASSY-1"}))
    await qp.h.deliver()
    tasks = ok(await qp.q("GET", f"/tasks?work_order={number}"))
    return [(t["plan"], t["plan_version"]) for t in tasks["items"]]


async def test_a_released_order_keeps_the_plan_version_it_was_released_with(qp: QualityPlant) -> None:
    v1 = await qp.plan(ASSEMBLY_PLAN)
    assert v1["version"] == 1
    await qp.wo.order("WO-1", quantity="10")
    await qp.h.deliver()
    v2 = await qp.plan(
        {**ASSEMBLY_PLAN, "characteristics": [WIDTH, LENGTH]}
    )  # published after WO-1's release
    assert (v2["version"], v2["status"]) == (2, "released")
    assert await _assembly_tasks(qp, "WO-1") == [("IP-KIT-20", 1)]
    task = ok(await qp.q("GET", "/tasks?work_order=WO-1"))["items"][0]
    detail = ok(await qp.q("GET", f"/tasks/{task['number']}"))
    assert [c["code"] for c in detail["characteristics"]] == ["WIDTH"]  # v1's, not v2's
    # an order released now inspects by v2
    await qp.wo.order("WO-2", quantity="10")
    await qp.h.deliver()
    assert await _assembly_tasks(qp, "WO-2") == [("IP-KIT-20", 2)]


async def test_a_plan_first_released_after_the_order_is_pinned_when_the_order_first_needs_it(
    qp: QualityPlant,
) -> None:
    await qp.wo.order("WO-1", quantity="10")
    await qp.h.deliver()
    await qp.plan(ASSEMBLY_PLAN)  # v1: no version was pinned at the release, this one applies
    assert await _assembly_tasks(qp, "WO-1") == [("IP-KIT-20", 1)]
    await qp.plan({**ASSEMBLY_PLAN, "characteristics": [WIDTH, LENGTH]})  # v2
    manual = ok(
        await qp.q(
            "POST",
            "/tasks",
            {"plan": "IP-KIT-20", "work_order": "WO-1", "operation": "20", "equipment": "ASSY-1"},
        ),
        201,
    )
    assert manual["plan_version"] == 2  # a task raised by hand names its plan and takes the current version
    async with qp.h.db("quality").transaction() as s:
        pinned = (
            await s.execute(
                text(
                    "SELECT o.work_order, p.code, p.version FROM order_plan o JOIN plan p ON p.id = o.plan_id"
                )
            )
        ).all()
    assert [tuple(r) for r in pinned] == [("WO-1", "IP-KIT-20", 1)]


async def test_a_rework_disposition_asks_before_it_locks_the_ncr(qp: QualityPlant) -> None:
    """ADR 35 and 40: the questions (the order, the lots, the signature) are asked with no row
    locked; the acting call to work orders is the one made under the NCR's lock."""
    ncr = await _ncr_on_assembly(qp)
    number = ncr["number"]
    await qp.signer()
    sig = await qp.sign("quality.ncr", number, ncr["content"])
    body = {"disposition": "rework", "signature_id": sig, "reason": "Re-press", "rework_operation": "20"}
    # watched around the disposition only (the watch trips on auth's user insert, not ours)
    async with RowLockWatch().watching() as row_lock_watch:
        ok(await _disposition(qp, number, body))
    calls = [(c.method, c.path, bool(c.locks)) for c in row_lock_watch.calls]
    assert calls == [
        ("GET", "/api/v1/workorders/orders/WO-1", False),
        ("GET", "/api/v1/material/lots/KIT-B", False),
        ("POST", f"/api/v1/auth/signatures/{sig}/verify", False),
        ("POST", "/api/v1/workorders/orders/WO-1/operations/20/rework", True),
    ]
    assert any("ncr" in lock for lock in row_lock_watch.calls[-1].locks)
