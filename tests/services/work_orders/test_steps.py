"""Work instructions: ordered steps with typed fields, attachments, values as events; required steps
block completion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Plant, W, ok

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%test\n"


async def upload(plant: Plant, data: bytes, content_type: str, name: str = "mould.png") -> Any:
    return await plant.h.client.post(
        f"{W}/attachments",
        params={"filename": name},
        content=data,
        headers=plant.planner() | {"Content-Type": content_type},
    )


async def routing_with_steps(plant: Plant, attachment: str | None = None) -> None:
    steps = [
        {"code": "S1", "title": "Check the mould is clean", "text": "No residue on the cavity."}
        | ({"attachment": attachment} if attachment else {}),
        {
            "code": "S2",
            "title": "Melt temperature",
            "field": {"kind": "number", "unit": "°C", "min": "200", "max": "240"},
        },
        {"code": "S3", "title": "First part visual check", "field": {"kind": "pass_fail"}},
        {"code": "S4", "title": "Cavity", "field": {"kind": "choice", "choices": ["A", "B"]}},
        {"code": "S5", "title": "Scan the mould", "field": {"kind": "scan"}, "required": False},
        {"code": "S6", "title": "Remark", "field": {"kind": "text", "max_length": 20}, "required": False},
    ]
    routing = {
        "version": "2",
        "operations": [
            {
                "seq": 10,
                "name": "Mould",
                "work_center": "WC-MOULD",
                "setup_minutes": "30",
                "run_minutes_per_unit": "1.5",
                "skills": [{"code": "MOULDING", "min_level": 2}],
                "steps": steps,
            },
            {
                "seq": 20,
                "name": "Assemble",
                "work_center": "WC-ASSY",
                "setup_minutes": "0",
                "run_minutes_per_unit": "1",
            },
        ],
    }
    made = await plant.post(f"{W}/products/KIT-100/routings", routing, plant.planner(), 201)
    assert [s["code"] for s in made["operations"][0]["steps"]] == ["S1", "S2", "S3", "S4", "S5", "S6"]


async def step(plant: Plant, code: str, value: Any, number: str = "WO-1", key: str = "10") -> Any:
    return await plant.op(number, key, f"steps/{code}", {"value": value})


async def test_an_operator_walks_the_steps_and_required_ones_block_completion(plant: Plant) -> None:
    image = ok(await upload(plant, PNG, "image/png"), 201)
    await routing_with_steps(plant, image["id"])
    await plant.order("WO-1", "10", routing_version="2")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))

    listed = ok(await plant.h.client.get(f"{W}/orders/WO-1/operations/10/steps", headers=plant.operator()))
    assert [(s["position"], s["code"], s["required"], s["recorded"]) for s in listed][:3] == [
        (1, "S1", True, False),
        (2, "S2", True, False),
        (3, "S3", True, False),
    ]
    assert listed[0]["attachment"]["content_type"] == "image/png"
    assert listed[1]["field"] == {
        "kind": "number",
        "unit": "°C",
        "min": "200",
        "max": "240",
        "choices": [],
        "max_length": None,
    }
    # the picture the step shows comes back as uploaded
    got = await plant.h.client.get(f"{W}/attachments/{image['id']}", headers=plant.operator())
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"

    # completing before the required steps is refused with a clear code, and changes nothing
    r = await plant.op("WO-1", "10", "complete", {"good": "10"})
    assert r.status_code == 422 and r.json()["code"] == "steps_incomplete"
    assert r.json()["missing"] == ["S1", "S2", "S3", "S4"]

    ok(await step(plant, "S1", None))
    too_hot = await step(plant, "S2", "250")
    assert too_hot.status_code == 422 and too_hot.json()["code"] == "value_out_of_limits"
    assert (too_hot.json()["min"], too_hot.json()["max"], too_hot.json()["unit"]) == ("200", "240", "°C")
    assert too_hot.json()["detail"] == "250 °C is outside the limits of step S2: from 200 to 240 °C."
    assert (await step(plant, "S2", "warm")).json()["code"] == "invalid_step_value"
    assert (await step(plant, "S3", "yes")).json()["code"] == "invalid_step_value"
    assert (await step(plant, "S4", "C")).json()["code"] == "invalid_step_value"
    assert (await step(plant, "S6", "x" * 21)).json()["code"] == "invalid_step_value"
    assert (await step(plant, "S9", None)).json()["code"] == "step_not_found"
    recorded = ok(await step(plant, "S2", "221.5"))
    assert (recorded["value"], recorded["passed"], recorded["recorded_by"]) == ("221.5", True, "op-ana")
    ok(await step(plant, "S2", "222"))  # corrected
    ok(await step(plant, "S3", False))
    ok(await step(plant, "S4", "B"))
    ok(await step(plant, "S5", "MOULD-77"))

    done = ok(await plant.op("WO-1", "10", "complete", {"good": "10"}))
    assert done["status"] == "completed"
    listed = ok(await plant.h.client.get(f"{W}/orders/WO-1/operations/10/steps", headers=plant.operator()))
    assert [(s["code"], s["value"], s["passed"]) for s in listed] == [
        ("S1", None, None),
        ("S2", "222", True),
        ("S3", False, False),
        ("S4", "B", None),
        ("S5", "MOULD-77", None),
        ("S6", None, None),
    ]
    assert [s["recorded"] for s in listed] == [True, True, True, True, True, False]
    # each value recorded is published; the refused ones are not
    events = await plant.payloads("work_orders.step_recorded.v1")
    assert [(e["step"], e["kind"], e["value"], e["corrected"]) for e in events] == [
        ("S1", "confirm", None, False),
        ("S2", "number", "221.5", False),
        ("S2", "number", "222", True),
        ("S3", "pass_fail", "false", False),
        ("S4", "choice", "B", False),
        ("S5", "scan", "MOULD-77", False),
    ]
    assert events[1]["unit"] == "°C" and events[1]["work_order"] == "WO-1" and events[1]["operation"] == "10"
    # steps are recorded while the operation runs only
    late = await step(plant, "S6", "too late")
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"


async def test_an_operation_without_steps_completes_as_before(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    assert (
        ok(await plant.h.client.get(f"{W}/orders/WO-1/operations/10/steps", headers=plant.operator())) == []
    )
    assert ok(await plant.op("WO-1", "10", "complete", {"good": "10"}))["status"] == "completed"


async def test_attachment_limits(plant: Plant, monkeypatch: pytest.MonkeyPatch) -> None:
    r = await upload(plant, b"MZ\x90\x00", "application/x-msdownload", "tool.exe")
    assert r.status_code == 415 and r.json()["code"] == "unsupported_attachment"
    r = await upload(plant, PNG, "application/pdf", "fake.pdf")  # a PNG declared as a PDF
    assert r.status_code == 415
    monkeypatch.setenv("MES_WORK_ORDERS_ATTACHMENT_MAX_BYTES", "100")
    r = await upload(plant, PDF + b"x" * 200, "application/pdf", "big.pdf")
    assert r.status_code == 413 and r.json()["code"] == "attachment_too_large"
    made = ok(await upload(plant, PDF, "application/pdf", 'sheet "1"\r\n.pdf'), 201)
    assert made["size"] == len(PDF) and made["filename"] == 'sheet "1"\r\n.pdf'
    got = await plant.h.client.get(f"{W}/attachments/{made['id']}", headers=plant.operator())
    assert got.headers["content-disposition"] == 'inline; filename="sheet _1___.pdf"'
    # an operator may read instructions, not upload them
    r = await plant.h.client.post(
        f"{W}/attachments",
        params={"filename": "x.pdf"},
        content=PDF,
        headers=plant.operator() | {"Content-Type": "application/pdf"},
    )
    assert r.status_code == 403
    # a step naming an attachment that was never uploaded is refused
    routing = {
        "version": "9",
        "operations": [
            {
                "seq": 10,
                "name": "Mould",
                "work_center": "WC-MOULD",
                "setup_minutes": "0",
                "run_minutes_per_unit": "1",
                "steps": [
                    {"code": "S1", "title": "Look", "attachment": "00000000-0000-0000-0000-000000000001"}
                ],
            }
        ],
    }
    r = await plant.h.client.post(f"{W}/products/KIT-100/routings", json=routing, headers=plant.planner())
    assert r.status_code == 422 and r.json()["code"] == "unknown_attachment"
    routing["operations"][0]["steps"] = [  # type: ignore[index]
        {"code": "S1", "title": "Temp", "field": {"kind": "number", "min": "5", "max": "1"}}
    ]
    r = await plant.h.client.post(f"{W}/products/KIT-100/routings", json=routing, headers=plant.planner())
    assert r.status_code == 422


async def test_attachments_on_disk_by_configuration(
    plant: Plant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MES_WORK_ORDERS_ATTACHMENT_DIR", str(tmp_path))
    made = ok(await upload(plant, PDF, "application/pdf", "sheet.pdf"), 201)
    assert (tmp_path / made["id"]).read_bytes() == PDF
    got = await plant.h.client.get(f"{W}/attachments/{made['id']}", headers=plant.operator())
    assert got.content == PDF and got.headers["content-type"] == "application/pdf"
    async with plant.h.db("work-orders").transaction() as s:
        from sqlalchemy import text

        row = (await s.execute(text("SELECT storage, data FROM attachment"))).one()
    assert (row.storage, row.data) == ("disk", None)
