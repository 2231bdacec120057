"""The as-built record of a serial, on a hand-built history: operations planned against as built
(inserted rework, skipped), operators, equipment, times, material at each operation (per unit where
serials name their components), step values, quality's inspections, deviations; the route."""

from __future__ import annotations

from decimal import Decimal

from mes.contracts import quality as qa
from mes.contracts import work_orders as wo
from mes.platform.testing import Harness

from .conftest import Feed, get

T = "/api/v1/traceability"


async def build(feed: Feed) -> None:
    await feed.receive("PCB-1", "PCB", "2", uom="pcs")
    await feed.receive("GLUE-1", "GLUE", "5")
    await feed.order("WO-9", "PUMP", "2", ops=("10", "20", "30"), started=("10", "20"))
    base = {"work_order": "WO-9", "product": "PUMP", "actor": "t"}

    def completed(op: str, equipment: str, **kw: object) -> wo.OperationCompleted:
        started, done = feed.at(), feed.at()
        values: dict[str, object] = {
            "good": Decimal(2),
            "scrap": Decimal(0),
            "scrap_reasons": [],
            "rework": Decimal(0),
            "process_loss": Decimal(0),
            "elapsed_minutes": Decimal(1),
            "paused_minutes": Decimal(0),
            "run_minutes": Decimal(1),
            "labour": [],
            "operators": ["op-ana"],
            **kw,
        }
        return wo.OperationCompleted(
            **base,
            occurred_at=done,
            operation=op,
            name="Rework solder" if op == "20-R1" else f"Op {op}",
            work_center="WC-1",
            equipment=equipment,
            started_at=started,
            completed_at=done,
            **values,  # type: ignore[arg-type]
        )

    await feed.consume("GLUE-1", "GLUE", "1.5", "3.5", "WO-9", "10")
    await feed.consume("PCB-1", "PCB", "2", "0", "WO-9", "20", uom="pcs")
    await feed.send(
        wo.StepRecorded(
            **base,
            occurred_at=feed.at(),
            operation="10",
            name="Op 10",
            work_center="WC-1",
            equipment="M-10",
            step="TORQUE",
            title="Torque",
            kind="number",
            value="4.2",
            unit="Nm",
            passed=True,
            required=True,
            corrected=False,
            at=feed.at(),
        )
    )
    await feed.send(
        completed(
            "10",
            "M-10B",  # started on M-10, finished on M-10B
            scrap=Decimal(1),
            scrap_reasons=[wo.ScrapReason(reason="cracked housing", quantity=Decimal(1))],
            operators=["op-ana", "op-ben"],
        )
    )
    await feed.send(completed("20", "M-20"))
    # a rework operation inserted while running: not in the release
    await feed.send(
        wo.OperationStarted(
            **base,
            occurred_at=feed.at(),
            operation="20-R1",
            name="Rework solder",
            work_center="WC-1",
            equipment="M-20",
            operator="op-cem",
        )
    )
    await feed.send(
        qa.InspectionRecorded(
            occurred_at=feed.at(),
            task="IT-5",
            plan="IP-PUMP",
            plan_version=2,
            kind="in_process",
            item="PUMP",
            lot_code=None,
            serial=None,
            work_order="WO-9",
            operation="20",
            equipment="M-20",
            operator="qa-lea",
            verdict="failed",
        )
    )
    await feed.send(
        qa.InspectionFailed(
            occurred_at=feed.at(),
            task="IT-5",
            item="PUMP",
            lot_code=None,
            work_order="WO-9",
            operation="20",
            equipment="M-20",
            operator="qa-lea",
            failed=[
                qa.FailedCharacteristic(
                    characteristic="SOLDER", values=[0.0], lsl=None, usl=None, defects={"void": 1}
                )
            ],
            ncr="NCR-7",
        )
    )
    await feed.send(completed("20-R1", "M-20", rework=Decimal(1), operators=["op-cem"]))
    # serials name their board; the glue is the order's, shared by both
    await feed.produce(
        "SN-1", "PUMP", "1", "WO-9", "20-R1", inputs=(("PCB-1", "PCB", "1"),), tracking="serial"
    )
    await feed.produce(
        "SN-2", "PUMP", "1", "WO-9", "20-R1", inputs=(("PCB-1", "PCB", "1"),), tracking="serial"
    )
    await feed.send(
        qa.InspectionRecorded(
            occurred_at=feed.at(),
            task="IT-6",
            plan="IP-PUMP-FINAL",
            plan_version=1,
            kind="final",
            item="PUMP",
            lot_code=None,
            serial="SN-1",
            work_order="WO-9",
            operation=None,
            equipment=None,
            operator="qa-lea",
            verdict="passed",
        )
    )
    await feed.send(
        wo.WorkOrderCompleted(
            **base,
            occurred_at=feed.at(),
            quantity=Decimal(2),
            good=Decimal(2),
            scrap=Decimal(1),
            process_loss=Decimal(0),
            short=False,
            reason=None,
        )
    )


