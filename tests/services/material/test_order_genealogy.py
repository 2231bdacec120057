"""Issue 10, items 5 and 6: outputs take material consumed at any operation of their order, name the
order, and no stock is booked against an order that doesn't exist."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from mes.contracts.work_orders import WorkOrderClosed
from mes.platform.testing import Harness
from mes.services.material.clients import WorkOrders

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def _lot(h: Harness, code: str, item: str, qty: str) -> None:
    body = {"code": code, "item": item, "quantity": qty, "location": "L1-SIDE"}
    r = await h.client.post(f"{M}/lots", json=body, headers=h.auth(*ALL))
    assert r.status_code == 201, r.text


async def _consume(h: Harness, lot: str, qty: str, op: str, wo: str = "WO-1001") -> httpx.Response:
    return await h.client.post(
        f"{M}/lots/{lot}/consume",
        json={"quantity": qty, "work_order": wo, "operation": op},
        headers={**h.auth(*ALL, sub="op-ana"), "Idempotency-Key": f"{lot}-{op}-{wo}-{qty}"},
    )


async def _produce(
    h: Harness, code: str, inputs: list[dict[str, Any]], wo: str = "WO-1001"
) -> httpx.Response:
    body = {
        "code": code,
        "item": "BOTTLE-1L",
        "quantity": "100",
        "location": "L1-SIDE",
        "work_order": wo,
        "operation": "20",
        "inputs": inputs,
    }
    return await h.client.post(
        f"{M}/lots/produce", json=body, headers={**h.auth(*ALL, sub="op-ana"), "Idempotency-Key": code}
    )


async def _inputs(h: Harness, code: str) -> list[tuple[str, str]]:
    """The inputs material published for a produced lot, as (lot, quantity)."""
    from sqlalchemy import text

    async with h.db("material").transaction() as s:
        payload = await s.scalar(
            text(
                "SELECT payload FROM outbox WHERE topic = 'material.lot_produced.v1'"
                " AND payload->>'lot_code' = :c"
            ),
            {"c": code},
        )
    return sorted((i["lot_code"], i["quantity"]) for i in payload["inputs"])


async def test_the_last_operation_names_a_lot_consumed_at_an_earlier_one(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    await _lot(harness, "CAPS-1", "CAP-32", "500")
    assert (await _consume(harness, "RESIN-1", "12.5", "10")).status_code == 200
    assert (await _consume(harness, "CAPS-1", "100", "20")).status_code == 200
    r = await _produce(harness, "FG-1", [{"lot": "RESIN-1"}, {"lot": "CAPS-1"}])
    assert r.status_code == 201, r.text
    assert r.json()["work_order"] == "WO-1001"
    lot = (await harness.client.get(f"{M}/lots/FG-1", headers=harness.auth(*ALL))).json()
    assert lot["work_order"] == "WO-1001"
    assert await _inputs(harness, "FG-1") == [("CAPS-1", "100"), ("RESIN-1", "12.5")]


async def test_an_output_without_named_inputs_takes_what_its_order_consumed(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    await _lot(harness, "CAPS-1", "CAP-32", "500")
    await _lot(harness, "RESIN-2", "PP-RESIN", "50")
    assert (await _consume(harness, "RESIN-1", "12.5", "10")).status_code == 200
    assert (await _consume(harness, "CAPS-1", "100", "20")).status_code == 200
    assert (await _consume(harness, "RESIN-2", "5", "10", wo="WO-1002")).status_code == 200  # another order
    r = await _produce(harness, "FG-1", [])
    assert r.status_code == 201, r.text
    assert await _inputs(harness, "FG-1") == [("CAPS-1", "100"), ("RESIN-1", "12.5")]
    # what the order consumes next goes to its next output, not again to the first
    assert (await _consume(harness, "RESIN-1", "2", "10")).status_code == 200
    assert (await _produce(harness, "FG-2", [])).status_code == 201
    assert await _inputs(harness, "FG-2") == [("RESIN-1", "2")]


async def test_no_stock_is_booked_against_an_order_that_does_not_exist(harness: Harness, plant: Seed) -> None:
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    r = await _consume(harness, "RESIN-1", "3", "10", wo="WO-BAD")
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "unknown_work_order"
    r = await _produce(harness, "FG-X", [{"lot": "RESIN-1", "quantity": "1"}], wo="WO-BAD")
    assert (r.status_code, r.json()["code"]) == (409, "unknown_work_order")
    r = await harness.client.post(
        f"{M}/lots/RESIN-1/issue",
        json={"work_order": "WO-BAD", "to_location": "L1-SIDE", "quantity": "1"},
        headers=harness.auth(*ALL),
    )
    assert (r.status_code, r.json()["code"]) == (409, "unknown_work_order")
    lot = (await harness.client.get(f"{M}/lots/RESIN-1", headers=harness.auth(*ALL))).json()
    assert (lot["quantity"], lot["status"]) == ("50", "available")
    assert (await harness.client.get(f"{M}/lots/FG-X", headers=harness.auth(*ALL))).status_code == 404


async def test_no_stock_is_booked_against_a_cancelled_order(harness: Harness, plant: Seed) -> None:
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    planner = harness.auth("workorder:read", "workorder:write", "workorder:release")
    r = await harness.client.post(
        "/api/v1/workorders/orders/WO-1002/cancel", json={"reason": "customer cancelled"}, headers=planner
    )
    assert r.status_code == 200, r.text
    r = await _consume(harness, "RESIN-1", "3", "10", wo="WO-1002")
    assert (r.status_code, r.json()["code"]) == (409, "work_order_not_open")


async def test_an_order_material_knows_is_not_asked_for_again(
    harness: Harness, plant: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 49: the first booking against an order asks work orders; later ones read what material
    kept, so a consumption goes on while work orders is away."""
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    assert (await _consume(harness, "RESIN-1", "1", "10")).status_code == 200
    asked: list[str] = []

    async def away(_self: WorkOrders, number: str) -> str:
        asked.append(number)
        raise AssertionError("work orders was asked again")

    monkeypatch.setattr(WorkOrders, "status_of", away)
    r = await _consume(harness, "RESIN-1", "2", "10")
    assert r.status_code == 200, r.text
    assert r.json()["remaining"] == "47"
    r = await _produce(harness, "FG-1", [{"lot": "RESIN-1", "quantity": "3"}])
    assert r.status_code == 201, r.text
    assert asked == []


