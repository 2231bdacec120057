"""The closed loop: a failing in-process measurement opens an NCR, holds exactly the suspect
material and the work order, and a signed partial disposition releases the good part and scraps
the rest (acceptance 3); what a disposition without a valid signature does (acceptance 4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import ASSEMBLY_PLAN, M, QualityPlant, W, ok, problem


async def _to_assembly(qp: QualityPlant) -> str:
    """WO-1 released, moulding done, assembly started on ASSY-1: returns the first-piece task."""
    p = qp.wo
    await qp.plan(ASSEMBLY_PLAN)
    await p.order("WO-1", quantity="10")
    ok(await p.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await p.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await p.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    await qp.h.deliver()
    tasks = ok(await qp.q("GET", "/tasks?work_order=WO-1&status=due"))
    assert [(t["kind"], t["operation"], t["equipment"]) for t in tasks["items"]] == [
        ("in_process", "20", "ASSY-1")
    ]
    return str(tasks["items"][0]["number"])


async def _produce(qp: QualityPlant, code: str, qty: str, key: str) -> None:
    body = {"code": code, "quantity": qty, "location": "FG", "inputs": [{"lot": "L-001", "quantity": qty}]}
    ok(await qp.wo.op("WO-1", "20", "produce", body, key_header=key), 201)
    await qp.h.deliver()


async def _ledger(qp: QualityPlant, lot: str) -> list[tuple[str, str]]:
    moves = ok(await qp.h.client.get(f"{M}/lots/{lot}/movements", headers=qp.engineer()))
    return [(m["kind"], m["quantity"]) for m in moves]


async def test_a_due_first_piece_blocks_completion_until_recorded(qp: QualityPlant) -> None:
    first = await _to_assembly(qp)
    refused = problem(await qp.wo.op("WO-1", "20", "complete", {"good": "10"}), 409, "inspection_due")
    assert refused["inspections"] == [first]
    assert first in refused["detail"]
    verdict = ok(
        await qp.record(
            first, {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.02]}]}
        )
    )
    assert verdict["verdict"] == "passed"
    assert verdict["ncr"] is None
    blocking = ok(await qp.q("GET", "/blocking?work_order=WO-1&operation=20"))
    assert blocking["tasks"] == []
    done = ok(await qp.wo.op("WO-1", "20", "complete", {"good": "10"}))
    assert done["status"] == "completed"


async def test_a_failed_sample_holds_what_was_made_since_the_last_good_one_and_partial_disposition(
    qp: QualityPlant,
) -> None:
    first = await _to_assembly(qp)
    await _produce(qp, "KIT-A", "2", "make-a")  # made before the good first piece
    ok(await qp.record(first, {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0]}]}))
    await _produce(qp, "KIT-B", "5", "make-b")  # made after it: suspect once a later sample fails
    await _produce(qp, "KIT-C", "1", "make-c")
    second = ok(
        await qp.q(
            "POST",
            "/tasks",
            {"plan": "IP-KIT-20", "work_order": "WO-1", "operation": "20", "equipment": "ASSY-1"},
        ),
        201,
    )["number"]
    verdict = ok(
        await qp.record(
            second, {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.31]}]}
        )
    )
    assert verdict["verdict"] == "failed"
    number = verdict["ncr"]
    await qp.h.deliver()

    ncr = ok(await qp.q("GET", f"/ncrs/{number}"))
    assert ncr["held_lots"] == ["KIT-B", "KIT-C"]
    assert ncr["work_order_held"] is True
    result = ncr["evidence"]["results"][0]
    assert (result["characteristic"], result["values"], result["usl"]) == ("WIDTH", [10.31], 10.1)
    assert (ncr["evidence"]["equipment"], ncr["evidence"]["operator"], ncr["evidence"]["gauge"]) == (
        "ASSY-1",
        "op-ana",
        "CAL-7",
    )
    assert [(await qp.lot(c))["status"] for c in ("KIT-A", "KIT-B", "KIT-C")] == [
        "available",
        "on_hold",
        "on_hold",
    ]
    order = ok(await qp.h.client.get(f"{W}/orders/WO-1", headers=qp.wo.planner()))
    assert order["quality_hold"].endswith(f"({number})")
    problem(await qp.wo.op("WO-1", "20", "complete", {"good": "8"}), 409, "quality_hold")

    await qp.signer()
    sig = await qp.sign("quality.ncr", number, ncr["content"])
    body = {
        "disposition": "partial",
        "signature_id": sig,
        "reason": "4 of 5 re-measured good",
        "lot": "KIT-B",
        "scrap_quantity": "1",
    }
    done = ok(await qp.q("POST", f"/ncrs/{number}/disposition", body))
    await qp.h.deliver()
    assert done["status"] == "dispositioned"
    scrapped_lot = done["disposition"]["split_lot"]
    kit_b, kit_c, part = await qp.lot("KIT-B"), await qp.lot("KIT-C"), await qp.lot(scrapped_lot)
    assert (kit_b["status"], kit_b["quantity"]) == ("available", "4")
    assert (kit_c["status"], kit_c["quantity"]) == ("available", "1")
    assert (part["status"], part["quantity"]) == ("scrapped", "0")
    assert (await qp.lot("KIT-A"))["status"] == "available"
    assert ("split", "-1") in await _ledger(qp, "KIT-B")
    part_ledger = await _ledger(qp, scrapped_lot)
    assert ("split", "1") in part_ledger and ("scrap", "-1") in part_ledger
    async with qp.h.db("material").transaction() as s:
        reason = await s.scalar(
            text(
                "SELECT reason FROM movement m JOIN lot l ON l.id = m.lot_id WHERE l.code = :c AND m.kind = 'scrap'"
            ),
            {"c": scrapped_lot},
        )
    assert reason.startswith(number)
    order = ok(await qp.h.client.get(f"{W}/orders/WO-1", headers=qp.wo.planner()))
    assert order["quality_hold"] is None
    closed = ok(await qp.q("POST", f"/ncrs/{number}/close", {"reason": "Re-measured; tool offset corrected"}))
    assert closed["status"] == "closed"


async def _failed_ncr(qp: QualityPlant) -> dict[str, Any]:
    first = await _to_assembly(qp)
    await _produce(qp, "KIT-B", "5", "make-b")
    verdict = ok(
        await qp.record(first, {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [9.5]}]})
    )
    await qp.h.deliver()
    return dict(ok(await qp.q("GET", f"/ncrs/{verdict['ncr']}")))


async def _unchanged(qp: QualityPlant, ncr: dict[str, Any]) -> None:
    again = ok(await qp.q("GET", f"/ncrs/{ncr['number']}"))
    assert (again["status"], again["disposition"]) == ("open", None)
    lot = await qp.lot("KIT-B")
    assert (lot["status"], lot["quantity"]) == ("on_hold", "5")


async def test_disposition_refused_without_a_valid_signature_changes_nothing(qp: QualityPlant) -> None:
    ncr = await _failed_ncr(qp)
    number = ncr["number"]
    await qp.signer()
    await qp.signer("qe-max")
    body = {"disposition": "scrap", "reason": "Out of tolerance"}
    # a signature over other content (the NCR as it was not)
    other = await qp.sign("quality.ncr", number, {**ncr["content"], "held_lots": []})
    problem(
        await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": other}),
        403,
        "signature_rejected",
    )
    # a signature of another record with the right content
    elsewhere = await qp.sign("quality.ncr", "NCR-999999", ncr["content"])
    problem(
        await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": elsewhere}),
        403,
        "signature_rejected",
    )
    # someone else's valid signature
    maxs = await qp.sign("quality.ncr", number, ncr["content"], username="qe-max")
    problem(
        await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": maxs}),
        403,
        "signature_rejected",
    )
    # no signature at all, or one that doesn't exist
    problem(await qp.q("POST", f"/ncrs/{number}/disposition", body), 422, "validation_failed")
    missing = "00000000-0000-4000-8000-000000000000"
    r = await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": missing})
    assert r.status_code == 404, r.text
    # a valid signature, by a role without quality:nc:disposition
    mine = await qp.sign("quality.ncr", number, ncr["content"])
    no_role = qp.engineer("qe-lea", *[p for p in qp_engineer_perms() if p != "quality:nc:disposition"])
    problem(
        await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": mine}, headers=no_role),
        403,
        "permission_denied",
    )
    await qp.h.deliver()
    await _unchanged(qp, ncr)
    # and the right one goes through
    ok(await qp.q("POST", f"/ncrs/{number}/disposition", {**body, "signature_id": mine}))
    await qp.h.deliver()
    assert (await qp.lot("KIT-B"))["status"] == "scrapped"


def qp_engineer_perms() -> tuple[str, ...]:
    from .conftest import ENGINEER

    return ENGINEER


async def test_waiving_a_due_inspection_needs_permission_reason_and_signature(qp: QualityPlant) -> None:
    first = await _to_assembly(qp)
    await qp.signer()
    content = {
        "task": first,
        "work_order": "WO-1",
        "operation": "20",
        "lot_code": None,
        "reason": "Gauge broken; 100 % check at packing",
    }
    sig = await qp.sign("quality.task", first, content)
    r = await qp.q(
        "POST",
        f"/tasks/{first}/waive",
        {"reason": content["reason"], "signature_id": sig},
        headers=qp.inspector(),
    )
    problem(r, 403, "permission_denied")
    r = await qp.q("POST", f"/tasks/{first}/waive", {"reason": "another reason", "signature_id": sig})
    problem(r, 403, "signature_rejected")
    waived = ok(
        await qp.q("POST", f"/tasks/{first}/waive", {"reason": content["reason"], "signature_id": sig})
    )
    assert (waived["status"], waived["waiver_reason"]) == ("waived", content["reason"])
    ok(await qp.wo.op("WO-1", "20", "complete", {"good": "10"}))
