"""Acceptance 1-3: an order runs through the API; refusals change nothing; completion is idempotent."""

from decimal import Decimal

from sqlalchemy import text

from .conftest import OPERATOR, SETUP, M, Plant, R, W, ok


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
        "work_orders.yield_reported.v1",  # each report, for reporting's counts as they happen
        "work_orders.operation_completed.v1",
        "work_orders.operation_started.v1",
        "work_orders.yield_reported.v1",
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
    # the routing's standard times travel with the completion (reporting's labour efficiency)
    assert (Decimal(first["standard_setup_minutes"]), Decimal(first["standard_run_minutes_per_unit"])) == (
        Decimal(30),
        Decimal("1.5"),
    )
    assert Decimal(first["run_minutes"]) == Decimal(first["elapsed_minutes"]) - Decimal(
        first["paused_minutes"]
    )
    finished = (await plant.payloads("work_orders.work_order_completed.v1"))[0]
    assert (finished["good"], finished["scrap"], finished["process_loss"]) == ("9", "1", "0")


async def _snapshot(plant: Plant) -> tuple[object, ...]:
    order = await plant.get_order("WO-1")
    resin, held = await plant.lot("R-001"), await plant.lot("R-HELD")
    return (
        order["status"],
        [(o["key"], o["status"], o["good"], o["equipment"], len(o["labour"])) for o in order["operations"]],
        resin["quantity"],
        held["quantity"],
        await plant.topics(prefix="work_orders."),
        await plant.topics("material", "material.lot_consumed"),
    )


def _problem(r: object, status: int, code: str) -> dict:  # type: ignore[type-arg]
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict = r.json()  # type: ignore[attr-defined,type-arg]
    assert body["code"] == code, body
    return body


async def test_refusals_each_have_their_own_code_and_change_nothing(plant: Plant) -> None:
    await plant.order("WO-1", "10", release=False)
    before = await _snapshot(plant)
    # wrong order state: a planned order can't be worked on
    _problem(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}), 409, "invalid_transition")
    assert await _snapshot(plant) == before
    await plant.post(f"{W}/orders/WO-1/release", {}, plant.planner())
    before = await _snapshot(plant)
    # an operator without the moulding skill
    body = _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}, who="op-carl"),
        409,
        "operator_not_qualified",
    )
    assert [r["code"] for r in body["reasons"]] == ["skill_missing"]
    assert await _snapshot(plant) == before
    # a press that is down
    await plant.set_state("IMM-2", "down")
    before = await _snapshot(plant)
    body = _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "IMM-2"}), 409, "equipment_unavailable"
    )
    assert "IMM-2" in body["detail"]
    assert await _snapshot(plant) == before
    # the second operation before the first is done
    _problem(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}), 409, "previous_operation_open")
    assert await _snapshot(plant) == before
    # a held lot: material's reason reaches the operator
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    before = await _snapshot(plant)
    body = _problem(
        await plant.op("WO-1", "10", "consume", {"lot": "R-HELD", "quantity": "2"}, key_header="scan-h"),
        409,
        "lot_not_consumable",
    )
    assert "on hold" in body["detail"] and "Melt flow out of spec" in body["detail"]
    # a lot of another material than the step uses
    _problem(
        await plant.op("WO-1", "10", "consume", {"lot": "L-001", "quantity": "2"}, key_header="scan-l"),
        409,
        "wrong_material",
    )
    # bad input is a 422 and books nothing
    _problem(
        await plant.op("WO-1", "10", "consume", {"lot": "R-001", "quantity": "-2"}, key_header="scan-n"),
        422,
        "validation_failed",
    )
    assert await _snapshot(plant) == before


