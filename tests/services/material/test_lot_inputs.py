"""Several outputs of one operation share what it consumed: no consumption is counted twice."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from mes.platform.testing import Harness

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def test_outputs_of_one_operation_never_count_a_consumption_twice(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="op-ana")
    r = await harness.client.post(
        f"{M}/lots",
        headers=auth,
        json={"code": "R-B", "item": "PP-RESIN", "quantity": "10", "location": "L1-SIDE"},
    )
    assert r.status_code == 201, r.text

    async def consume(qty: str, key: str) -> None:
        r = await harness.client.post(
            f"{M}/lots/R-B/consume",
            json={"quantity": qty, "work_order": "WO-1001", "operation": "10"},
            headers={**auth, "Idempotency-Key": key},
        )
        assert r.status_code == 200, r.text

    async def produce(code: str, inputs: list[dict[str, Any]]) -> Any:
        return await harness.client.post(
            f"{M}/lots/produce",
            headers={**auth, "Idempotency-Key": code},
            json={
                "code": code,
                "item": "CAP-32",
                "quantity": 100,
                "location": "L1-SIDE",
                "work_order": "WO-1001",
                "operation": "10",
                "inputs": inputs,
            },
        )

    await consume("4", "c1")
    assert (await produce("CAP-A", [{"lot": "R-B"}])).status_code == 201
    await consume("2", "c2")
    assert (await produce("CAP-B", [{"lot": "R-B"}])).status_code == 201
    assert (await produce("CAP-C", [{"lot": "R-B", "quantity": "1.5"}])).status_code == 201
    r = await produce("CAP-D", [{"lot": "R-B"}])  # everything consumed is already in A, B and C
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "input_already_used"
    r = await produce("CAP-F", [{"lot": "R-B"}, {"lot": "R-B", "quantity": "0.5"}])  # which is which?
    assert r.status_code == 422 and r.json()["errors"][0]["message"].endswith("name each input lot once")
    r = await produce("CAP-E", [{"lot": "R-A-NEVER"}])
    assert r.status_code == 404
    r = await harness.client.get(f"{M}/lots/CAP-D", headers=auth)
    assert r.status_code == 404  # the refused output was not made

    async with harness.db("material").transaction() as s:
        produced = (
            await s.execute(
                text(
                    "SELECT payload->>'lot_code', payload->'inputs' FROM outbox"
                    " WHERE topic = 'material.lot_produced.v1' ORDER BY id"
                )
            )
        ).all()
        rows = (
            await s.execute(
                text(
                    "SELECT o.code, i.code, li.quantity FROM lot_input li JOIN lot o ON o.id = li.output_lot_id"
                    " JOIN lot i ON i.id = li.input_lot_id ORDER BY li.id"
                )
            )
        ).all()
    assert [(code, [(i["lot_code"], i["quantity"]) for i in inputs]) for code, inputs in produced] == [
        ("CAP-A", [("R-B", "4")]),
        ("CAP-B", [("R-B", "2")]),
        ("CAP-C", [("R-B", "1.5")]),
    ]
    assert [(o, i, str(q.normalize())) for o, i, q in rows] == [
        ("CAP-A", "R-B", "4"),
        ("CAP-B", "R-B", "2"),
        ("CAP-C", "R-B", "1.5"),
    ]
    r = await harness.client.get(f"{M}/lots/R-B", headers=auth)
    assert r.json()["quantity"] == "2.5"
