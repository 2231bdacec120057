"""Issue 10 item 8: the OpenAPI documents tell tools what the API does: who needs a token, where a
created resource lives, how to walk from it, the password policy, realistic examples."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mes.platform.registry import SERVICES
from mes.platform.testing import Harness
from services.material.conftest import open_orders

M = "/api/v1/material"
# consuming asks work orders whether the order is open, with the caller's token
MATERIAL = (
    "material:read",
    "material:master:write",
    "material:lot:receive",
    "material:lot:consume",
    "workorder:read",
)


async def _doc(h: Harness, prefix: str) -> dict[str, Any]:
    r = await h.client.get(f"/api/v1/{prefix}/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


async def test_every_protected_operation_declares_the_bearer_scheme(harness: Harness) -> None:
    for service in SERVICES:
        doc = await _doc(harness, service.prefix)
        assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if "x-permission" in op:
                    assert op["security"] == [{"bearer": []}], (service.name, method, path)
    login = (await _doc(harness, "auth"))["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == []


async def test_a_new_users_password_is_documented_as_the_policy_checks_it(harness: Harness) -> None:
    schemas = (await _doc(harness, "auth"))["components"]["schemas"]
    for name, field in (("UserCreate", "password"), ("PasswordReset", "new_password")):
        prop = schemas[name]["properties"][field]
        assert (prop["minLength"], prop["maxLength"]) == (12, 128), name


async def test_code_fields_have_their_own_examples(harness: Harness) -> None:
    props = (await _doc(harness, "material"))["components"]["schemas"]["LotReceive"]["properties"]
    examples = {name: props[name]["examples"][0] for name in ("item", "location")}
    assert examples == {"item": "PP-RESIN", "location": "WH-01"}
    consume = (await _doc(harness, "material"))["components"]["schemas"]["Consume"]["properties"]
    assert consume["work_order"]["examples"] == ["WO-2026-0042"]


async def test_created_resources_have_a_location_and_links_to_what_acts_on_them(harness: Harness) -> None:
    doc = await _doc(harness, "material")
    answer = doc["paths"][f"{M}/lots"]["post"]["responses"]["201"]
    assert "Location" in answer["headers"]
    get_lot = doc["paths"][f"{M}/lots/{{code}}"]["get"]["operationId"]
    assert answer["links"][get_lot]["parameters"] == {"code": "$response.body#/code"}
    orders = (await _doc(harness, "workorders"))["paths"]["/api/v1/workorders/orders"]["post"]
    targets = {link["operationId"] for link in orders["responses"]["201"]["links"].values()}
    assert any("release" in t for t in targets) and any(t.startswith("get_work_order_") for t in targets), (
        targets
    )

    auth = harness.auth(*MATERIAL)
    for path, body in (
        ("/locations", {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"}),
        ("/items", {"code": "PP-RESIN", "name": "Resin", "kind": "raw", "uom": "kg"}),
        ("/lots", {"code": "R-001", "item": "PP-RESIN", "quantity": "50", "location": "WH-01"}),
    ):
        r = await harness.client.post(M + path, json=body, headers=auth)
        assert r.status_code == 201, r.text
        assert r.headers["location"] == f"{M}{path}/{quote(body['code'], safe='')}"
        again = await harness.client.get(r.headers["location"], headers=auth)
        assert again.status_code == 200 and again.json()["code"] == body["code"], again.text


async def test_items_locations_boms_and_an_orders_consumptions_can_be_read_back(harness: Harness) -> None:
    auth = harness.auth(*MATERIAL)

    async def post(path: str, body: dict[str, Any]) -> Any:
        r = await harness.client.post(M + path, json=body, headers=auth)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def get(path: str) -> Any:
        r = await harness.client.get(M + path, headers=auth)
        assert r.status_code == 200, r.text
        return r.json()

    await post("/locations", {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"})
    await post("/locations", {"code": "L1-SIDE", "name": "Line side", "kind": "line_side"})
    await post("/items", {"code": "PP-RESIN", "name": "Resin", "kind": "raw", "uom": "kg"})
    await post("/items", {"code": "KIT-100", "name": "Kit", "kind": "finished", "uom": "pcs"})
    bom = {
        "version": "A",
        "valid_from": "2020-01-01",
        "lines": [{"component": "PP-RESIN", "quantity": "0.5", "uom": "kg"}],
    }
    await post("/items/KIT-100/boms", bom)
    await post("/lots", {"code": "R-001", "item": "PP-RESIN", "quantity": "50", "location": "L1-SIDE"})
    await open_orders(harness, "WO-7", product="KIT-100")  # stock is booked only against real orders
    for qty, op in (("5", "10"), ("2.5", "20")):
        body = {"quantity": qty, "work_order": "WO-7", "operation": op}
        r = await harness.client.post(
            f"{M}/lots/R-001/consume", json=body, headers={**auth, "Idempotency-Key": f"c-{op}"}
        )
        assert r.status_code in (200, 201), r.text

    items = await get("/items")
    assert [i["code"] for i in items["items"]] == ["KIT-100", "PP-RESIN"] and items["total"] == 2
    assert [i["code"] for i in (await get("/items?kind=raw"))["items"]] == ["PP-RESIN"]
    assert [loc["code"] for loc in (await get("/locations"))["items"]] == ["L1-SIDE", "WH-01"]
    assert (await get("/locations/WH-01"))["kind"] == "warehouse"
    boms = await get("/items/KIT-100/boms")
    assert [(b["version"], b["lines"][0]["component"], b["lines"][0]["quantity"]) for b in boms] == [
        ("A", "PP-RESIN", "0.5")
    ]
    used = await get("/consumptions?work_order=WO-7")
    assert [(c["lot"], c["quantity"], c["uom"], c["operation"]) for c in used["items"]] == [
        ("R-001", "5", "kg", "10"),
        ("R-001", "2.5", "kg", "20"),
    ]
    assert (await get("/consumptions?work_order=WO-8"))["total"] == 0
    r = await harness.client.get(f"{M}/locations/NOWHERE", headers=auth)
    assert r.status_code == 404
