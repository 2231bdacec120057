"""ERP inbound: ProcessOperationsSchedule (B2MML V0700 and JSON) to work orders, once; bad input refused."""

from typing import Any

from lxml import etree

from mes.platform.testing import Harness
from mes.services.integration.models import b2mml

from .conftest import call

W = "/api/v1/workorders"
M = "/api/v1/material"
URL = "/api/v1/integration/erp/b2mml/process-operations-schedule"
JSON_URL = "/api/v1/integration/erp/json/process-operations-schedule"
ERP = ("integration:message:send", "workorder:read", "workorder:write")


async def products(h: Harness) -> None:
    admin = h.auth("material:master:write", "material:read", "workorder:routing:write", "workorder:read")
    for code in ("KIT-100", "CAP-32"):
        r = await h.client.post(
            f"{M}/items", json={"code": code, "name": code, "kind": "finished", "uom": "pcs"}, headers=admin
        )
        assert r.status_code == 201, r.text
        r = await h.client.post(f"{W}/products", json={"code": code}, headers=admin)
        assert r.status_code == 201, r.text


def schedule(bodid: str, orders: list[tuple[str, str, str]], extra: str = "") -> bytes:
    reqs = "".join(
        f"""
      <OperationsRequest>
        <ID>{number}</ID>
        <EndTime>2026-12-10T14:00:00Z</EndTime>
        <Priority>3</Priority>
        <SegmentRequirement>
          <ID>{number}-10</ID>
          <MaterialRequirement>
            <MaterialDefinitionID>{product}</MaterialDefinitionID>
            <MaterialUse>Produced</MaterialUse>
            <Quantity><QuantityString>{qty}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity>
          </MaterialRequirement>
        </SegmentRequirement>{extra}
      </OperationsRequest>"""
        for number, product, qty in orders
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ProcessOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML" releaseID="V0700">
  <ApplicationArea>
    <Sender><LogicalID>SAP-PRD</LogicalID></Sender>
    <CreationDateTime>2026-12-01T08:00:00Z</CreationDateTime>
    <BODID>{bodid}</BODID>
  </ApplicationArea>
  <DataArea>
    <Process/>
    <OperationsSchedule>
      <ID>SCHED-49</ID>{reqs}
    </OperationsSchedule>
  </DataArea>
</ProcessOperationsSchedule>""".encode()


async def send(h: Harness, body: bytes, url: str = URL, ctype: str = "application/xml") -> Any:
    return await h.client.post(
        url, content=body, headers={**h.auth(*ERP, sub="erp-sap"), "content-type": ctype}
    )


async def order_numbers(h: Harness) -> list[str]:
    r = await h.client.get(f"{W}/orders", headers=h.auth("workorder:read"))
    return sorted(o["number"] for o in r.json()["items"])


async def letters(h: Harness) -> list[dict[str, Any]]:
    return list((await call(h, "GET", "/message-dead-letters?source=erp"))["items"])


async def test_schedule_creates_work_orders_once_and_is_acknowledged(harness: Harness) -> None:
    await products(harness)
    msg = schedule("BOD-1", [("WO-9001", "KIT-100", "250"), ("WO-9002", "CAP-32", "1000")])
    first = await send(harness, msg)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/xml")
    ack = b2mml.parse(first.content)
    b2mml.validate(ack, "OperationsSchedule")  # a valid AcknowledgeOperationsSchedule
    ns = {"b": b2mml.NS}
    assert etree.QName(ack).localname == "AcknowledgeOperationsSchedule"
    assert (
        ack.findtext("b:DataArea/b:Acknowledge/b:OriginalApplicationArea/b:BODID", namespaces=ns) == "BOD-1"
    )
    expr = ack.find("b:DataArea/b:Acknowledge/b:ResponseCriteria/b:ResponseExpression", namespaces=ns)
    assert expr is not None and expr.get("actionCode") == "Accepted"
    assert await order_numbers(harness) == ["WO-9001", "WO-9002"]
    wo = (await harness.client.get(f"{W}/orders/WO-9001", headers=harness.auth("workorder:read"))).json()
    assert (wo["product"], wo["quantity"], wo["priority"], wo["erp_ref"]) == ("KIT-100", "250", 3, "SCHED-49")

    again = await send(harness, msg)  # the ERP did not get our answer and sends it again
    assert again.status_code == 200 and again.content == first.content
    assert await order_numbers(harness) == ["WO-9001", "WO-9002"]

    reused = await send(harness, schedule("BOD-1", [("WO-9003", "KIT-100", "1")]))
    assert reused.status_code == 409 and reused.json()["code"] == "message_id_reused"
    assert await order_numbers(harness) == ["WO-9001", "WO-9002"]


async def test_a_message_that_fails_mapping_writes_nothing(harness: Harness) -> None:
    await products(harness)
    r = await send(harness, schedule("BOD-2", [("WO-1", "KIT-100", "5"), ("WO-2", "NO-SUCH-ITEM", "5")]))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "invalid_message"
    assert "NO-SUCH-ITEM" in problem["reason"]
    assert problem["path"] == "/ProcessOperationsSchedule/DataArea/OperationsSchedule/OperationsRequest[2]"
    assert problem["line"] == 25
    assert await order_numbers(harness) == []  # not even the first, valid order
    (letter,) = await letters(harness)
    assert (letter["reason"], letter["path"], letter["line"]) == (problem["reason"], problem["path"], 25)
    assert "NO-SUCH-ITEM" in letter["payload"]


async def test_schema_violations_and_hostile_xml_are_dead_lettered(harness: Harness) -> None:
    await products(harness)
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ProcessOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML">&lol3;</ProcessOperationsSchedule>"""
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ProcessOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML">&xxe;</ProcessOperationsSchedule>"""
    cases = {
        "unknown tag": (
            schedule("BOD-3", [("WO-1", "KIT-100", "5")], extra="<Colour>red</Colour>"),
            "Unexpected child",
            23,
        ),
        "malformed": (
            b"<ProcessOperationsSchedule xmlns='http://www.mesa.org/xml/B2MML'><ApplicationArea>",
            "malformed XML",
            1,
        ),
        "bomb": (bomb, "DTDs are not allowed", 1),
        "external entity": (xxe, "DTDs are not allowed", 1),
        "not xml": (b"\x00\x01\x02", "malformed XML", 1),
        "no quantity": (schedule("BOD-4", [("WO-1", "KIT-100", "-5")]), "must be a number above 0", 21),
    }
    for name, (body, reason, line) in cases.items():
        r = await send(harness, body)
        assert r.status_code == 422, (name, r.status_code, r.text)
        assert reason in r.json()["reason"], (name, r.json())
        assert r.json()["line"] == line, (name, r.json())
    big = await send(harness, b"<a>" + b"x" * 2_000_000 + b"</a>")
    assert big.status_code == 413
    assert len(await letters(harness)) == len(cases)
    assert all("root:" not in x["payload"] for x in await letters(harness))  # no file was ever read
    assert await order_numbers(harness) == []


async def test_the_same_as_json(harness: Harness) -> None:
    await products(harness)
    body = {
        "message_id": "JSON-1",
        "schedule_id": "SCHED-50",
        "orders": [
            {"number": "WO-7001", "product": "KIT-100", "quantity": "12", "due": "2026-12-10T14:00:00Z"}
        ],
    }
    import json

    raw = json.dumps(body).encode()
    r = await send(harness, raw, JSON_URL, "application/json")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "message_id": "JSON-1",
        "accepted": True,
        "duplicate": False,
        "created": ["WO-7001"],
        "existing": [],
    }
    r = await send(harness, raw, JSON_URL, "application/json")
    assert r.json()["duplicate"] is True and r.json()["created"] == ["WO-7001"]
    assert await order_numbers(harness) == ["WO-7001"]
    bad = await send(
        harness, b'{"message_id": "JSON-2", "orders": [{"number": "WO-1"}]}', JSON_URL, "application/json"
    )
    assert bad.status_code == 422 and bad.json()["path"] == "/orders/0/product"
    assert (await letters(harness))[0]["path"] == "/orders/0/product"


async def test_sending_needs_its_permission(harness: Harness) -> None:
    r = await harness.client.post(
        URL,
        content=schedule("BOD-9", [("WO-1", "KIT-100", "1")]),
        headers=harness.auth("integration:read", "workorder:write"),
    )
    assert r.status_code == 403
    assert await letters(harness) == []
