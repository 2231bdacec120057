"""Shipping: stock out of the plant to a customer, booked in the ledger, announced to traceability."""

from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlalchemy import text

from mes.platform.testing import Harness

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def test_a_shipment_takes_stock_out_to_a_customer_once_per_key(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="ship-sam")
    body = {"code": "FG-7", "item": "BOTTLE-1L", "quantity": "100", "location": "WH-01"}
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201
    ship = {
        "quantity": "60",
        "customer": "Acme Retail",
        "destination": "DC Nord, Hamburg",
        "reference": "DN-1",
    }
    for _ in range(2):  # the browser retried after a timeout
        r = await harness.client.post(
            f"{M}/lots/FG-7/ship", json=ship, headers={**auth, "Idempotency-Key": "ship-1"}
        )
        assert r.status_code == 200, r.text
    assert (Decimal(str(r.json()["quantity"])), r.json()["status"]) == (40, "available")
    r = await harness.client.post(
        f"{M}/lots/FG-7/ship",
        json={"quantity": "40", "customer": "Bolt GmbH"},
        headers={**auth, "Idempotency-Key": "ship-2"},
    )
    assert (Decimal(str(r.json()["quantity"])), r.json()["status"]) == (0, "shipped")
    moves = (await harness.client.get(f"{M}/lots/FG-7/movements", headers=auth)).json()
    assert [(m["kind"], Decimal(str(m["quantity"])), m["customer"], m["destination"]) for m in moves] == [
        ("receive", 100, None, None),
        ("ship", -60, "Acme Retail", "DC Nord, Hamburg"),
        ("ship", -40, "Bolt GmbH", None),
    ]
    async with harness.db("material").transaction() as s:
        rows = (
            await s.execute(
                text(
                    "SELECT payload->>'customer', payload->>'destination', payload->>'remaining',"
                    " payload->>'reference', payload->>'from_location'"
                    " FROM outbox WHERE topic = 'material.lot_shipped.v1' ORDER BY id"
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Acme Retail", "DC Nord, Hamburg", "40", "DN-1", "WH-01"),
        ("Bolt GmbH", None, "0", None, "WH-01"),
    ]
    # nothing is left: a further shipment is refused and books nothing
    r = await harness.client.post(
        f"{M}/lots/FG-7/ship", json={"quantity": "1", "customer": "Acme Retail"}, headers=auth
    )
    assert (r.status_code, r.json()["code"]) == (409, "invalid_status_change")
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_held_stock_does_not_ship_and_a_shipment_needs_the_move_permission(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL)
    body = {"code": "FG-8", "item": "BOTTLE-1L", "quantity": "10", "location": "WH-01"}
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201
    r = await harness.client.post(
        f"{M}/lots/FG-8/ship",
        json={"quantity": "5", "customer": "Acme"},
        headers=harness.auth("material:read"),
    )
    assert r.status_code == 403
    r = await harness.client.post(f"{M}/lots/FG-8/hold", json={"reason": "recall"}, headers=auth)
    assert r.status_code == 200, r.text
    r = await harness.client.post(
        f"{M}/lots/FG-8/ship", json={"quantity": "5", "customer": "Acme"}, headers=auth
    )
    assert (r.status_code, r.json()["code"]) == (409, "invalid_status_change")
    r = await harness.client.post(
        f"{M}/lots/FG-8/ship", json={"quantity": "11", "customer": "Acme"}, headers=auth
    )
    assert r.status_code == 409
    r = await harness.client.post(f"{M}/lots/FG-8/ship", json={"quantity": "5", "customer": ""}, headers=auth)
    assert r.status_code == 422
    lot = (await harness.client.get(f"{M}/lots/FG-8", headers=auth)).json()
    assert (Decimal(str(lot["quantity"])), lot["status"]) == (10, "on_hold")


async def test_a_held_lot_goes_back_to_its_supplier_only_as_a_return_with_a_reference(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="qe-lea")
    body = {
        "code": "RM-9",
        "item": "BOTTLE-1L",
        "quantity": "30",
        "location": "WH-01",
        "supplier": "Vitro SA",
    }
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201
    r = await harness.client.post(f"{M}/lots/RM-9/hold", json={"reason": "cracks"}, headers=auth)
    assert r.status_code == 200, r.text
    back = {"quantity": "30", "customer": "Vitro SA", "destination": "return to supplier"}
    # a return names its reference (the NCR); without the flag a held lot stays
    r = await harness.client.post(
        f"{M}/lots/RM-9/ship", json={**back, "return_to_supplier": True}, headers=auth
    )
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await harness.client.post(f"{M}/lots/RM-9/ship", json={**back, "reference": "NCR-7"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (409, "invalid_status_change")
    lot = (await harness.client.get(f"{M}/lots/RM-9", headers=auth)).json()
    assert (Decimal(str(lot["quantity"])), lot["status"]) == (30, "on_hold")
    ret = {**back, "reference": "NCR-7", "return_to_supplier": True}
    for _ in range(2):  # retried: returned once
        r = await harness.client.post(
            f"{M}/lots/RM-9/ship", json=ret, headers={**auth, "Idempotency-Key": "NCR-7:return:RM-9"}
        )
        assert r.status_code == 200, r.text
    assert (Decimal(str(r.json()["quantity"])), r.json()["status"]) == (0, "shipped")
    moves = (await harness.client.get(f"{M}/lots/RM-9/movements", headers=auth)).json()
    assert [
        (m["kind"], Decimal(str(m["quantity"])), m["customer"]) for m in moves if m["kind"] == "ship"
    ] == [("ship", -30, "Vitro SA")]
    assert [m["reason"] for m in moves if m["kind"] == "ship"] == ["Returned to supplier Vitro SA (NCR-7)"]
    async with harness.db("material").transaction() as s:
        rows = (
            await s.execute(
                text(
                    "SELECT payload->>'reference', payload->>'return_to_supplier' FROM outbox"
                    " WHERE topic = 'material.lot_shipped.v1'"
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [("NCR-7", "true")]
    # a scrapped lot goes nowhere, return or not
    body = {"code": "RM-10", "item": "BOTTLE-1L", "quantity": "5", "location": "WH-01"}
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201
    r = await harness.client.post(
        f"{M}/lots/RM-10/scrap", json={"quantity": "5", "reason": "x"}, headers=auth
    )
    assert r.status_code == 200, r.text
    r = await harness.client.post(f"{M}/lots/RM-10/ship", json={**ret, "quantity": "1"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (409, "invalid_status_change")
