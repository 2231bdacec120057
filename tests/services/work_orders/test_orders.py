"""Routings, the work order state machine (checked and audited) and the routing snapshot at release."""

from sqlalchemy import text

from mes.contracts.quality import WorkOrderHoldRequested, WorkOrderReleaseRequested
from mes.platform.events import Envelope

from .conftest import Plant, W, ok


async def test_routing_takes_its_materials_from_the_bom_and_is_checked(plant: Plant) -> None:
    routing = ok(await plant.h.client.get(f"{W}/products/KIT-100/routings/1", headers=plant.planner()))
    assert routing["bom_version"] == "A"
    assert [o["materials"] for o in routing["operations"]] == [
        [{"item": "PP-RESIN", "quantity": "0.5", "uom": "kg"}],
        [{"item": "LABEL", "quantity": "1", "uom": "pcs"}],
    ]
    assert routing["operations"][-1]["output_item"] == "KIT-100"
    bad = {
        "version": "2",
        "operations": [
            {
                "seq": 10,
                "name": "Paint",
                "work_center": "WC-PAINT",
                "setup_minutes": "0",
                "run_minutes_per_unit": "1",
            }
        ],
    }
    r = await plant.h.client.post(f"{W}/products/KIT-100/routings", json=bad, headers=plant.planner())
    assert (r.status_code, r.json()["code"]) == (422, "unknown_work_center")
    bad["operations"][0] |= {"work_center": "WC-ASSY", "materials": [{"item": "MB-BLUE"}]}
    r = await plant.h.client.post(f"{W}/products/KIT-100/routings", json=bad, headers=plant.planner())
    assert (r.status_code, r.json()["code"]) == (422, "invalid_routing")
    r = await plant.h.client.post(
        f"{W}/products/KIT-100/routings",
        json={"version": "1", "operations": bad["operations"][:0]},
        headers=plant.planner(),
    )
    assert r.status_code == 422
    assert len(ok(await plant.h.client.get(f"{W}/products/KIT-100/routings", headers=plant.planner()))) == 1


async def test_every_transition_is_checked_and_audited(plant: Plant) -> None:
    await plant.order("WO-1", "10", release=False)
    p = plant.planner()
    for action, body, status in (
        ("close", {}, "planned"),
        ("resume", {}, "planned"),
    ):
        r = await plant.h.client.post(f"{W}/orders/WO-1/{action}", json=body, headers=p)
        assert (r.status_code, r.json()["code"], r.json()["current_status"]) == (
            409,
            "invalid_transition",
            status,
        )
    assert (
        ok(await plant.h.client.post(f"{W}/orders/WO-1/release", json={}, headers=p))["status"] == "released"
    )
    r = await plant.h.client.post(f"{W}/orders/WO-1/release", json={}, headers=p)
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert (await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Tool broken"}, p))["status"] == "on_hold"
    r = await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert (await plant.post(f"{W}/orders/WO-1/resume", {"reason": "Tool fixed"}, p))["status"] == "released"
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Shortage"}, p)
    r = await plant.h.client.post(f"{W}/orders/WO-1/cancel", json={"reason": "x"}, headers=p)
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")  # work has started
    assert (await plant.post(f"{W}/orders/WO-1/resume", {}, p))["status"] == "in_progress"
    ok(await plant.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "complete", {"good": "10"}))
    closed = await plant.post(f"{W}/orders/WO-1/close", {"reason": "Booked in ERP"}, p)
    assert closed["status"] == "closed"
    await plant.order("WO-2", "5", release=False)
    assert (await plant.post(f"{W}/orders/WO-2/cancel", {"reason": "Duplicate"}, p))["status"] == "cancelled"
    async with plant.h.db("work-orders").transaction() as s:
        trail = (
            await s.execute(
                text(
                    "SELECT action, old->>'status' AS old, new->>'status' AS new, reason FROM audit_log"
                    " WHERE entity_type = 'work_order' AND entity_id = 'WO-1' AND action <> 'work_order.created' ORDER BY id"
                )
            )
        ).all()
    assert [(t.action, t.old, t.new) for t in trail] == [
        ("work_order.release", "planned", "released"),
        ("work_order.hold", "released", "on_hold"),
        ("work_order.resume", "on_hold", "released"),
        ("work_order.start", "released", "in_progress"),
        ("work_order.hold", "in_progress", "on_hold"),
        ("work_order.resume", "on_hold", "in_progress"),
        ("work_order.complete", "in_progress", "completed"),
        ("work_order.close", "completed", "closed"),
    ]
    assert trail[1].reason == "Tool broken"
    topics = await plant.topics(prefix="work_orders.work_order")
    assert topics.count("work_orders.work_order_on_hold.v1") == 2
    assert topics[-1] == "work_orders.work_order_cancelled.v1"


async def test_a_released_order_keeps_the_routing_it_was_released_with(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    v2 = {
        "version": "2",
        "operations": [
            {
                "seq": 10,
                "name": "Mould and label",
                "work_center": "WC-MOULD",
                "setup_minutes": "5",
                "run_minutes_per_unit": "3",
            }
        ],
    }
    await plant.post(f"{W}/products/KIT-100/routings", v2, plant.planner(), 201)
    order = await plant.get_order("WO-1")
    assert order["routing_version"] == "1"
    assert [o["name"] for o in order["operations"]] == ["Mould", "Assemble"]
    built = ok(await plant.h.client.get(f"{W}/orders/WO-1/as-built", headers=plant.planner()))
    assert [s["name"] for s in built["planned"]] == ["Mould", "Assemble"]
    fresh = await plant.order("WO-2", "10")
    assert (fresh["routing_version"], [o["name"] for o in fresh["operations"]]) == ("2", ["Mould and label"])


async def test_a_quality_hold_blocks_the_orders_operations_until_released(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    bus = plant.h.runtimes["work-orders"].bus

    async def publish(event: WorkOrderHoldRequested | WorkOrderReleaseRequested) -> None:
        await bus.publish(
            Envelope(
                str(event.event_id),
                event.topic,
                event.aggregate_id,
                "quality",
                event.model_dump_json().encode(),
            )
        )

    hold = WorkOrderHoldRequested(
        work_order="WO-1", reason="Sink marks", reference="NCR-7", requested_by="qe-lena"
    )
    await publish(hold)
    await publish(hold)  # redelivered: handled once
    r = await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"})
    assert (r.status_code, r.json()["code"]) == (409, "quality_hold")
    assert "NCR-7" in r.json()["detail"]
    assert (await plant.get_order("WO-1"))["quality_hold"] == "Sink marks (NCR-7)"
    await publish(
        WorkOrderReleaseRequested(work_order="WO-1", reason="Retest passed", requested_by="qe-lena")
    )
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    async with plant.h.db("work-orders").transaction() as s:
        actors = (
            (
                await s.execute(
                    text("SELECT actor FROM audit_log WHERE action LIKE 'work_order.quality%' ORDER BY id")
                )
            )
            .scalars()
            .all()
        )
    assert actors == ["quality:qe-lena", "quality:qe-lena"]