async def test_completing_twice_with_the_same_key_has_one_effect(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    first = await plant.op("WO-1", "10", "complete", {"good": "10"}, key_header="done-10")
    again = await plant.op("WO-1", "10", "complete", {"good": "10"}, key_header="done-10")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    order = await plant.get_order("WO-1")
    assert order["operations"][0]["good"] == "10"
    assert (await plant.topics(prefix="work_orders.operation_completed")) == [
        "work_orders.operation_completed.v1"
    ]
    # without the key, a second completion is refused: the operation is already completed
    _problem(await plant.op("WO-1", "10", "complete", {"good": "10"}), 409, "invalid_transition")
    # the same key for another request is refused, not silently answered
    _problem(
        await plant.op("WO-1", "10", "complete", {"good": "3"}, key_header="done-10"),
        422,
        "idempotency_key_reused",
    )


async def test_each_operator_has_their_own_clock_and_pauses_need_a_reason(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}, who="op-ana"))
    _problem(await plant.op("WO-1", "10", "join", who="op-ben"), 409, "operator_not_qualified")  # no moulding
    await plant.post(
        f"{R}/persons/op-ben/qualifications", {"skill": "MOULDING", "level": 3}, plant.h.auth(*SETUP)
    )
    ok(await plant.op("WO-1", "10", "join", who="op-ben"))
    op = ok(await plant.op("WO-1", "10", "leave", who="op-ana"))
    clocks = {c["operator"]: c for c in op["labour"]}
    assert clocks["op-ana"]["clock_out"] is not None and clocks["op-ana"]["minutes"] is not None
    assert clocks["op-ben"]["clock_out"] is None  # Ana stopping never stops Ben
    assert op["status"] == "in_progress"
    _problem(await plant.op("WO-1", "10", "leave", who="op-ana"), 409, "not_clocked_in")
    _problem(await plant.op("WO-1", "10", "pause", {}), 422, "validation_failed")
    paused_op = ok(await plant.op("WO-1", "10", "pause", {"reason": "Mould change"}, who="op-ben"))
    assert paused_op["pause_reason"] == "Mould change"  # the station shows why it stands
    _problem(await plant.op("WO-1", "10", "yield", {"good": "1"}, who="op-ben"), 409, "invalid_transition")
    resumed = ok(await plant.op("WO-1", "10", "resume", {"reason": "Mould fitted"}, who="op-ben"))
    assert resumed["pause_reason"] is None
    done = ok(await plant.op("WO-1", "10", "complete", {"good": "10"}, who="op-ben"))
    assert all(c["clock_out"] is not None for c in done["labour"])
    assert await plant.topics(prefix="work_orders.operation_") == [
        "work_orders.operation_started.v1",
        "work_orders.operation_paused.v1",
        "work_orders.operation_resumed.v1",
        "work_orders.operation_completed.v1",
    ]
    completed = (await plant.payloads("work_orders.operation_completed.v1"))[0]
    assert sorted(completed["operators"]) == ["op-ana", "op-ben"]
    paused = (await plant.payloads("work_orders.operation_paused.v1"))[0]
    assert paused["reason"] == "Mould change"


