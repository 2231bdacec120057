"""ERP inbound master data (B2MML V0700 and JSON): material definitions to items, material lots to
lots received, equipment to the equipment hierarchy; once per message id; a refused message writes
nothing anywhere and is dead-lettered with line, path and reason."""

import json
from typing import Any

from mes.platform.testing import Harness

from .conftest import call

M = "/api/v1/material"
R = "/api/v1/resource"
XML = "/api/v1/integration/erp/b2mml/master-data"
JSON = "/api/v1/integration/erp/json/master-data"
ERP = (
    "integration:message:send",
    "material:read",
    "material:master:write",
    "material:lot:receive",
    "resource:read",
    "resource:equipment:write",
)
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<{verb} xmlns="http://www.mesa.org/xml/B2MML" releaseID="V0700">
  <ApplicationArea>
    <Sender><LogicalID>SAP-PRD</LogicalID></Sender>
    <CreationDateTime>2026-12-01T08:00:00Z</CreationDateTime>
    <BODID>{bodid}</BODID>
  </ApplicationArea>
  <DataArea>
    <Process/>{body}
  </DataArea>
</{verb}>"""


def message(verb: str, bodid: str, body: str) -> bytes:
    return HEAD.format(verb=verb, bodid=bodid, body=body).encode()


def material(code: str, name: str, uom: str | None = "kg", kind: str | None = None, extra: str = "") -> str:
    props = ""
    if uom:
        props += f"<MaterialDefinitionProperty><ID>UnitOfMeasure</ID><Value><ValueString>{uom}</ValueString></Value></MaterialDefinitionProperty>"
    if kind:
        props += f"<MaterialDefinitionProperty><ID>ItemKind</ID><Value><ValueString>{kind}</ValueString></Value></MaterialDefinitionProperty>"
    return f"""
    <MaterialDefinition>
      <ID>{code}</ID>
      <Description>{name}</Description>{extra}{props}
    </MaterialDefinition>"""


def lot(code: str, item: str, qty: str, location: str = "WH-1", status: str = "quarantine") -> str:
    return f"""
    <MaterialLot>
      <ID>{code}</ID>
      <MaterialDefinitionID>{item}</MaterialDefinitionID>
      <Status>{status}</Status>
      <MaterialLotProperty><ID>SupplierLot</ID><Value><ValueString>S-{code}</ValueString></Value></MaterialLotProperty>
      <StorageLocation>{location}</StorageLocation>
      <Quantity><QuantityString>{qty}</QuantityString><UnitOfMeasure>kg</UnitOfMeasure></Quantity>
    </MaterialLot>"""


async def send(h: Harness, body: bytes, url: str = XML, ctype: str = "application/xml") -> Any:
    return await h.client.post(
        url, content=body, headers={**h.auth(*ERP, sub="erp-sap"), "content-type": ctype}
    )


async def get(h: Harness, path: str) -> Any:
    return await h.client.get(path, headers=h.auth("material:read", "resource:read"))


async def item_codes(h: Harness) -> list[str]:
    return sorted(i["code"] for i in (await get(h, f"{M}/items")).json()["items"])


async def lot_codes(h: Harness) -> list[str]:
    return sorted(i["code"] for i in (await get(h, f"{M}/lots")).json()["items"])


async def letters(h: Harness) -> list[dict[str, Any]]:
    return list((await call(h, "GET", "/message-dead-letters?source=erp"))["items"])


async def warehouse(h: Harness) -> None:
    r = await h.client.post(
        f"{M}/locations",
        json={"code": "WH-1", "name": "Warehouse", "kind": "warehouse"},
        headers=h.auth("material:master:write"),
    )
    assert r.status_code == 201, r.text


async def test_material_definitions_and_lots_are_created_once(harness: Harness) -> None:
    await warehouse(harness)
    defs = message(
        "ProcessMaterialDefinition",
        "MD-1",
        material("RESIN-7", "PP resin") + material("BOX-2", "Carton", uom="pcs", kind="packaging"),
    )
    first = await send(harness, defs)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "message_id": "MD-1",
        "accepted": True,
        "duplicate": False,
        "created": ["RESIN-7", "BOX-2"],
        "existing": [],
    }
    resin = (await get(harness, f"{M}/items/RESIN-7")).json()
    assert (resin["name"], resin["kind"], resin["uom"]) == ("PP resin", "raw", "kg")
    assert (await get(harness, f"{M}/items/BOX-2")).json()["kind"] == "packaging"
    again = await send(harness, defs)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["created"] == ["RESIN-7", "BOX-2"]
    reused = await send(harness, message("ProcessMaterialDefinition", "MD-1", material("X-1", "X")))
    assert reused.status_code == 409 and reused.json()["code"] == "message_id_reused"
    assert await item_codes(harness) == ["BOX-2", "RESIN-7"]

    lots = message(
        "ProcessMaterialLot", "ML-1", lot("L-100", "RESIN-7", "25.5") + lot("L-101", "RESIN-7", "10")
    )
    r = await send(harness, lots)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == ["L-100", "L-101"]
    got = (await get(harness, f"{M}/lots/L-100")).json()
    assert (got["item"], got["quantity"], got["status"], got["location"]) == (
        "RESIN-7",
        "25.5",
        "quarantine",
        "WH-1",
    )
    assert got["supplier_lot"] == "S-L-100"
    assert (await send(harness, lots)).json()["duplicate"] is True
    assert await lot_codes(harness) == ["L-100", "L-101"]

    # the same lot in a new message (an ERP that resends under a new id): existing, not twice
    r = await send(harness, message("ProcessMaterialLot", "ML-2", lot("L-100", "RESIN-7", "25.5")))
    assert r.status_code == 200 and r.json()["existing"] == ["L-100"] and r.json()["created"] == []


async def test_equipment_hierarchy_from_b2mml_and_json(harness: Harness) -> None:
    top = "<Equipment><ID>ACME</ID><EquipmentLevel><EquipmentID>ACME</EquipmentID><EquipmentElementLevel>Enterprise</EquipmentElementLevel></EquipmentLevel></Equipment>"
    r = await send(harness, message("ProcessEquipment", "EQ-0", top))
    assert r.status_code == 200, r.text
    body = """
    <Equipment>
      <ID>LYON</ID><Description>Lyon plant</Description>
      <HierarchyScope><EquipmentID>ACME</EquipmentID><EquipmentElementLevel>Enterprise</EquipmentElementLevel></HierarchyScope>
      <EquipmentLevel><EquipmentID>LYON</EquipmentID><EquipmentElementLevel>Site</EquipmentElementLevel></EquipmentLevel>
      <Equipment>
        <ID>MOULDING</ID><Description>Moulding</Description>
        <EquipmentLevel><EquipmentID>MOULDING</EquipmentID><EquipmentElementLevel>Area</EquipmentElementLevel></EquipmentLevel>
        <Equipment>
          <ID>LINE-1</ID>
          <EquipmentLevel><EquipmentID>LINE-1</EquipmentID><EquipmentElementLevel>WorkCenter</EquipmentElementLevel></EquipmentLevel>
        </Equipment>
      </Equipment>
    </Equipment>"""
    r = await send(harness, message("ProcessEquipment", "EQ-1", body))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == ["LYON", "MOULDING", "LINE-1"]
    line = (await get(harness, f"{R}/equipment/LINE-1")).json()
    assert (line["level"], line["parent_code"], line["name"]) == ("work_center", "MOULDING", "LINE-1")

    doc = {
        "message_id": "EQ-2",
        "equipment": [
            {"code": "PRESS-4", "name": "Press 4", "level": "equipment", "parent_code": "LINE-1"},
            {"code": "PRESS-5", "level": "equipment", "parent_code": "LINE-1"},
        ],
    }
    r = await send(harness, json.dumps(doc).encode(), JSON, "application/json")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == ["PRESS-4", "PRESS-5"]
    assert (await get(harness, f"{R}/equipment/PRESS-4")).json()["parent_code"] == "LINE-1"
    again = await send(harness, json.dumps(doc).encode(), JSON, "application/json")
    assert again.json()["duplicate"] is True


async def test_items_and_lots_as_json(harness: Harness) -> None:
    await warehouse(harness)
    items = {
        "message_id": "J-1",
        "items": [{"code": "PELLET-1", "name": "Pellets", "uom": "kg", "shelf_life_days": 90}],
    }
    r = await send(harness, json.dumps(items).encode(), JSON, "application/json")
    assert r.status_code == 200, r.text
    assert (await get(harness, f"{M}/items/PELLET-1")).json()["shelf_life_days"] == 90
    lots = {
        "message_id": "J-2",
        "lots": [{"code": "P-1", "item": "PELLET-1", "quantity": "12", "location": "WH-1"}],
    }
    r = await send(harness, json.dumps(lots).encode(), JSON, "application/json")
    assert r.status_code == 200, r.text
    assert (await get(harness, f"{M}/lots/P-1")).json()["status"] == "available"

    both = {"message_id": "J-3", "items": items["items"], "lots": lots["lots"]}
    r = await send(harness, json.dumps(both).encode(), JSON, "application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_message"
    assert "exactly one of items, lots and equipment" in r.json()["reason"]


async def test_invalid_master_data_writes_nothing_and_is_dead_lettered(harness: Harness) -> None:
    await warehouse(harness)
    cases = [
        # a schema violation: an unknown element inside a MaterialDefinition
        (
            message(
                "ProcessMaterialDefinition",
                "BAD-1",
                material("A-1", "A") + material("B-1", "B", extra="<Colour>red</Colour>"),
            ),
            "not valid B2MML V0700",
            "/ProcessMaterialDefinition/DataArea/MaterialDefinition[2]/Colour",
            16,
        ),
        # mapping: the second material has no unit of measure; the first is not created either
        (
            message(
                "ProcessMaterialDefinition", "BAD-2", material("A-1", "A") + material("B-1", "B", uom=None)
            ),
            "UnitOfMeasure is missing",
            "/ProcessMaterialDefinition/DataArea/MaterialDefinition[2]",
            14,
        ),
        # a lot of a material the MES doesn't know
        (
            message("ProcessMaterialLot", "BAD-3", lot("L-1", "NOPE", "1")),
            "material NOPE of lot L-1 is unknown",
            "/ProcessMaterialLot/DataArea/MaterialLot",
            10,
        ),
        # equipment whose parent the MES doesn't know
        (
            message(
                "ProcessEquipment",
                "BAD-4",
                "<Equipment><ID>PRESS-9</ID><HierarchyScope><EquipmentID>GHOST</EquipmentID><EquipmentElementLevel>WorkCenter</EquipmentElementLevel></HierarchyScope><EquipmentLevel><EquipmentID>PRESS-9</EquipmentID><EquipmentElementLevel>WorkUnit</EquipmentElementLevel></EquipmentLevel></Equipment>",
            ),
            "parent GHOST of equipment PRESS-9 is unknown",
            "/ProcessEquipment/DataArea/Equipment",
            9,
        ),
        # not master data at all
        (message("ProcessPersonnel", "BAD-5", ""), "expected one of", "/ProcessPersonnel", 2),
    ]
    for body, reason, path, line in cases:
        r = await send(harness, body)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "invalid_message"
        assert reason in problem["reason"], problem
        assert (problem["path"], problem["line"]) == (path, line), problem
    assert await item_codes(harness) == []
    assert await lot_codes(harness) == []
    assert (await get(harness, f"{R}/equipment/PRESS-9")).status_code == 404
    dead = await letters(harness)
    assert len(dead) == len(cases)
    assert {d["path"] for d in dead} == {c[2] for c in cases}

    # the missing master data arrives; the refused lot message is replayed and goes through
    await send(harness, message("ProcessMaterialDefinition", "MD-9", material("NOPE", "Now known")))
    (letter,) = [d for d in await letters(harness) if d["ref"] == "BAD-3"]
    r = await harness.client.post(  # replayed as the person replaying: with their permissions
        f"/api/v1/integration/message-dead-letters/{letter['id']}/replay",
        headers=harness.auth(*ERP, "integration:read", "integration:write", sub="planner-eve"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "replayed"
    assert await lot_codes(harness) == ["L-1"]
