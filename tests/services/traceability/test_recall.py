"""A recall on a plant built through material's and work orders' APIs: affected lots, where they
are now, a mass balance that reconciles, hold-all on exactly the lots in stock, the export, and a
replay of the whole event history that gives the same graph."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import openpyxl
from sqlalchemy import text

from mes.platform.events import Envelope
from mes.platform.testing import Harness
from mes.services.traceability.event_handlers import HANDLERS

from .conftest import T, empty_projection, graph

M = "/api/v1/material"
W = "/api/v1/workorders"
R = "/api/v1/resource"
STOCK = (
    "material:read",
    "material:master:write",
    "material:lot:receive",
    "material:lot:consume",
    "material:lot:move",
    "material:lot:adjust",
    "material:lot:hold",
    "workorder:read",
)
# the default quality role's share of it: recall, hold, read
QUALITY = ("traceability:read", "traceability:recall", "material:read", "material:lot:hold", "workorder:read")


async def ok(r: Any, status: int = 200) -> Any:
    resp = await r
    assert resp.status_code == status, resp.text
    return resp.json() if resp.headers.get("content-type", "").endswith("json") else resp


async def build_plant(h: Harness) -> None:
    stock = h.auth(*STOCK, sub="store-sam")
    post = h.client.post
    for body in (
        {"code": "ACME", "name": "Acme", "level": "enterprise"},
        {"code": "PLANT-1", "name": "Plant", "level": "site", "parent_code": "ACME"},
        {"code": "PROD", "name": "Production", "level": "area", "parent_code": "PLANT-1"},
        {"code": "WC-1", "name": "Moulding", "level": "work_center", "parent_code": "PROD"},
    ):
        await ok(post(f"{R}/equipment", json=body, headers=h.auth("resource:equipment:write")), 201)
    for code, kind in (("WH-01", "warehouse"), ("L1-SIDE", "line_side"), ("FG-01", "warehouse")):
        await ok(post(f"{M}/locations", json={"code": code, "name": code, "kind": kind}, headers=stock), 201)
    for code, kind, uom in (
        ("PP-RESIN", "raw", "kg"),
        ("CARTON", "packaging", "pcs"),
        ("CAP-32", "intermediate", "pcs"),
        ("BOTTLE-1L", "finished", "pcs"),
    ):
        body = {"code": code, "name": code, "kind": kind, "uom": uom}
        await ok(post(f"{M}/items", json=body, headers=stock), 201)
    await h.deliver()
    planner = h.auth(
        "workorder:read", "workorder:write", "workorder:routing:write", "material:read", "resource:read"
    )
    ops = [
        {
            "seq": s,
            "name": f"Op {s}",
            "work_center": "WC-1",
            "setup_minutes": "0",
            "run_minutes_per_unit": "1",
        }
        for s in (10, 20)
    ]
    for product, number in (("CAP-32", "WO-1"), ("BOTTLE-1L", "WO-2")):
        await ok(post(f"{W}/products", json={"code": product}, headers=planner), 201)
        await ok(
            post(
                f"{W}/products/{product}/routings", json={"version": "1", "operations": ops}, headers=planner
            ),
            201,
        )
        body = {"number": number, "product": product, "quantity": "10", "due": "2030-01-10T12:00:00Z"}
        await ok(post(f"{W}/orders", json=body, headers=planner), 201)
    for code, item, qty in (("R-1", "PP-RESIN", "100"), ("R-2", "PP-RESIN", "100"), ("C-1", "CARTON", "500")):
        body = {
            "code": code,
            "item": item,
            "quantity": qty,
            "location": "L1-SIDE",
            "supplier": "Acme Polymers",
        }
        await ok(post(f"{M}/lots", json=body, headers=stock), 201)

    async def consume(lot: str, qty: str, number: str, op: str) -> None:
        headers = {**stock, "Idempotency-Key": f"{lot}-{number}-{op}"}
        body = {"quantity": qty, "work_order": number, "operation": op}
        await ok(post(f"{M}/lots/{lot}/consume", json=body, headers=headers))

    async def produce(code: str, item: str, qty: str, number: str) -> None:
        body = {
            "code": code,
            "item": item,
            "quantity": qty,
            "location": "FG-01",
            "work_order": number,
            "operation": "20",
        }
        await ok(post(f"{M}/lots/produce", json=body, headers={**stock, "Idempotency-Key": code}), 201)

    await consume("R-1", "30", "WO-1", "10")
    await produce("CAP-1", "CAP-32", "1000", "WO-1")  # names nothing: takes what WO-1 consumed
    await ok(post(f"{M}/lots/R-1/split", json={"quantity": "20", "new_code": "R-1B"}, headers=stock), 201)
    await ok(post(f"{M}/lots/R-1B/scrap", json={"quantity": "5", "reason": "spilt"}, headers=stock))
    await ok(post(f"{M}/lots/R-1/adjust", json={"delta": "-2", "reason": "count"}, headers=stock))
    await ok(post(f"{M}/lots/R-1B/hold", json={"reason": "moisture check"}, headers=stock))
    await consume("CAP-1", "400", "WO-2", "10")
    await consume("C-1", "10", "WO-2", "20")
    await produce("FG-1", "BOTTLE-1L", "400", "WO-2")
    await h.deliver()


async def test_recall_reconciles_holds_exactly_the_stock_and_exports(harness: Harness) -> None:
    h = harness
    await build_plant(h)
    quality = h.auth(*QUALITY, sub="qe-lea")
    recall = await ok(
        h.client.post(f"{T}/recalls", json={"lot": "R-1", "reason": "Resin contaminated"}, headers=quality),
        201,
    )
    affected = {a["code"]: a for a in recall["affected"]}
    assert set(affected) == {"R-1", "R-1B", "CAP-1", "FG-1"}  # not R-2, not the carton
    balances = {
        c: {
            k: a["balance"][k]
            for k in ("received", "consumed", "transferred", "scrapped", "adjusted", "on_hand", "difference")
        }
        for c, a in affected.items()
    }
    assert balances["R-1"] == {
        "received": "100",
        "consumed": "30",
        "transferred": "20",
        "scrapped": "0",
        "adjusted": "-2",
        "on_hand": "48",
        "difference": "0",
    }
    assert balances["R-1B"] == {
        "received": "20",
        "consumed": "0",
        "transferred": "0",
        "scrapped": "5",
        "adjusted": "0",
        "on_hand": "15",
        "difference": "0",
    }
    assert balances["CAP-1"]["on_hand"] == "600" and balances["FG-1"]["on_hand"] == "400"
    assert recall["total_difference"] == "0"
    assert {c: a["where"] for c, a in affected.items()} == dict.fromkeys(affected, "in_stock")
    assert (affected["R-1B"]["status"], affected["FG-1"]["location"]) == ("on_hold", "FG-01")

    held = await ok(h.client.post(f"{T}/recalls/{recall['id']}/hold-all", headers=quality))
    assert {o["lot"]: o["outcome"] for o in held["outcomes"]} == {
        "R-1": "held",
        "CAP-1": "held",
        "FG-1": "held",
        "R-1B": "already_held",
    }
    stock = h.auth("material:read")
    statuses = {}
    for code in ("R-1", "R-1B", "CAP-1", "FG-1", "R-2", "C-1"):
        lot = await ok(h.client.get(f"{M}/lots/{code}", headers=stock))
        statuses[code] = (lot["status"], lot["hold_reason"])
    assert {c: s for c, (s, _) in statuses.items()} == {
        "R-1": "on_hold",
        "R-1B": "on_hold",
        "CAP-1": "on_hold",
        "FG-1": "on_hold",
        "R-2": "available",
        "C-1": "available",
    }
    assert "Resin contaminated" in statuses["FG-1"][1] and recall["id"] in statuses["FG-1"][1]
    assert statuses["R-1B"][1] == "moisture check"  # held before: its reason stays
    async with h.db("material").transaction() as s:
        held_by = set(
            (await s.execute(text("SELECT DISTINCT actor FROM movement WHERE kind = 'hold'"))).scalars()
        )
    assert held_by == {"store-sam", "qe-lea"}  # the recall held as the quality engineer
    async with h.db("traceability").transaction() as s:
        audit = (await s.execute(text("SELECT action, actor FROM audit_log ORDER BY id"))).all()
    assert [a for a, _ in audit].count("recall.hold.held") == 3 and audit[0] == ("recall.started", "qe-lea")

    r = await h.client.get(f"{T}/recalls/{recall['id']}/export", params={"format": "csv"}, headers=quality)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["Traceability Lot Code"] for row in table} == set(affected)
    fg = next(row for row in table if row["Traceability Lot Code"] == "FG-1")
    assert (fg["Product"], fg["Quantity"], fg["Unit of Measure"], fg["Location"], fg["Event"]) == (
        "BOTTLE-1L",
        "400",
        "pcs",
        "FG-01",
        "Transformation",
    )
    assert fg["Event Date"] and fg["Recall Hold"] == "held"
    r = await h.client.get(f"{T}/recalls/{recall['id']}/export", params={"format": "xlsx"}, headers=quality)
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Traceability Lot Code",
        "Product",
        "Quantity",
        "Unit of Measure",
        "Location",
        "Event",
    )
    assert {row[0] for row in rows[1:]} == set(affected)


async def test_a_replay_of_the_whole_history_into_an_empty_database_gives_the_same_graph(
    harness: Harness,
) -> None:
    h = harness
    await build_plant(h)
    await h.deliver()
    built = await graph(h)
    topics = {cls.topic for cls in HANDLERS}
    history: list[Envelope] = []
    for service in ("material", "work-orders"):
        async with h.db(service).transaction() as s:
            rows = await s.execute(
                text("SELECT event_id, topic, aggregate_id, payload FROM outbox ORDER BY id")
            )
            history += [
                Envelope(str(r.event_id), r.topic, r.aggregate_id, service, _json(r.payload).encode())
                for r in rows
                if r.topic in topics
            ]
    assert len(history) >= 14  # receipts, consumptions, outputs, split, scrap, holds, orders
    consume = h.runtimes["traceability"].consumer()
    await empty_projection(h)
    shuffled = list(history)
    random.Random(7).shuffle(shuffled)
    for env in shuffled:
        await consume(env)
    assert await graph(h) == built


def _json(payload: Any) -> str:
    import json

    return payload if isinstance(payload, str) else json.dumps(payload)


async def test_shipped_stock_shows_where_it_went_and_the_balance_still_reconciles(harness: Harness) -> None:
    h = harness
    await build_plant(h)
    ship = h.auth(*STOCK, sub="ship-sam")
    body = {
        "quantity": "150",
        "customer": "Acme Retail",
        "destination": "DC Nord, Hamburg",
        "reference": "DN-9",
    }
    await ok(h.client.post(f"{M}/lots/FG-1/ship", json=body, headers={**ship, "Idempotency-Key": "s1"}))
    body = {"quantity": "600", "customer": "Bottling Partner"}
    await ok(h.client.post(f"{M}/lots/CAP-1/ship", json=body, headers={**ship, "Idempotency-Key": "s2"}))
    await h.deliver()
    quality = h.auth(*QUALITY, sub="qe-lea")
    recall = await ok(
        h.client.post(f"{T}/recalls", json={"lot": "R-1", "reason": "Resin contaminated"}, headers=quality),
        201,
    )
    affected = {a["code"]: a for a in recall["affected"]}
    fg, cap = affected["FG-1"], affected["CAP-1"]
    assert (fg["where"], fg["balance"]["shipped"], fg["balance"]["on_hand"], fg["balance"]["difference"]) == (
        "in_stock",
        "150",
        "250",
        "0",
    )
    assert [(s["quantity"], s["customer"], s["destination"]) for s in fg["shipments"]] == [
        ("150", "Acme Retail", "DC Nord, Hamburg")
    ]
    assert (cap["where"], cap["status"], cap["balance"]["shipped"], cap["balance"]["on_hand"]) == (
        "shipped",
        "shipped",
        "600",
        "0",
    )
    assert cap["balance"]["difference"] == "0" and recall["total_difference"] == "0"
    held = await ok(h.client.post(f"{T}/recalls/{recall['id']}/hold-all", headers=quality))
    assert "CAP-1" not in {o["lot"] for o in held["outcomes"]}  # nothing of it is left to hold
    assert {o["lot"]: o["outcome"] for o in held["outcomes"]}["FG-1"] == "held"
    r = await h.client.get(f"{T}/recalls/{recall['id']}/export", params={"format": "csv"}, headers=quality)
    table = {
        row["Traceability Lot Code"]: row
        for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))
    }
    assert (table["FG-1"]["Shipped"], table["FG-1"]["Shipped To"]) == (
        "150",
        "Acme Retail / DC Nord, Hamburg (150)",
    )
    assert table["CAP-1"]["Where"] == "shipped"