async def test_tolerance_over_is_refused_and_under_needs_a_decision_and_loss_is_recorded(
    plant: Plant,
) -> None:
    await plant.order("WO-1", "10", over_tolerance_pct="10", under_tolerance_pct="0")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    _problem(await plant.op("WO-1", "10", "yield", {"good": "12"}), 409, "over_tolerance")
    ok(await plant.op("WO-1", "10", "yield", {"good": "11"}))  # 10 % over is allowed
    ok(await plant.op("WO-1", "10", "complete", {}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    # 11 came in, 8 good and 1 scrapped: 2 lost in the process
    body = _problem(
        await plant.op(
            "WO-1", "20", "complete", {"good": "8", "scrap": [{"quantity": "1", "reason": "scratched"}]}
        ),
        409,
        "under_tolerance",
    )
    assert body["good"] == "8"
    order = await plant.get_order("WO-1")
    assert order["operations"][1]["status"] == "in_progress" and order["operations"][1]["good"] == "0"
    short = {
        "good": "8",
        "scrap": [{"quantity": "1", "reason": "scratched"}],
        "accept_short": True,
        "reason": "resin ran out",
    }
    # completing short is a supervisor's decision (issue 16), with a reason
    _problem(await plant.op("WO-1", "20", "complete", short), 403, "short_needs_supervisor")
    supervisor = plant.h.auth(*OPERATOR, "workorder:dispatch", sub="sup-eva")
    url = f"{W}/orders/WO-1/operations/20/complete"
    no_reason = {**short, "reason": None}
    r = await plant.h.client.post(url, json=no_reason, headers=supervisor)
    assert r.status_code == 422 and r.json()["code"] == "short_needs_reason", r.text
    done = ok(await plant.h.client.post(url, json=short, headers=supervisor))
    assert (done["process_loss"], done["work_order_status"]) == ("2", "completed")
    order = await plant.get_order("WO-1")
    assert (order["good"], order["scrap"], order["process_loss"], order["short"]) == ("8", "1", "2", True)


async def test_each_serial_records_exactly_its_components(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP)
    await plant.post(
        f"{M}/items",
        {"code": "MOTOR", "name": "Motor", "kind": "intermediate", "uom": "pcs", "tracking": "serial"},
        admin,
        201,
    )
    await plant.post(
        f"{M}/items",
        {"code": "FAN", "name": "Fan", "kind": "finished", "uom": "pcs", "tracking": "serial"},
        admin,
        201,
    )
    bom = {
        "version": "A",
        "valid_from": "2020-01-01",
        "lines": [
            {"component": "MOTOR", "quantity": "1", "uom": "pcs"},
            {"component": "PP-RESIN", "quantity": "0.2", "uom": "kg"},
        ],
    }
    await plant.post(f"{M}/items/FAN/boms", bom, admin, 201)
    for serial in ("M-1", "M-2"):
        await plant.post(
            f"{M}/lots", {"code": serial, "item": "MOTOR", "quantity": "1", "location": "L1-SIDE"}, admin, 201
        )
    await plant.post(f"{W}/products", {"code": "FAN"}, plant.planner(), 201)
    routing = {
        "version": "1",
        "operations": [
            {
                "seq": 10,
                "name": "Assemble fan",
                "work_center": "WC-ASSY",
                "setup_minutes": "0",
                "run_minutes_per_unit": "5",
                "materials": [{"item": "MOTOR"}, {"item": "PP-RESIN"}],
            }
        ],
    }
    await plant.post(f"{W}/products/FAN/routings", routing, plant.planner(), 201)
    await plant.post(
        f"{W}/orders",
        {"number": "WO-F", "product": "FAN", "quantity": "2", "due": "2030-01-10T12:00:00Z"},
        plant.planner(),
        201,
    )
    await plant.post(f"{W}/orders/WO-F/release", {}, plant.planner())
    ok(await plant.op("WO-F", "10", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-F", "10", "consume", {"lot": "M-1", "quantity": "1"}, key_header="s1"))
    ok(await plant.op("WO-F", "10", "consume", {"lot": "M-2", "quantity": "1"}, key_header="s2"))
    fan1 = {
        "code": "FAN-0001",
        "quantity": "1",
        "location": "FG",
        "inputs": [{"lot": "M-1"}, {"lot": "R-001", "quantity": "0.2"}],
    }
    ok(await plant.op("WO-F", "10", "produce", fan1, key_header="p1"), 201)
    # M-1 is already in FAN-0001: it can't show under FAN-0002 too
    fan2 = {"code": "FAN-0002", "quantity": "1", "location": "FG", "inputs": [{"lot": "M-1"}]}
    _problem(await plant.op("WO-F", "10", "produce", fan2, key_header="p2"), 409, "component_already_used")
    fan2["inputs"] = [{"lot": "M-2"}, {"lot": "R-001", "quantity": "0.2"}]
    ok(await plant.op("WO-F", "10", "produce", fan2, key_header="p3"), 201)
    built = ok(await plant.h.client.get(f"{W}/orders/WO-F/as-built", headers=plant.planner()))
    genealogy = {o["code"]: [(c["lot"], c["quantity"]) for c in o["components"]] for o in built["outputs"]}
    assert genealogy == {
        "FAN-0001": [("M-1", "1"), ("R-001", "0.2")],
        "FAN-0002": [("M-2", "1"), ("R-001", "0.2")],
    }
    assert all(o["serial"] for o in built["outputs"])
    # every consumption, with the unit it went into (the office's order page lists them)
    assert sorted((c["lot"], c["quantity"], c["output"]) for c in built["consumed"]) == [
        ("M-1", "1", "FAN-0001"),
        ("M-2", "1", "FAN-0002"),
        ("R-001", "0.2", "FAN-0001"),
        ("R-001", "0.2", "FAN-0002"),
    ]
    assert (await plant.lot("FAN-0002"))["quantity"] == "1"
    assert (await plant.lot("R-001"))["quantity"] == "99.6"


async def _audit(plant: Plant, action: str) -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    async with plant.h.db("work-orders").transaction() as s:
        rows = await s.execute(
            text("SELECT actor, entity_id, new FROM audit_log WHERE action = :a ORDER BY id"), {"a": action}
        )
        return [(r.actor, r.entity_id, r.new) for r in rows]


async def test_the_equipment_must_be_a_machine_of_the_operations_work_center(plant: Plant) -> None:
    """Issue 10.1: a start on a machine of another work center, on the work center itself while
    it has machines, or on the enterprise node escaped the work center's requirements."""
    admin = plant.h.auth(*SETUP)
    await plant.post(f"{R}/skills", {"code": "PRESS-SAFETY", "name": "Press safety"}, admin, 201)
    requirement = {"equipment_code": "WC-MOULD", "skill": "PRESS-SAFETY", "min_level": 1}
    await plant.post(f"{R}/requirements", requirement, admin, 201)
    await plant.order("WO-1", "10")
    before = await _snapshot(plant)
    for equipment, code, reason in (
        ("ASSY-1", "wrong_equipment", "equipment_not_in_work_center"),  # a bench of assembly
        ("ACME", "wrong_equipment", "equipment_not_a_machine"),  # the enterprise
        ("PLANT-1", "wrong_equipment", "equipment_not_a_machine"),
        ("PROD", "wrong_equipment", "equipment_not_a_machine"),
        ("WC-MOULD", "wrong_equipment", "equipment_not_a_machine"),  # it has presses: name one
        ("IMM-1", "operator_not_qualified", "skill_missing"),  # the work center's requirement
    ):
        body = _problem(await plant.op("WO-1", "10", "start", {"equipment": equipment}), 409, code)
        assert reason in [r["code"] for r in body["reasons"]], body
        assert await _snapshot(plant) == before
    # no equipment named and none assigned: the work center, which has presses, is refused too
    _problem(await plant.op("WO-1", "10", "start", {}), 409, "wrong_equipment")
    # qualified now: the press of the work center starts
    await plant.post(f"{R}/persons/op-ana/qualifications", {"skill": "PRESS-SAFETY", "level": 1}, admin)
    started = ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-2"}))
    assert (started["status"], started["equipment"]) == ("in_progress", "IMM-2")


async def test_a_work_center_without_machines_is_its_own_equipment(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP)
    body = {"code": "WC-PACK", "name": "Packing", "level": "work_center", "parent_code": "PROD"}
    await plant.post(f"{R}/equipment", body, admin, 201)
    await plant.h.deliver()
    routing = {
        "version": "2",
        "operations": [
            {"seq": 10, "name": "Pack", "work_center": "WC-PACK", "setup_minutes": "0", "run_minutes_per_unit": "1",
             "skills": [{"code": "ASSEMBLY", "min_level": 1}]},
        ],
    }  # fmt: skip
    await plant.post(f"{W}/products/KIT-100/routings", routing, plant.planner(), 201)
    await plant.order("WO-P", "5", routing_version="2")
    _problem(await plant.op("WO-P", "10", "start", {"equipment": "ASSY-1"}), 409, "wrong_equipment")
    started = ok(await plant.op("WO-P", "10", "start", {}, who="op-ben"))
    assert started["equipment"] == "WC-PACK"


async def test_refused_starts_and_joins_are_on_the_audit_record(plant: Plant) -> None:
    """Issue 10.4: a start refused for a missing skill or an expired certification left no audit
    row in any service; the refusal is audited (who, where, why) while the start changes nothing."""
    admin = plant.h.auth(*SETUP)
    await plant.post(f"{R}/skills", {"code": "PRESS-SAFETY", "name": "Press safety"}, admin, 201)
    requirement = {"equipment_code": "WC-MOULD", "skill": "PRESS-SAFETY", "min_level": 1}
    await plant.post(f"{R}/requirements", requirement, admin, 201)
    expired = {"skill": "PRESS-SAFETY", "level": 1, "expires_on": "2020-01-31"}
    await plant.post(f"{R}/persons/op-ana/qualifications", expired, admin)
    await plant.order("WO-1", "10")
    before = await _snapshot(plant)
    body = _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}), 409, "operator_not_qualified"
    )
    assert [r["code"] for r in body["reasons"]] == ["certification_expired"]
    _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}, who="op-carl"),
        409,
        "operator_not_qualified",
    )
    _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "ASSY-1"}, who="op-ben"), 409, "wrong_equipment"
    )
    assert await _snapshot(plant) == before  # nothing started, nothing announced
    refused = await _audit(plant, "operation.start_refused")
    assert [(actor, entity, new["equipment"], new["code"]) for actor, entity, new in refused] == [
        ("op-ana", "WO-1/10", "IMM-1", "operator_not_qualified"),
        ("op-carl", "WO-1/10", "IMM-1", "operator_not_qualified"),
        ("op-ben", "WO-1/10", "ASSY-1", "wrong_equipment"),
    ]
    assert [r["code"] for r in refused[0][2]["reasons"]] == ["certification_expired"]
    assert {"skill_missing"} <= {r["code"] for r in refused[1][2]["reasons"]}
    # renewed, op-ana starts; op-carl, without the moulding skill, can't join: audited too
    await plant.post(f"{R}/persons/op-ana/qualifications", {**expired, "expires_on": "2099-12-31"}, admin)
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    _problem(await plant.op("WO-1", "10", "join", {}, who="op-carl"), 409, "operator_not_qualified")
    joins = await _audit(plant, "operation.join_refused")
    assert [(a, e, n["equipment"]) for a, e, n in joins] == [("op-carl", "WO-1/10", "IMM-1")]
    order = await plant.get_order("WO-1")
    assert [c["operator"] for c in order["operations"][0]["labour"]] == ["op-ana"]