@pytest.mark.parametrize("end", ["cancel", "close"])
async def test_an_order_ended_after_its_first_booking_takes_no_more_stock(
    harness: Harness, plant: Seed, end: str
) -> None:
    """Work orders' cancel and close events reach material: what it kept of the order is no
    longer open, and the next booking is refused without asking (ADR 49)."""
    await plant()
    await _lot(harness, "RESIN-1", "PP-RESIN", "50")
    assert (await _consume(harness, "RESIN-1", "1", "10", wo="WO-1002")).status_code == 200
    if end == "cancel":
        planner = harness.auth("workorder:read", "workorder:write", "workorder:release")
        r = await harness.client.post(
            "/api/v1/workorders/orders/WO-1002/cancel", json={"reason": "customer cancelled"}, headers=planner
        )
        assert r.status_code == 200, r.text
        await harness.deliver()
    else:
        order = WorkOrderClosed(work_order="WO-1002", product="BOTTLE-1L", actor="planner-kim", reason=None)
        await harness.publish(order)
    r = await _consume(harness, "RESIN-1", "2", "10", wo="WO-1002")
    assert (r.status_code, r.json()["code"]) == (409, "work_order_not_open"), r.text
    lot = (await harness.client.get(f"{M}/lots/RESIN-1", headers=harness.auth(*ALL))).json()
    assert lot["quantity"] == "49"