async def test_the_as_built_record_of_a_serial(harness: Harness, feed: Feed) -> None:
    await build(feed)
    record = await get(harness, "/as-built/SN-1")
    assert (record["work_order"], record["order_status"], record["produced_at_operation"]) == (
        "WO-9",
        "completed",
        "20-R1",
    )
    ops = {o["key"]: o for o in record["operations"]}
    assert list(ops) == ["10", "20", "20-R1", "30"]
    assert {k: (o["planned"], o["rework"], o["state"]) for k, o in ops.items()} == {
        "10": (True, False, "done"),
        "20": (True, False, "done"),
        "20-R1": (False, True, "done"),
        "30": (True, False, "skipped"),  # released, never run, and the order is complete
    }
    op10 = ops["10"]
    assert (op10["equipment"], op10["completed_on"], op10["operators"]) == (
        "M-10",
        "M-10B",
        ["op-ana", "op-ben"],
    )
    assert (op10["good"], op10["scrap"]) == ("2", "1") and op10["started_at"] and op10["completed_at"]
    assert [(m["lot"], m["quantity"], m["basis"]) for m in op10["material"]] == [("GLUE-1", "1.5", "order")]
    # the board: SN-1's own one, not the two the order consumed
    assert [(m["lot"], m["quantity"], m["basis"]) for m in ops["20"]["material"]] == [
        ("PCB-1", "1", "per_unit")
    ]
    assert [(s["step"], s["value"], s["unit"], s["passed"]) for s in op10["steps"]] == [
        ("TORQUE", "4.2", "Nm", True)
    ]
    [inspection] = ops["20"]["inspections"]
    assert (inspection["task"], inspection["verdict"], inspection["ncr"]) == ("IT-5", "failed", "NCR-7")
    assert inspection["failed"][0]["characteristic"] == "SOLDER"
    assert [(i["task"], i["verdict"]) for i in record["inspections"]] == [("IT-6", "passed")]
    assert ops["20-R1"]["operators"] == ["op-cem"] and ops["20-R1"]["rework_quantity"] == "1"
    assert sorted((d["kind"], d["operation"]) for d in record["deviations"]) == [
        ("equipment_changed", "10"),
        ("inspection_failed", "20"),
        ("operation_inserted", "20-R1"),
        ("operation_skipped", "30"),
        ("rework", "20-R1"),
        ("scrap", "10"),
    ]
    # SN-2 shares the order's record but not SN-1's final inspection
    other = await get(harness, "/as-built/SN-2")
    assert other["inspections"] == []


async def test_the_as_built_route_is_permissioned_and_unknown_serials_are_problems(
    harness: Harness, feed: Feed
) -> None:
    await build(feed)
    r = await harness.client.get(f"{T}/as-built/SN-1", headers=harness.auth("material:read"))
    assert r.status_code == 403
    r = await harness.client.get(f"{T}/as-built/SN-404", headers=harness.auth("traceability:read"))
    assert (r.status_code, r.json()["code"]) == (404, "trace_not_found")
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await harness.client.get(f"{T}/as-built/PCB-1", headers=harness.auth("traceability:read"))
    assert (r.status_code, r.json()["code"]) == (404, "as_built_not_found")  # received, not made here


async def test_the_as_built_record_is_the_same_whatever_order_the_events_arrive_in(
    harness: Harness, feed: Feed
) -> None:
    import random

    from .conftest import empty_projection

    await build(feed)
    first = await get(harness, "/as-built/SN-1")
    await empty_projection(harness)
    shuffled = list(feed.events) + feed.events[::3]  # reordered, partly twice
    random.Random(3).shuffle(shuffled)
    for event in shuffled:
        await feed.deliver(event)
    assert await get(harness, "/as-built/SN-1") == first
