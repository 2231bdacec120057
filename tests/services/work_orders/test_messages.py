"""Issue 10 item 9: what a person reads in a refusal: plain quantities, one sentence, and what
material said about the lot kept when work orders passes its refusal on."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import SETUP, Plant, R, ok

W = "/api/v1/workorders"


def _problem(r: httpx.Response, status: int, code: str) -> Any:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code, body
    return body


async def test_a_refused_consumption_reads_plainly_and_keeps_materials_members(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    body = _problem(
        await plant.op("WO-1", "10", "consume", {"lot": "R-001", "quantity": "150"}, key_header="big"),
        409,
        "insufficient_quantity",
    )
    assert "holds 100 kg; 150 kg requested" in body["detail"], body["detail"]
    assert "000" not in body["detail"]
    # what material said about the lot reaches the terminal unchanged
    assert (body["lot"], body["available"]) == ("R-001", "100")


async def test_refusal_reasons_read_as_one_sentence(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    await plant.set_state("IMM-2", "down")
    body = _problem(
        await plant.op("WO-1", "10", "start", {"equipment": "IMM-2"}, who="op-carl"),
        409,
        "equipment_unavailable",
    )
    assert len(body["reasons"]) >= 2, body
    assert ".;" not in body["detail"] and body["detail"].endswith(" UTC."), body["detail"]
    assert "+00:00" not in body["detail"]


async def test_tolerance_refusals_show_plain_quantities(plant: Plant) -> None:
    await plant.order("WO-1", "10", over_tolerance_pct="10")
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    body = _problem(await plant.op("WO-1", "10", "yield", {"good": "12"}), 409, "over_tolerance")
    assert "would report 12 for 10 planned; the tolerance allows 11." in body["detail"], body["detail"]


async def test_levels_read_with_their_article(plant: Plant) -> None:
    admin = plant.h.auth(*SETUP, "resource:state:write")
    r = await plant.h.client.post(f"{R}/equipment/PLANT-1/state", json={"state": "down"}, headers=admin)
    assert r.status_code in (409, 422), r.text
    assert "is a site" in r.json()["detail"]
    area = {"code": "HALL-9", "name": "Hall 9", "level": "area"}
    r = await plant.h.client.post(f"{R}/equipment", json=area, headers=admin)
    assert r.status_code in (409, 422), r.text
    assert "an area needs a parent" in r.json()["detail"]
